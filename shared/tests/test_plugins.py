"""Service discovery: registrations are checked, ordered by port, and give `load_config` its default port."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from lcn_shared import plugins
from lcn_shared.plugins import ServicePlugin, find_service, service_plugins
from lcn_shared.settings import load_config


@dataclass
class FakeEntryPoint:
    """What `importlib.metadata.entry_points` yields, with a ready value."""

    name: str
    value: Any

    def load(self) -> Any:
        """The registered object."""
        return self.value


def plugin(name: str, port: int) -> ServicePlugin:
    """A registration of a service that does not exist."""
    return ServicePlugin(
        name=name, default_port=port, app=f"lcn_{name}.main:create_app", migrations=Path("m"), metadata="x:y"
    )


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Replace the installed registrations with the ones a test gives."""

    def register(*entries: FakeEntryPoint) -> tuple[ServicePlugin, ...]:
        monkeypatch.setattr(plugins, "entry_points", lambda group: list(entries))
        service_plugins.cache_clear()
        return service_plugins()

    yield register
    service_plugins.cache_clear()


def test_installed_services_listen_on_their_registered_port_unless_overridden(monkeypatch: pytest.MonkeyPatch) -> None:
    """`load_config` takes the registration's port; `LCN_<NAME>_PORT` still wins."""
    assert service_plugins(), "no service is installed"
    for each in service_plugins():
        assert load_config(each.name).service.port == each.default_port
    first = service_plugins()[0]
    monkeypatch.setenv(f"LCN_{first.name.upper()}_PORT", "9999")
    assert load_config(first.name).service.port == 9999
    assert load_config("not-registered").service.port == 0


def test_services_are_ordered_by_port(registered: Any) -> None:
    """The dev stack starts them and lists them in port order."""
    found = registered(FakeEntryPoint("b", plugin("b", 9002)), FakeEntryPoint("a", plugin("a", 9003)))
    assert [each.name for each in found] == ["b", "a"]
    assert find_service("a").default_port == 9003
    with pytest.raises(LookupError, match="installed: b, a"):
        find_service("c")


@pytest.mark.parametrize(
    ("entries", "problem"),
    [
        ([FakeEntryPoint("a", object())], "is not a lcn_shared.plugins.ServicePlugin"),
        ([FakeEntryPoint("a", plugin("b", 9001))], "name the entry point the same"),
        ([FakeEntryPoint("A-1", plugin("A-1", 9001))], "lowercase letters and digits"),
        ([FakeEntryPoint("identity", plugin("identity", 9001))], "not 'identity'"),
        ([FakeEntryPoint("a", plugin("a", 9001)), FakeEntryPoint("b", plugin("b", 9001))], "distinct names and ports"),
    ],
)
def test_bad_registrations_are_refused_with_the_reason(
    registered: Any, entries: list[FakeEntryPoint], problem: str
) -> None:
    """A registration the kit cannot use fails loudly, naming the entry point."""
    with pytest.raises((TypeError, ValueError), match=problem):
        registered(*entries)
