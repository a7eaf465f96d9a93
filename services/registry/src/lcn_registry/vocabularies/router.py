"""HTTP endpoints of the controlled vocabularies: codes, labels and the aliases feeds use (open to read)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel

from lcn_shared.contracts.vocabulary import VOCABULARIES
from lcn_shared.problems import NotFound, problem_responses

router = APIRouter(prefix="/vocabularies", tags=["vocabularies"])
# The vocabularies are fixed at deploy time: clients and proxies may keep them for an hour.
CACHE_CONTROL = "public, max-age=3600"


class VocabularyTerm(BaseModel):
    """One controlled value."""

    code: str
    label: str
    aliases: list[str]


class Vocabulary(BaseModel):
    """A controlled vocabulary: its name, what it is, and its terms in their canonical order."""

    name: str
    description: str
    terms: list[VocabularyTerm]


class VocabularyList(BaseModel):
    """Every vocabulary the API's controlled fields use."""

    data: list[Vocabulary]


def _vocabulary(name: str) -> Vocabulary:
    """The vocabulary called `name`, as the API shows it."""
    described: dict[str, Any] = VOCABULARIES[name].describe()
    return Vocabulary(name=name, **described)


@router.get("", response_model=VocabularyList)
async def list_vocabularies(response: Response) -> VocabularyList:
    """Every vocabulary with its codes, labels and aliases."""
    response.headers["Cache-Control"] = CACHE_CONTROL
    return VocabularyList(data=[_vocabulary(name) for name in VOCABULARIES])


@router.get("/{name}", response_model=Vocabulary, responses=problem_responses(404))
async def get_vocabulary(name: str, response: Response) -> Vocabulary:
    """One vocabulary by name (for example `topsectors` or `landsdelen`)."""
    if name not in VOCABULARIES:
        raise NotFound(f"No vocabulary {name!r}.", known=list(VOCABULARIES))
    response.headers["Cache-Control"] = CACHE_CONTROL
    return _vocabulary(name)
