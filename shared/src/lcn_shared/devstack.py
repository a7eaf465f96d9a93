"""`lcn dev`: the whole platform on one machine, in the foreground, on the embedded default."""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import suppress
from pathlib import Path
from typing import IO, Any

from rich.console import Console

from lcn_shared.auth.keys import Role, create_key, find_principal
from lcn_shared.cli.output import print_table
from lcn_shared.db import create_engine, create_session_factory, unit_of_work
from lcn_shared.embedded import EmbeddedKafka, EmbeddedPostgres, free_port, port_open, spawn, wait_or_kill
from lcn_shared.migrations import migrate
from lcn_shared.plugins import service_names, service_plugins
from lcn_shared.settings import IDENTITY, PlatformSettings

console = Console()
READY_TIMEOUT_SECONDS = 120.0
MAX_RESTARTS = 3  # per service and run: a service that keeps crashing stops the stack instead
# Demo partner organisations; ids are stable so demo data (later issues) can refer to them.
DEMO_PARTNERS = [
    ("Brainport Development", uuid.uuid5(uuid.NAMESPACE_URL, "lcn:org:brainport-development")),
    ("Da Vinci College", uuid.uuid5(uuid.NAMESPACE_URL, "lcn:org:da-vinci-college")),
    ("Hanzehogeschool Groningen", uuid.uuid5(uuid.NAMESPACE_URL, "lcn:org:hanzehogeschool-groningen")),
]
# Feed sources with their own demo keys.
DEMO_FEEDS = ("katapult", "techniekpact")


class StackRunning(RuntimeError):
    """Another `lcn dev` holds the state directory."""


