"""How a second feed spells the same community and partner: the naming differences real feeds have."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable

from lcn_registry.demo.places import PLACE_LABELS
from lcn_registry.demo.pools import PARTNER_ALIASES

NameRule = Callable[[str], str | None]

ABBREVIATIONS = (("Centre of Expertise", "CoE"), ("Centrum voor Innovatief Vakmanschap", "CIV"))
PLACE_WORDS = frozenset(word for label in PLACE_LABELS for word in label.split())
# A name cut before these words would no longer read as a name ("Cybersecurity Centre ROC van").
UNCUTTABLE = frozenset({"van", "de", "der", "den", "voor", "in", "op", "en", "&", "ROC"})
VARIED_SHARE = 0.55
SECOND_RULE_SHARE = 0.25
TYPO_SHARE = 0.08  # of the unvaried names, so about 4% of all


def abbreviate(name: str) -> str | None:
    """ "Centre of Expertise" as "CoE", "Centrum voor Innovatief Vakmanschap" as "CIV"."""
    for long, short in ABBREVIATIONS:
        if long in name:
            return name.replace(long, short)
    return None


def move_fieldlab(name: str) -> str | None:
    """ "Fieldlab" moved from the front to the end, or from the middle to the front."""
    if name.startswith("Fieldlab "):
        return f"{name.removeprefix('Fieldlab ')} Fieldlab"
    if " Fieldlab " in name:
        return "Fieldlab " + name.replace(" Fieldlab ", " ", 1)
    return None


def swap_and(name: str) -> str | None:
    """ "&" written as "en", or the other way round."""
    if " & " in name:
        return name.replace(" & ", " en ")
    if " en " in name:
        return name.replace(" en ", " & ")
    return None


def sentence_case(name: str) -> str | None:
    """Capitalised words after the first in lower case, place names kept."""
    first, *rest = name.split(" ")
    lowered = [word.lower() if _capitalised(word) and word not in PLACE_WORDS else word for word in rest]
    varied = " ".join([first, *lowered])
    return varied if varied != name else None


def drop_accents(name: str) -> str | None:
    """No accents; Fryslân becomes Friesland, as many feeds write it."""
    friesland = re.sub(r"(?<= )Fryslân\b", "Friesland", name)  # the province, not Súdwest-Fryslân
    if friesland != name:
        return friesland
    plain = "".join(char for char in unicodedata.normalize("NFKD", name) if not unicodedata.combining(char))
    return plain if plain != name else None


def drop_place(name: str) -> str | None:
    """The trailing place name left out, where what remains still reads as a name."""
    for label in PLACE_LABELS:
        if name.endswith(f" {label}"):
            rest = name.removesuffix(f" {label}")
            words = rest.split(" ")
            return rest if len(words) >= 2 and words[-1] not in UNCUTTABLE else None
    return None


def typo(name: str, rng: random.Random) -> str:
    """Two neighbouring letters swapped in one longer word that is not a place name."""
    words = name.split(" ")
    candidates = [
        index for index, word in enumerate(words) if len(word) >= 7 and word.isalpha() and word not in PLACE_WORDS
    ]
    if not candidates:
        return name
    index = rng.choice(candidates)
    word = words[index]
    position = rng.randint(1, len(word) - 3)
    words[index] = word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    return " ".join(words)


# Weighted: abbreviating and dropping accents are what feeds do most.
NAME_RULES: tuple[tuple[NameRule, int], ...] = (
    (abbreviate, 4),
    (move_fieldlab, 2),
    (swap_and, 2),
    (sentence_case, 2),
    (drop_accents, 3),
    (drop_place, 1),
)


def vary_name(name: str, rng: random.Random) -> tuple[str, bool]:
    """How the second feed writes `name`, and whether it left the place out."""
    varied, place_dropped = name, False
    if rng.random() < VARIED_SHARE:
        for _round in range(2 if rng.random() < SECOND_RULE_SHARE else 1):
            applicable = [(rule, weight) for rule, weight in NAME_RULES if rule(varied) is not None]
            if not applicable:
                break
            rule = rng.choices([rule for rule, _ in applicable], weights=[weight for _, weight in applicable])[0]
            varied = rule(varied) or varied
            place_dropped = place_dropped or rule is drop_place
    # A typo only in an otherwise unchanged name: two differences at once would be adversarial.
    if varied == name and rng.random() < TYPO_SHARE:
        varied = typo(varied, rng)
    return varied, place_dropped


def vary_partner_name(name: str) -> str:
    """A partner as the second feed writes it: a known alias, or a shorter or lower-case form."""
    if name in PARTNER_ALIASES:
        return PARTNER_ALIASES[name]
    if name.startswith("Gemeente "):
        return name.replace("Gemeente ", "gemeente ", 1)
    if name.startswith("Provincie "):
        return name.replace("Provincie ", "Prov. ", 1)
    if name.startswith("Koninklijke "):
        return name.removeprefix("Koninklijke ")
    return name.removesuffix(" B.V.")


def _capitalised(word: str) -> bool:
    """A word like "Technologie": one capital, then lower case."""
    return len(word) > 1 and word[0].isupper() and word[1:].islower() and word[1:].isalpha()
