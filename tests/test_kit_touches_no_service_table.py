"""Acceptance (issue 7, item 5): no code of the kit reads or writes a service's tables; benchmarks live outside it."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from sqlmodel import SQLModel

ROOT = Path(__file__).resolve().parents[1]
TABLE_BASES = {
    "registry": "RegistryTable",
    "monitor": "MonitorTable",
    "events": "EventsTable",
    "notify": "NotifyTable",
}
SQL_BEFORE_TABLE = r"(?:FROM|INTO|UPDATE|JOIN|TABLE|TRUNCATE)\s+\"?"


def service_tables(service: str) -> set[str]:
    """The names of the tables a service defines on its own base (its models imported through its app)."""
    importlib.import_module(f"lcn_{service}.main")
    base: type[SQLModel] = getattr(importlib.import_module(f"lcn_{service}.tables"), TABLE_BASES[service])
    return set(base.metadata.tables)


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


@pytest.mark.parametrize("service", sorted(TABLE_BASES))
def test_acceptance_one_folder_kit_touches_no_table_of(service: str) -> None:
    """The kit's source holds no SQL on a service's tables (the benchmarks that did moved to `benchmarks/`)."""
    assert sql_naming(ROOT / "shared" / "src", service_tables(service)) == []


def test_table_check_can_fail(tmp_path: Path) -> None:
    """The checker sees a query on a service table."""
    (tmp_path / "bad.py").write_text('QUERY = "SELECT count(*) FROM community WHERE true"\n')
    assert sql_naming(tmp_path, {"community"}) == ["bad.py: community"]