class StackLock:
    """An exclusive `flock` on `stack.lock` in the state directory; the file names the stack holding it.

    The kernel drops the lock when its process dies, so a lock left by a killed stack is no obstacle.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock, or raise `StackRunning` naming the stack that has it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        file = self.path.open("a+")
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.seek(0)
            holder = file.read()
            file.close()
            raise StackRunning(_describe_holder(self.path.parent, holder)) from None
        self.file = file
        self.record({"pid": os.getpid(), "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")})

    def record(self, info: dict[str, Any]) -> None:
        """Write what the running stack is, for the next one that finds the lock taken."""
        if self.file is None:
            return
        self.file.seek(0)
        self.file.truncate()
        self.file.write(json.dumps(info, indent=2) + "\n")
        self.file.flush()

    def release(self) -> None:
        """Empty the file and drop the lock (the file stays: unlinking it would race a new locker)."""
        if self.file is not None:
            self.file.truncate(0)
            self.file.close()
            self.file = None


def _describe_holder(state_dir: Path, holder: str) -> str:
    """The refusal message: which stack runs, where, and what to do instead."""
    try:
        info = json.loads(holder)
    except ValueError:
        info = {}
    services = ", ".join(f"{name} {url}" for name, url in info.get("services", {}).items())
    return (
        f"lcn dev is already running with the state directory {state_dir} "
        f"(pid {info.get('pid', '?')}, started {info.get('started_at', '?')}"
        f"{'; ' + services if services else ''}). "
        "Stop it with Ctrl-C, or start another stack beside it with LCN_STATE_DIR set to another "
        "directory (and other LCN_*_PORT values)."
    )


def _exit_text(code: int) -> str:
    """'exited with code 1' or 'was killed by SIGKILL'."""
    if code < 0:
        with suppress(ValueError):
            return f"was killed by {signal.Signals(-code).name}"
    return f"exited with code {code}"


class DevStack:
    """Starts PostgreSQL and Kafka when not given, migrates, issues demo keys and runs the services."""

    def __init__(self) -> None:
        self.state_dir = Path(os.environ.get("LCN_STATE_DIR", ".lcn")).resolve()
        self.logs = self.state_dir / "logs"
        self.lock = StackLock(self.state_dir / "stack.lock")
        self.postgres: EmbeddedPostgres | None = None
        self.kafka: EmbeddedKafka | None = None
        self.services: dict[str, subprocess.Popen[bytes]] = {}
        self.restarts: dict[str, int] = {}
        self.env = dict(os.environ, LCN_STATE_DIR=str(self.state_dir))

    def run(self) -> int:
        """Start everything, watch the children until Ctrl-C (or one dies for good), then stop everything."""
        try:
            self.lock.acquire()
        except StackRunning as exc:
            console.print(f"lcn dev will not start: {exc}", style="red", markup=False, soft_wrap=True)
            return 1
        stopping = False

        def request_stop(signum: int, _frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        try:
            self.start()
            while not stopping:
                reason = self._watch()
                if reason:
                    console.print(f"{reason}; stopping the stack", style="red", markup=False, soft_wrap=True)
                    return 1
                time.sleep(0.5)
            return 0
        except Exception as exc:  # report start-up failures plainly, then clean up
            console.print(f"lcn dev failed: {exc}", style="red", markup=False, soft_wrap=True)
            return 1
        finally:
            console.print("stopping…")
            self.stop()
            self.lock.release()

    def _watch(self) -> str | None:
        """Look at every child once: restart a crashed service (a few times); say why to stop, if so."""
        infrastructure: list[tuple[str, subprocess.Popen[bytes] | None, Path]] = []
        if self.postgres:
            infrastructure.append(("PostgreSQL", self.postgres.process, self.postgres.log_path))
        if self.kafka:
            infrastructure.append(("the Kafka broker", self.kafka.process, self.kafka.log_path))
        for what, process, log in infrastructure:
            if process is not None and process.poll() is not None:
                # The broker keeps its topics in memory, and the services lose their connections
                # either way: a restart would not give back the stack that was running.
                return f"{what} (pid {process.pid}) {_exit_text(process.returncode)}; its log: {log}"
        for name, process in list(self.services.items()):
            code = process.poll()
            if code is None:
                continue
            log = self.logs / f"{name}.log"
            self.restarts[name] = self.restarts.get(name, 0) + 1
            if self.restarts[name] > MAX_RESTARTS:
                return f"{name} (pid {process.pid}) {_exit_text(code)} after {MAX_RESTARTS} restarts; its log: {log}"
            console.print(
                f"{name} (pid {process.pid}) {_exit_text(code)}; restarting it "
                f"({self.restarts[name]} of {MAX_RESTARTS}); its log: {log}",
                style="yellow",
                markup=False,
                soft_wrap=True,
            )
            self.services[name] = spawn(list(process.args), log, env=self.env)  # type: ignore[arg-type]
        return None

    def start(self) -> None:
        """Bring up infrastructure, databases, credentials and services."""
        self.logs.mkdir(parents=True, exist_ok=True)
        self._start_infrastructure()
        platform = PlatformSettings(
            database_url=self.env["DATABASE_URL"], kafka_bootstrap_servers=self.env["KAFKA_BOOTSTRAP_SERVERS"]
        )
        with console.status("migrating databases…"):
            for owner in (IDENTITY, *service_names()):
                migrate(owner, platform)
        credentials = asyncio.run(ensure_demo_credentials(platform, self.state_dir / "credentials.json"))
        urls = self._start_services()
        self._wait_ready(urls)
        self._load_demo_data(urls, credentials)
        stack = {
            "kafka_bootstrap": self.env["KAFKA_BOOTSTRAP_SERVERS"],
            "database_url": self.env["DATABASE_URL"],
            "services": urls,
        }
        (self.state_dir / "stack.json").write_text(json.dumps(stack, indent=2) + "\n")
        self.lock.record({**json.loads(self.lock.path.read_text()), "services": urls})
        self._print_summary(urls, credentials)

    def _start_infrastructure(self) -> None:
        """Embedded PostgreSQL and Tansu, unless DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS point elsewhere."""
        if not os.environ.get("DATABASE_URL"):
            port = int(os.environ.get("LCN_POSTGRES_PORT", "5432"))
            port = port if not port_open(port) else free_port()
            self.postgres = EmbeddedPostgres(self.state_dir / "postgres", port)
            with console.status(f"starting embedded PostgreSQL on 127.0.0.1:{port}…"):
                self.postgres.start()
            self.env["DATABASE_URL"] = self.postgres.url
        if not os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
            port = int(os.environ.get("LCN_KAFKA_PORT", "9092"))
            if port_open(port):
                raise RuntimeError(f"port {port} is taken; set LCN_KAFKA_PORT or KAFKA_BOOTSTRAP_SERVERS")
            self.kafka = EmbeddedKafka(port, self.logs / "kafka.log")
            with console.status(f"starting embedded Kafka (Tansu) on 127.0.0.1:{port}…"):
                self.kafka.start()
            self.env["KAFKA_BOOTSTRAP_SERVERS"] = self.kafka.bootstrap_servers

    def _start_services(self) -> dict[str, str]:
        """Launch one `lcn serve` process per registered service; return their base URLs."""
        urls: dict[str, str] = {}
        for plugin in service_plugins():
            name = plugin.name
            port = int(os.environ.get(f"LCN_{name.upper()}_PORT", plugin.default_port))
            self.services[name] = spawn(
                [sys.executable, "-m", "lcn_shared.cli", "serve", name, "--port", str(port)],
                self.logs / f"{name}.log",
                env=self.env,
            )
            urls[name] = f"http://127.0.0.1:{port}"
        return urls

    def _wait_ready(self, urls: dict[str, str]) -> None:
        """Block until every service's /health/ready answers 200."""
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        pending = dict(urls)
        with console.status("waiting for the services to be ready…"):
            while pending:
                for name, url in list(pending.items()):
                    if self.services[name].poll() is not None:
                        raise RuntimeError(f"{name} exited; see {self.logs / (name + '.log')}")
                    if _ready(url):
                        del pending[name]
                if time.monotonic() > deadline:
                    raise TimeoutError(f"not ready within {READY_TIMEOUT_SECONDS:.0f}s: {', '.join(pending)}")
                time.sleep(0.2)

    def _load_demo_data(self, urls: dict[str, str], credentials: dict[str, Any]) -> None:
        """Each service's demo loader (its `ServicePlugin.demo`), through the services' own APIs."""
        for plugin in service_plugins():
            if (loader := plugin.load_demo()) is None:
                continue
            with console.status(f"loading {plugin.name} demo data…"):
                summary = asyncio.run(loader(urls, credentials))
            console.print(f"{plugin.name} demo data: {summary}")

    def _print_summary(self, urls: dict[str, str], credentials: dict[str, Any]) -> None:
        """Tell the user where everything is."""
        print_summary(console, urls, self.env, self.state_dir, len(credentials["partners"]))

    def stop(self) -> None:
        """Stop the services gracefully, then the broker, then PostgreSQL."""
        for proc in self.services.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)  # once: a second signal would make uvicorn skip its shutdown
        for proc in self.services.values():
            wait_or_kill(proc, timeout=10)
        if self.kafka:
            self.kafka.stop()
        if self.postgres:
            self.postgres.stop()


