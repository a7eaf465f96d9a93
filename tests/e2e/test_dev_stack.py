"""Acceptance: `lcn dev` (what `./run dev` runs) is ready within 60 s, carries a write to the monitor
within 2 s, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from lcn_shared.embedded import free_ports
from lcn_shared.plugins import service_names
from tests.e2e.otlp_receiver import OtlpReceiver

SPAN_KIND_SERVER, SPAN_KIND_CONSUMER = 2, 5


def http(method: str, url: str, body: dict[str, Any] | None = None, key: str | None = None) -> tuple[int, Any]:
    """A small JSON HTTP call."""
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body else None)
    request.add_header("Content-Type", "application/json")
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None
    except OSError:
        return 0, None


def processes_mentioning(text: str) -> list[str]:
    """Command lines of live processes that mention `text`."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if text in command:
            found.append(command)
    return found


@pytest.mark.slow
def test_dev_stack_ready_in_60s_propagates_in_2s_traces_over_otlp_and_stops_cleanly(tmp_path: Path) -> None:
    """The whole platform on the embedded default, as a user starts it, exporting traces over OTLP/HTTP."""
    with OtlpReceiver() as receiver:
        community_id = run_dev_stack(tmp_path, receiver.endpoint)
    http_spans = [s for s in receiver.spans if s.service == "lcn-registry" and s.kind == SPAN_KIND_SERVER]
    consumer_spans = [s for s in receiver.spans if s.service == "lcn-monitor" and s.kind == SPAN_KIND_CONSUMER]
    assert http_spans, receiver.spans
    assert {span.trace_id for span in http_spans} & {span.trace_id for span in consumer_spans}, community_id


def check_demo_distribution(registry: str) -> None:
    """Acceptance (fresh dev stack): the landsdeel x top sector counts add up to the filtered total."""
    for query in ("", "?kind=fieldlab&kind=centre-of-expertise", "?landsdeel=noord&synthetic=true"):
        status, distribution = http("GET", f"{registry}/v1/overview/distribution{query}")
        assert status == 200
        matrix = distribution["by_landsdeel_topsector"]
        assert sum(sum(row) for row in matrix["cells"]) == distribution["total"] == matrix["total"]
        assert sum(matrix["row_totals"]) == sum(matrix["column_totals"]) == distribution["total"]
        status, page = http("GET", f"{registry}/v1/communities{query}{'&' if query else '?'}limit=1")
        assert page["total"] == distribution["total"] > 0
    _, everything = http("GET", f"{registry}/v1/overview/distribution")
    assert everything["total"] >= 300, "the demo network (about 330 communities) was loaded"


def dev_env(state_dir: Path) -> dict[str, str]:
    """The environment of a dev stack of its own: a state directory and distinct free ports."""
    names = service_names()
    kafka, postgres, *services = free_ports(2 + len(names))
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS")}
    env |= {"LCN_STATE_DIR": str(state_dir), "LCN_KAFKA_PORT": str(kafka), "LCN_POSTGRES_PORT": str(postgres)}
    return env | {f"LCN_{name.upper()}_PORT": str(port) for name, port in zip(names, services, strict=True)}


def run_dev_stack(tmp_path: Path, otlp_endpoint: str) -> str:
    """Start `lcn dev`, check readiness, a partner write and its propagation, then Ctrl-C; return the id."""
    env = dev_env(tmp_path)
    env |= {"OTEL_EXPORTER_OTLP_ENDPOINT": otlp_endpoint, "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf"}
    started = time.monotonic()
    dev = subprocess.Popen(
        [sys.executable, "-m", "lcn_shared.cli", "dev"],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        stack = None
        while time.monotonic() - started < 60:
            assert dev.poll() is None, "lcn dev exited early"
            if (tmp_path / "stack.json").exists():
                stack = json.loads((tmp_path / "stack.json").read_text())
                if all(http("GET", url + "/health/ready")[0] == 200 for url in stack["services"].values()):
                    break
            time.sleep(0.5)
        else:
            pytest.fail("not all four services ready within 60 s")
        assert stack is not None
        credentials = json.loads((tmp_path / "credentials.json").read_text())
        assert {"admin", "coordinator", "conference_team"} <= credentials.keys()
        partner = credentials["partners"][0]
        check_demo_distribution(stack["services"]["registry"])

        status, community = http(
            "POST",
            stack["services"]["registry"] + "/v1/communities",
            key=partner["key"],
            body={"name": "TechnoHUB", "kinds": ["learning-community"], "landsdeel": "noordwest"},
        )
        posted = time.monotonic()
        assert status == 201
        assert community["owner_organisation_id"] == partner["organisation_id"]
        monitor_url = f"{stack['services']['monitor']}/v1/communities/{community['community_id']}"
        while http("GET", monitor_url)[0] != 200:
            assert time.monotonic() - posted < 2.0, "not readable from the monitor within 2 s"
            time.sleep(0.02)
    finally:
        with contextlib.suppress(ProcessLookupError):  # gone already: the failure above says why
            os.killpg(dev.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground process group
        exit_code = dev.wait(30)
    time.sleep(1)
    assert exit_code == 0
    assert processes_mentioning(str(tmp_path)) == []
    return str(community["community_id"])
