"""`lcn dev`: the whole platform on one machine, in the foreground, on the embedded default."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from lcn_shared.auth.keys import Role, create_key, find_principal
from lcn_shared.db import create_engine, create_session_factory, unit_of_work
from lcn_shared.embedded import EmbeddedKafka, EmbeddedPostgres, free_port, port_open, spawn, wait_or_kill
from lcn_shared.migrations import migrate
from lcn_shared.plugins import service_names, service_plugins
from lcn_shared.settings import IDENTITY, PlatformSettings

console = Console()
READY_TIMEOUT_SECONDS = 120.0
# Demo partner organisations; ids are stable so demo data (later issues) can refer to them.
DEMO_PARTNERS = [
    ("Brainport Development", uuid.uuid5(uuid.NAMESPACE_URL, "lcn:org:brainport-development")),
    ("Da Vinci College", uuid.uuid5(uuid.NAMESPACE_URL, "lcn:org:da-vinci-college")),
    ("Hanzehogeschool Groningen", uuid.uuid5(uuid.NAMESPACE_URL, "lcn:org:hanzehogeschool-groningen")),
]
# Feed sources with their own demo keys.
DEMO_FEEDS = ("katapult", "techniekpact")


class DevStack:
    """Starts PostgreSQL and Kafka when not given, migrates, issues demo keys and runs the services."""

    def __init__(self) -> None:
        self.state_dir = Path(os.environ.get("LCN_STATE_DIR", ".lcn")).resolve()
        self.logs = self.state_dir / "logs"
        self.postgres: EmbeddedPostgres | None = None
        self.kafka: EmbeddedKafka | None = None
        self.services: dict[str, subprocess.Popen[bytes]] = {}
        self.env = dict(os.environ, LCN_STATE_DIR=str(self.state_dir))

    def run(self) -> int:
        """Start everything, wait for Ctrl-C (or a crashed service), then stop everything."""
        stopping = False

        def request_stop(signum: int, _frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        try:
            self.start()
            while not stopping:
                crashed = [name for name, proc in self.services.items() if proc.poll() is not None]
                if crashed:
                    console.print(f"[red]{', '.join(crashed)} stopped unexpectedly; see {self.logs}[/red]")
                    return 1
                time.sleep(0.5)
            return 0
        except Exception as exc:  # report start-up failures plainly, then clean up
            console.print(f"[red]lcn dev failed: {exc}[/red]")
            return 1
        finally:
            console.print("stopping…")
            self.stop()

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
        table = Table(title="learning-community network platform: ready")
        for column in ("service", "API", "docs", "AsyncAPI"):
            table.add_column(column)
        for name, url in urls.items():
            table.add_row(name, f"{url}/v1", f"{url}/docs", f"{url}/asyncapi.json")
        console.print(table)
        console.print(f"Kafka: {self.env['KAFKA_BOOTSTRAP_SERVERS']}   PostgreSQL: {self.env['DATABASE_URL']}")
        console.print(f"API keys: {self.state_dir / 'credentials.json'} ({len(credentials['partners'])} partners)")
        console.print(f"Logs: {self.logs}   Press Ctrl-C to stop.")

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