def print_summary(out: Console, urls: dict[str, str], env: dict[str, str], state_dir: Path, partners: int) -> None:
    """The ready table and where the rest is; nothing is cut, however narrow the terminal."""
    rows = [(name, f"{url}/v1", f"{url}/docs", f"{url}/asyncapi.json") for name, url in urls.items()]
    print_table(out, ("service", "API", "docs", "AsyncAPI"), rows, title="learning-community network platform: ready")
    for line in (
        f"Kafka: {env['KAFKA_BOOTSTRAP_SERVERS']}",
        f"PostgreSQL: {env['DATABASE_URL']}",
        f"API keys: {state_dir / 'credentials.json'} ({partners} partners)",
        f"Logs: {state_dir / 'logs'}",
        "Press Ctrl-C to stop.",
    ):
        out.print(line, soft_wrap=True, markup=False, highlight=False)


def _ready(url: str) -> bool:
    """True when the service's readiness probe answers 200."""
    try:
        with urllib.request.urlopen(f"{url}/health/ready", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


async def ensure_demo_credentials(platform: PlatformSettings, path: Path) -> dict[str, Any]:
    """Reuse the demo keys in `path` while they still authenticate; otherwise issue new ones."""
    engine = create_engine(platform.database_url_for(IDENTITY), pool_size=2)
    factory = create_session_factory(engine)
    try:
        if path.exists():
            credentials = json.loads(path.read_text())
            keys = [credentials.get(role) for role in ("admin", "coordinator", "conference_team")]
            keys += [partner["key"] for partner in credentials.get("partners", [])]
            keys += [feed["key"] for feed in credentials.get("feeds", [])]
            complete = len(credentials.get("feeds", [])) == len(DEMO_FEEDS)  # older files lack feed keys
            async with factory() as session:
                if complete and all(keys) and all([await find_principal(session, key) for key in keys]):
                    return dict(credentials)
        async with unit_of_work(factory) as session:
            credentials = {
                role.value: await create_key(session, role=role, label="demo")
                for role in (Role.ADMIN, Role.COORDINATOR, Role.CONFERENCE_TEAM)
            }
            credentials["partners"] = [
                {
                    "organisation_id": str(org_id),
                    "name": name,
                    "key": await create_key(
                        session, role=Role.PARTNER, organisation_id=org_id, organisation_name=name, label="demo"
                    ),
                }
                for name, org_id in DEMO_PARTNERS
            ]
            credentials["feeds"] = [
                {"source": source, "key": await create_key(session, role=Role.FEED, feed_source=source, label="demo")}
                for source in DEMO_FEEDS
            ]
        path.write_text(json.dumps(credentials, indent=2) + "\n")
        path.chmod(0o600)
        return credentials
    finally:
        await engine.dispose()
