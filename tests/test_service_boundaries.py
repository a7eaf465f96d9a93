"""Acceptance: no service imports another service, and the kit imports no service."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("registry", "monitor", "events", "notify")
SERVICE_PACKAGES = {f"lcn_{name}" for name in SERVICES}


def imported_packages(path: Path) -> set[str]:
    """Top-level packages a Python file imports."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def offending_imports(directory: Path, allowed: set[str]) -> list[str]:
    """`file: package` for every service package imported from `directory` that is not allowed."""
    return [
        f"{path.relative_to(ROOT)}: {package}"
        for path in sorted(directory.rglob("*.py"))
        for package in sorted(imported_packages(path) & (SERVICE_PACKAGES - allowed))
    ]


@pytest.mark.parametrize("service", SERVICES)
def test_service_imports_no_other_service(service: str) -> None:
    """Services share only the kit; each owns its code and data."""
    assert offending_imports(ROOT / "services" / service, {f"lcn_{service}"}) == []


def test_kit_imports_no_service() -> None:
    """The kit refers to services by name only (strings), never by import."""
    assert offending_imports(ROOT / "shared", set()) == []


def test_boundary_check_can_fail(tmp_path: Path) -> None:
    """The checker sees a forbidden import."""
    (tmp_path / "bad.py").write_text("from lcn_monitor.main import create_app\n")
    assert imported_packages(tmp_path / "bad.py") == {"lcn_monitor"}
