"""Scopes: what part of the network a figure is about (the whole network, one landsdeel, or one top sector)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import AfterValidator, StringConstraints

from lcn_shared.contracts.vocabulary import Landsdeel, Topsector

NATIONAL = "national"
ScopeKind = Literal["national", "landsdeel", "topsector"]
SCOPE_PATTERN = r"^(national|landsdeel:[a-z-]{1,40}|topsector:[a-z-]{1,40})$"


@dataclass(frozen=True)
class Scope:
    """A parsed scope: its kind and, below national, the landsdeel or top sector code."""

    kind: ScopeKind
    code: str | None = None

    @property
    def text(self) -> str:
        """The scope as the API writes it: `national`, `landsdeel:noord`, `topsector:energie`."""
        return NATIONAL if self.code is None else f"{self.kind}:{self.code}"

    @property
    def landsdeel(self) -> Landsdeel | None:
        """The scope's landsdeel, when it is one."""
        return Landsdeel(self.code) if self.kind == "landsdeel" and self.code else None

    @property
    def topsector(self) -> Topsector | None:
        """The scope's top sector, when it is one."""
        return Topsector(self.code) if self.kind == "topsector" and self.code else None


def parse_scope(text: str) -> Scope:
    """`national`, `landsdeel:<code>` or `topsector:<code>` with a known code; ValueError otherwise."""
    if text == NATIONAL:
        return Scope("national")
    kind, _, code = text.partition(":")
    vocabularies: dict[str, type[Landsdeel] | type[Topsector]] = {"landsdeel": Landsdeel, "topsector": Topsector}
    if kind not in vocabularies or code not in vocabularies[kind]._value2member_map_:
        raise ValueError(f"{text!r} is no scope: write national, landsdeel:<code> or topsector:<code>")
    return Scope(kind, code)  # type: ignore[arg-type]


def every_scope() -> list[Scope]:
    """National, then every landsdeel, then every top sector."""
    return [
        Scope("national"),
        *(Scope("landsdeel", landsdeel.value) for landsdeel in Landsdeel),
        *(Scope("topsector", topsector.value) for topsector in Topsector),
    ]


def _checked(text: str) -> str:
    """A scope text whose code is a known landsdeel or top sector."""
    return parse_scope(text).text


ScopeText = Annotated[
    str,
    StringConstraints(pattern=SCOPE_PATTERN),
    AfterValidator(_checked),
]
