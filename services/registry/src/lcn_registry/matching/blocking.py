"""Blocking: the keys under which records are filed, so a record is compared only with a few others.

A 10,000-record feed compared pair by pair would take 50 million comparisons; compared only within
shared keys it takes a few per record. Frequent tokens and partners (a large ROC in hundreds of
communities) make huge blocks that carry little information, so such blocks are skipped when
candidates are gathered (see MAX_BLOCK_SIZE), while site and full-name keys are always used
(up to MAX_PRECISE_BLOCK members, so that a look-up costs the same in a registry of any size).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from lcn_registry.matching.scoring import Profile

MAX_BLOCK_SIZE = 40
# A site or full name shared by more records than this is read only this far (the look-up stays bounded).
MAX_PRECISE_BLOCK = 200
ALWAYS_USED = ("site:", "name:")
MIN_TOKEN_LENGTH = 4


def block_keys(profile: Profile) -> set[str]:
    """Every key a record is filed under."""
    keys = {f"name:{profile.core_name}"}
    if profile.site:
        keys.add(f"site:{profile.site}")
    keys.update(f"tok:{token}" for token in profile.core_name.split() if len(token) >= MIN_TOKEN_LENGTH)
    keys.update(f"org:{partner}" for partner in profile.partners)
    return keys


def always_used(block_key: str) -> bool:
    """Keys precise enough to use however many records share them."""
    return block_key.startswith(ALWAYS_USED)


def index_rows(community_id: UUID, profile: Profile) -> list[dict[str, Any]]:
    """The match-key rows filing a golden record."""
    return [{"block_key": key, "community_id": community_id} for key in block_keys(profile)]
