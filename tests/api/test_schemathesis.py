"""Schemathesis against every service's OpenAPI document, each service served over HTTP on a real database."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from lcn_shared.auth.keys import Role
from lcn_shared.plugins import find_service, service_names
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import service_config
from lcn_shared.testing.http import served

CHECKS = "not_a_server_error,negative_data_rejection,ignored_auth,content_type_conformance"
# Bounded and derandomized: the same cases every run, a few minutes for every service on two cores.
MAX_EXAMPLES = "15"
SCHEMATHESIS = str(Path(sys.executable).with_name("st"))
CONFIG = Path(__file__).with_name("schemathesis.toml")
# The role that may call every write of a service, so the fuzzing reaches its validation and rules, not only a 403:
# the coordinator's in the registry and the monitor, the conference team's in the calendar.
FUZZING_ROLE = {"events": Role.CONFERENCE_TEAM}


@pytest.mark.timeout(900)  # the registry's run takes one to three minutes, depending on what else the cores do
@pytest.mark.parametrize("name", service_names())  # every registered service, new ones included
async def test_acceptance_bad_input_schemathesis_finds_no_failure(
    platform: PlatformSettings, api_key: Callable[..., Awaitable[str]], name: str, tmp_path: Path
) -> None:
    """Schemathesis's server-error, negative-data, auth and content-type checks pass on every operation."""
    key = await api_key(FUZZING_ROLE.get(name, Role.COORDINATOR))
    async with served(find_service(name).create_app, service_config(platform, name)) as base_url:
        process = await asyncio.create_subprocess_exec(
            SCHEMATHESIS,
            "--config-file",
            str(CONFIG),
            "run",
            f"{base_url}/openapi.json",
            "--checks",
            CHECKS,
            "--header",
            f"Authorization: Bearer {key}",
            "--max-examples",
            MAX_EXAMPLES,
            "--generation-deterministic",
            "--workers",
            # One: with two, Hypothesis's first lambda descriptions parse source in both threads at once, which
            # Python 3.11's ast.parse does not survive ("AST constructor recursion depth mismatch"), failing the
            # first operations at random (seen on the feed deliveries); one worker is also no slower here.
            "1",
            "--request-timeout",
            "30",  # two cores shared with the databases and the broker: slow is not wrong here
            "--no-color",
            "--report",
            "junit",
            "--report-dir",
            str(tmp_path),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            cwd=tmp_path,
        )
        output, _ = await process.communicate()
    (tmp_path / "schemathesis.txt").write_bytes(output)
    assert process.returncode == 0, output.decode()
