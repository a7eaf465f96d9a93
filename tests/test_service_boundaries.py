"""Acceptance (One folder): no service imports another, and the kit's source names no service."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterable
from pathlib import Path
from pkgutil import resolve_name

import pytest

from lcn_shared.plugins import find_service, service_names

ROOT = Path(__file__).resolve().parents[1]
KIT = ROOT / "shared" / "src" / "lcn_shared"
# The producers' event contracts live in the kit by design (ADR 0004): topics and types name their service.
EXEMPT = (KIT / "contracts",)
SERVICES = service_names()
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


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the string constants that are docstrings."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def service_mentions(source: str, names: Iterable[str]) -> list[str]:
    """Where `source` names a service: its package anywhere; its name as a string, topic, variable or path.

    Plain prose stays free ("a registry of its own", the Prometheus `registry` object): in docstrings
    and comments only qualified forms count (`lcn_registry`, `lcn.registry.`, `LCN_REGISTRY_`, `services/registry`).
    """
    names = sorted(names)
    if not names:
        return []
    word = "|".join(map(re.escape, names))
    qualified = re.compile(rf"(?<![\w.])(?:lcn[._-]|services/)(?:{word})(?![a-z0-9])", re.IGNORECASE)
    packages = {f"lcn_{name}" for name in names}
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    found: list[str] = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            prose = id(node) in docstrings
            if (not prose and node.value in names) or qualified.search(node.value):
                found.append(f"{line}: string {node.value[:60]!r}")
        elif isinstance(node, ast.Name | ast.arg | ast.Attribute | ast.alias | ast.ImportFrom):
            identifier = {
                ast.Name: lambda n: n.id,
                ast.arg: lambda n: n.arg,
                ast.Attribute: lambda n: n.attr,
                ast.alias: lambda n: n.name,
                ast.ImportFrom: lambda n: n.module or "",
            }[type(node)](node)
            if set(identifier.split(".")) & packages:
                found.append(f"{line}: name {identifier}")
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT and qualified.search(token.string):
            found.append(f"{token.start[0]}: comment {token.string[:60]!r}")
    return found


def kit_sources() -> list[Path]:
    """The kit's Python files, without the exempt ones."""
    skipped = EXEMPT
    return [
        path for path in sorted(KIT.rglob("*.py")) if not any(path == skip or skip in path.parents for skip in skipped)
    ]


def test_every_service_folder_registers_and_every_registration_has_a_folder() -> None:
    """What the kit discovers (entry point group `lcn.services`) is exactly the folders under services/."""
    folders = {path.parent.name for path in (ROOT / "services").glob("*/pyproject.toml")}
    assert set(SERVICES) == folders


@pytest.mark.parametrize("service", SERVICES)
def test_each_registration_names_its_own_folder(service: str) -> None:
    """A registration points into its own folder: the Alembic tree, the app factory and the tables."""
    plugin = find_service(service)
    assert plugin.migrations == ROOT / "services" / service / "migrations"
    assert (plugin.migrations / "env.py").is_file()
    assert callable(resolve_name(plugin.app))
    references = [reference for reference in (plugin.app, plugin.metadata, plugin.demo, plugin.cli) if reference]
    assert all(reference.startswith(f"lcn_{service}.") for reference in references)


@pytest.mark.parametrize("service", SERVICES)
def test_service_imports_no_other_service(service: str) -> None:
    """Services share only the kit; each owns its code and data."""
    assert offending_imports(ROOT / "services" / service, {f"lcn_{service}"}) == []


def test_kit_imports_no_service() -> None:
    """The kit finds services through their registrations, never by import."""
    assert offending_imports(ROOT / "shared", set()) == []


def test_acceptance_kit_source_names_no_service() -> None:
    """No registered service's name or package appears in `shared/src` outside the event contracts."""
    mentions = {
        str(path.relative_to(ROOT)): found
        for path in kit_sources()
        if (found := service_mentions(path.read_text(), SERVICES))
    }
    assert mentions == {}


def test_boundary_check_can_fail(tmp_path: Path) -> None:
    """The checkers see a forbidden import and every way of naming a service, and leave prose alone."""
    (tmp_path / "bad.py").write_text("from lcn_monitor.main import create_app\n")
    assert imported_packages(tmp_path / "bad.py") == {"lcn_monitor"}
    named = '''
"""Talks to lcn.monitor.community."""
import lcn_registry.cli
PORTS = {"registry": 8001}
TOPIC = "lcn.monitor.community"
URL = f"http://127.0.0.1:{os.environ['LCN_EVENTS_PORT']}"
HOME = "services/notify/migrations"
# see lcn_events for an example
'''
    assert len(service_mentions(named, ["registry", "monitor", "events", "notify"])) == 7
    prose = '''
"""The kit's metrics, in a registry of its own; events are published after commit."""
registry = CollectorRegistry()
events = [e for e in events]  # the monitor of a relay is not the monitor service
def topic(service: str) -> str:
    """A topic such as `lcn.<service>.<aggregate>`."""
    return f"lcn.{service}.x"
'''
    assert service_mentions(prose, ["registry", "monitor", "events", "notify"]) == []
