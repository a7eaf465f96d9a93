"""Normalising names, websites and places so that feeds' different spellings compare equal.

The functions are cached: a feed names the same partners, places and sites over and over."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import urlsplit

# Words that only say what kind of thing a community is; two communities differ by the rest.
KIND_WORDS = frozenset(
    {
        "fieldlab",
        "field",
        "lab",
        "living",
        "livinglab",
        "skillslab",
        "skills",
        "centre",
        "center",
        "centrum",
        "expertise",
        "coe",
        "civ",
        "innovatief",
        "vakmanschap",
        "practoraat",
        "lectoraat",
        "learning",
        "community",
        "lerende",
        "gemeenschap",
        "leergemeenschap",
        "pps",
        "ecosysteem",
        "ecosystem",
        "hub",
    }
)
STOPWORDS = frozenset({"de", "het", "een", "van", "voor", "en", "in", "op", "te", "the", "of", "and", "for", "met"})
LEGAL_FORMS = frozenset({"bv", "nv", "stichting", "vereniging", "cooperatie", "ua", "vof"})
# Generic words in organisation names that feeds drop or add ("Hogeschool Saxion" / "Saxion").
ORGANISATION_WORDS = frozenset({"hogeschool", "hogescholen", "university", "applied", "sciences"})
ABBREVIATIONS = {"coe": "centre of expertise", "civ": "centrum voor innovatief vakmanschap", "center": "centre"}
WEB_PREFIXES = ("www.", "www2.")


@lru_cache(maxsize=65_536)
def fold_text(text: str) -> str:
    """Lower case, accents removed, `&` read as `en`, punctuation as spaces, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("&", " en "))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


@lru_cache(maxsize=65_536)
def name_tokens(name: str) -> tuple[str, ...]:
    """The words of a name, abbreviations written out."""
    return tuple(fold_text(" ".join(ABBREVIATIONS.get(word, word) for word in fold_text(name).split())).split())


@lru_cache(maxsize=65_536)
def core_name(name: str) -> str:
    """The distinctive part of a community's name: no kind words, no stop words, sorted."""
    tokens = [token for token in name_tokens(name) if token not in KIND_WORDS and token not in STOPWORDS]
    return " ".join(sorted(tokens)) or " ".join(sorted(name_tokens(name)))


@lru_cache(maxsize=65_536)
def full_name(name: str) -> str:
    """A community's whole name, kind words included, order and stop words ignored."""
    return " ".join(sorted(token for token in name_tokens(name) if token not in STOPWORDS))


@lru_cache(maxsize=65_536)
def organisation_key(name: str) -> str:
    """An organisation's identity in names: "ROC van Amsterdam B.V." and "ROC Amsterdam" agree."""
    ignored = STOPWORDS | LEGAL_FORMS | ORGANISATION_WORDS
    tokens = [token for token in fold_text(name.replace(".", "")).split() if token not in ignored]
    return " ".join(tokens) or fold_text(name)


@lru_cache(maxsize=65_536)
def website_site(url: str | None) -> str | None:
    """A website as host plus path, without scheme, `www.` or trailing slash: `fieldlab-x.nl/twente`."""
    if not url or not url.strip():
        return None
    text = url.strip().lower()
    parts = urlsplit(text if "://" in text else f"//{text}")
    host = parts.hostname or ""
    for prefix in WEB_PREFIXES:
        host = host.removeprefix(prefix)
    if "." not in host:
        return None
    path = parts.path.rstrip("/")
    return f"{host}{path}"


def normalise_website(url: str | None) -> str | None:
    """A website as the registry stores it: `https://` + host + path."""
    if not url or not url.strip():
        return None
    text = url.strip()
    parts = urlsplit(text if "://" in text else f"https://{text}")
    if not parts.hostname or "." not in parts.hostname:
        raise ValueError(f"{url!r} is not a website address")
    scheme = parts.scheme if parts.scheme in ("http", "https") else "https"
    return f"{scheme}://{parts.netloc.lower()}{parts.path}".rstrip("/")
