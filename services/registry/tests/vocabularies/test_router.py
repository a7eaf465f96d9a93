"""GET /v1/vocabularies: every controlled vocabulary with codes, labels and aliases (no database involved)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from lcn_shared.contracts.vocabulary import VOCABULARIES, Topsector
from lcn_shared.settings import load_config
from services.registry.tests.search.builders import PROBLEM_JSON, create_registry_app


@pytest.fixture
async def registry() -> AsyncIterator[httpx.AsyncClient]:
    """The registry app without its lifespan: the vocabularies need neither PostgreSQL nor Kafka."""
    app = create_registry_app(load_config("registry"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://registry") as client:
        yield client


async def test_lists_every_vocabulary_with_codes_labels_and_aliases(registry: httpx.AsyncClient) -> None:
    """One entry per vocabulary, terms in their canonical order."""
    response = await registry.get("/v1/vocabularies")
    assert response.status_code == 200
    assert "max-age" in response.headers["cache-control"]
    vocabularies = {vocabulary["name"]: vocabulary for vocabulary in response.json()["data"]}
    assert list(vocabularies) == list(VOCABULARIES)
    for name, terms in VOCABULARIES.items():
        assert [term["code"] for term in vocabularies[name]["terms"]] == [term.value for term in terms]
    htsm = vocabularies["topsectors"]["terms"][1]
    assert htsm == {"code": "htsm", "label": Topsector.HTSM.label, "aliases": list(Topsector.HTSM.aliases)}


async def test_one_vocabulary_by_name(registry: httpx.AsyncClient) -> None:
    """A vocabulary on its own, with its description."""
    response = await registry.get("/v1/vocabularies/landsdelen")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "landsdelen"
    assert body["description"] == "The five Techniekpact regions."
    assert [term["code"] for term in body["terms"]] == ["noord", "oost", "zuidoost", "zuidwest", "noordwest"]


async def test_unknown_vocabulary_is_a_404_problem(registry: httpx.AsyncClient) -> None:
    """An unknown name is a problem+json 404 that names the known vocabularies."""
    response = await registry.get("/v1/vocabularies/colours")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON
    assert "topsectors" in response.json()["known"]
