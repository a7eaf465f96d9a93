"""Acceptance (issue 7, item 5): no code of the kit reads or writes a service's tables; benchmarks live outside it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lcn_shared.plugins import find_service, service_names
from lcn_shared.tables import idempotency_tables, messaging_tables

ROOT = Path(__file__).resolve().parents[1]
SERVICES = service_names()
# The kit's own tables (outbox, inbox, idempotency) are part of every service's metadata and the kit's to query.
KIT_TABLES = {table.name for table in (*messaging_tables(), *idempotency_tables())}
SQL_BEFORE_TABLE = r"(?:FROM|INTO|UPDATE|JOIN|TABLE|TRUNCATE)\s+\"?"


def service_tables(service: str) -> set[str]:
    """The names of the tables a service's migrations create, without the kit's own."""
    return set(find_service(service).load_metadata().tables) - KIT_TABLES


def sql_naming(directory: Path, tables: set[str]) -> list[str]:
    """`file: table` for every SQL text under `directory` that names one of `tables`."""
    if not tables:
        return []
    pattern = re.compile(SQL_BEFORE_TABLE + r"(" + "|".join(sorted(map(re.escape, tables))) + r")\b", re.IGNORECASE)
    return [
        f"{path.relative_to(directory)}: {found.group(1)}"
        for path in sorted(directory.rglob("*.py"))
        for found in pattern.finditer(path.read_text())
    ]


@pytest.mark.parametrize("service", SERVICES)
def test_acceptance_one_folder_kit_touches_no_table_of(service: str) -> None:
    """The kit's source holds no SQL on a service's tables (the benchmarks that did moved to `benchmarks/`)."""
    assert sql_naming(ROOT / "shared" / "src", service_tables(service)) == []


def test_table_check_can_fail(tmp_path: Path) -> None:
    """The checker sees a query on a service table."""
    (tmp_path / "bad.py").write_text('QUERY = "SELECT count(*) FROM community WHERE true"\n')
    assert sql_naming(tmp_path, {"community"}) == ["bad.py: community"]
