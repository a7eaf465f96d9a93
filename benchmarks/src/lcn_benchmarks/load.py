"""What the benchmark puts on the system: open-loop HTTP load, an outbox backlog, and the service processes."""

from __future__ import annotations

import asyncio
import json
import math
import random
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httptools
import httpx

from lcn_shared.contracts import CommunityRegistered
from lcn_shared.contracts.vocabulary import CommunityKind, Landsdeel, Topsector
from lcn_shared.embedded import free_port, spawn, stop_process

KINDS = ("fieldlab", "skillslab", "living-lab", "centre-of-expertise", "civ", "lectoraat", "learning-community")
LANDSDELEN = ("noord", "oost", "zuidoost", "zuidwest", "noordwest")
TOPSECTORS = ("energie", "htsm", "lsh", "chemie", "dutch-digital-delta", "agri-food", "water-maritiem", "logistiek")
PLACES = ("Groningen", "Enschede", "Eindhoven", "Middelburg", "Haarlem", "Zwolle", "Delft", "Venlo", "Leeuwarden")
REQUEST_TIMEOUT_SECONDS = 10.0
READY_TIMEOUT_SECONDS = 90.0
SHARED_KEY_SHARE = 0.2  # share of backlog events whose key (community) also has other events
OUTBOX_COLUMNS = (
    "event_id",
    "topic",
    "message_key",
    "event_type",
    "source",
    "subject",
    "occurred_at",
    "payload",
    "trace_context",
)


@dataclass(frozen=True)
class LoadProfile:
    """A fixed request schedule: `rate_per_second` for warm-up plus the measured duration."""

    rate_per_second: float
    duration_seconds: float
    warmup_seconds: float = 3.0

    @property
    def total_requests(self) -> int:
        """Requests in the whole schedule, warm-up included."""
        return max(1, round((self.warmup_seconds + self.duration_seconds) * self.rate_per_second))

    @property
    def warmup_requests(self) -> int:
        """Requests scheduled during the warm-up, left out of the statistics."""
        return round(self.warmup_seconds * self.rate_per_second)


@dataclass(slots=True)
class Sample:
    """One request: when it left versus its schedule, and what came back."""

    index: int
    due: float  # perf_counter of the scheduled departure
    lag: float = 0.0  # seconds it left after its scheduled time
    latency: float | None = None  # seconds from the scheduled departure to the full response
    status: int | None = None
    error: str | None = None
    completed_at: float | None = None  # wall clock (time.time) when the response arrived
    community_id: str | None = None

    @property
    def ok(self) -> bool:
        """True for a 2xx response carrying a community id."""
        return self.community_id is not None


@dataclass
class LoadResult:
    """Every sample of one run plus the measured window's bounds."""

    profile: LoadProfile
    samples: list[Sample] = field(default_factory=list)

    @property
    def measured(self) -> list[Sample]:
        """Samples after the warm-up."""
        return self.samples[self.profile.warmup_requests :]

    def summary(self) -> dict[str, Any]:
        """Throughput, errors and latency percentiles of the measured window."""
        measured = self.measured
        ok = [sample for sample in measured if sample.ok]
        window = _window_seconds(measured)
        errors: dict[str, int] = {}
        for sample in measured:
            if not sample.ok:
                errors[sample.error or "unknown"] = errors.get(sample.error or "unknown", 0) + 1
        return {
            "requests": len(measured),
            "warmup_requests": self.profile.warmup_requests,
            "ok": len(ok),
            "errors": len(measured) - len(ok),
            "error_kinds": errors,
            "offered_rps": self.profile.rate_per_second,
            "achieved_rps": len(ok) / window if window > 0 else 0.0,
            "write_latency_ms": percentiles(sample.latency * 1000 for sample in ok if sample.latency is not None),
            "generator_lag_ms": percentiles(sample.lag * 1000 for sample in measured),
        }


def _window_seconds(samples: list[Sample]) -> float:
    """From the first scheduled departure to the last response."""
    if not samples:
        return 0.0
    end = max(sample.due + (sample.latency or 0.0) for sample in samples)
    return end - samples[0].due


def percentiles(values: Iterable[float]) -> dict[str, float | int]:
    """Count, mean, p50/p95/p99 (nearest rank) and max, rounded to 0.1."""
    ordered = sorted(values)
    if not ordered:
        return {"count": 0}

    def rank(q: float) -> float:
        return ordered[max(0, math.ceil(q * len(ordered)) - 1)]

    stats = {"mean": sum(ordered) / len(ordered), "p50": rank(0.5), "p95": rank(0.95), "p99": rank(0.99)}
    rounded = {name: round(value, 1) for name, value in stats.items()}
    return {"count": len(ordered), **rounded, "max": round(ordered[-1], 1)}


def community_bodies(count: int, seed: int = 7) -> list[bytes]:
    """Valid, varied `POST /v1/communities` bodies, encoded up front so sending costs no JSON work."""
    rng = random.Random(seed)
    bodies = []
    for index in range(count):
        body = {
            "name": f"{rng.choice(KINDS).title()} {rng.choice(PLACES)} {index}",
            "kinds": [rng.choice(KINDS)],
            "landsdeel": rng.choice(LANDSDELEN),
            "topsectors": rng.sample(TOPSECTORS, rng.randint(1, 3)),
        }
        bodies.append(json.dumps(body).encode())
    return bodies


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection carrying one request at a time, parsed by httptools."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self.body: list[bytes] = []
        self.reusable = True
        self.answered = False  # whether any response byte arrived for the current request

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Keep the transport."""
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        """Feed the parser; a malformed response fails the waiting request."""
        self.answered = True
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(exc)

    def connection_lost(self, exc: Exception | None) -> None:
        """Fail the waiting request, if any."""
        self.reusable = False
        self._fail(exc or ConnectionResetError("connection closed"))

    def on_body(self, body: bytes) -> None:
        """httptools callback: a chunk of the body."""
        self.body.append(body)

    def on_message_complete(self) -> None:
        """httptools callback: the response is complete."""
        self.reusable = self.parser.should_keep_alive()
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result((self.parser.get_status_code(), b"".join(self.body)))

    def _fail(self, exc: BaseException) -> None:
        """Hand the error to the waiting request and drop the connection."""
        self.reusable = False
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(exc)

    async def exchange(self, request: bytes) -> tuple[int, bytes]:
        """Send one complete request and wait for its response."""
        if self.transport is None or self.transport.is_closing():
            raise ConnectionResetError("connection closed")
        self.waiter, self.body, self.answered = asyncio.get_running_loop().create_future(), [], False
        self.transport.write(request)
        return await self.waiter


class LoadClient:
    """A minimal HTTP/1.1 keep-alive pool for the load generator.

    httpx costs about 1.5 ms of CPU per request here, and its pool's bookkeeping grows with queued requests
    times connections, so on a saturated 2-core machine the generator itself became the bottleneck.
    """

    def __init__(self, host: str, port: int, *, max_connections: int = 1024) -> None:
        self.host, self.port = host, port
        self.idle: list[_Connection] = []
        self.slots = asyncio.Semaphore(max_connections)

    def encode(self, path: str, body: bytes, headers: dict[str, str]) -> bytes:
        """A complete POST request with a JSON body, encoded once before the run."""
        lines = [f"POST {path} HTTP/1.1", f"host: {self.host}:{self.port}", "content-type: application/json"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        lines.append(f"content-length: {len(body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body

    async def send(self, request: bytes) -> tuple[int, bytes]:
        """Send an encoded request on an idle connection (or a new one); return status and body."""
        async with self.slots:
            pooled = self._idle_connection()
            if pooled is not None:
                try:
                    return await self._exchange(pooled, request)
                except ConnectionError:
                    # The server closed the idle connection (keep-alive timeout) as we wrote; it never saw the
                    # request, so one retry on a fresh connection is safe, as in any pooling HTTP client.
                    if pooled.answered:
                        raise
            return await self._exchange(await self._connect(), request)

    async def _exchange(self, connection: _Connection, request: bytes) -> tuple[int, bytes]:
        """One request on `connection`, which goes back to the pool only if it can carry another."""
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT_SECONDS):
                return await connection.exchange(request)
        except BaseException:
            connection.reusable = False
            raise
        finally:
            if connection.reusable:
                self.idle.append(connection)
            elif connection.transport is not None:
                connection.transport.close()

    def _idle_connection(self) -> _Connection | None:
        """The most recently used idle connection the server has not closed meanwhile (keep-alive timeout)."""
        while self.idle:
            connection = self.idle.pop()
            if connection.reusable and connection.transport is not None and not connection.transport.is_closing():
                return connection
        return None

    async def _connect(self) -> _Connection:
        """Open a new connection."""
        _, connection = await asyncio.get_running_loop().create_connection(_Connection, self.host, self.port)
        return connection

    def close(self) -> None:
        """Close the idle connections."""
        for connection in self.idle:
            if connection.transport is not None:
                connection.transport.close()
        self.idle.clear()


async def run_open_loop(
    client: LoadClient,
    path: str,
    bodies: list[bytes],
    headers: dict[str, str],
    profile: LoadProfile,
    on_progress: Callable[[int], None] | None = None,
) -> LoadResult:
    """Send `bodies` on the profile's fixed schedule, never waiting for responses before the next departure."""
    result = LoadResult(profile)
    requests = [client.encode(path, body, headers) for body in bodies]
    interval = 1.0 / profile.rate_per_second
    tasks = []
    start = time.perf_counter() + 0.01
    report_every = max(1, int(profile.rate_per_second / 4))
    for index in range(profile.total_requests):
        sample = Sample(index=index, due=start + index * interval)
        delay = sample.due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        sample.lag = max(0.0, time.perf_counter() - sample.due)
        result.samples.append(sample)
        tasks.append(asyncio.create_task(_send(client, requests[index % len(requests)], sample)))
        if on_progress is not None and index % report_every == 0:
            on_progress(index + 1)
    await asyncio.gather(*tasks)
    if on_progress is not None:
        on_progress(profile.total_requests)
    return result


async def _send(client: LoadClient, request: bytes, sample: Sample) -> None:
    """Send one request and record the outcome in `sample`."""
    try:
        status, body = await client.send(request)
    except (OSError, TimeoutError, httptools.HttpParserError) as exc:
        sample.latency = time.perf_counter() - sample.due
        sample.error = type(exc).__name__
        return
    sample.latency = time.perf_counter() - sample.due
    sample.completed_at = time.time()
    sample.status = status
    if 200 <= status < 300:
        sample.community_id = json.loads(body).get("community_id")
    if sample.community_id is None:
        sample.error = f"HTTP {status}"


@dataclass
class ServiceProcess:
    """A uvicorn process serving one app on a port of its own."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def url(self) -> str:
        """The base URL."""
        return f"http://127.0.0.1:{self.port}"


def load_client(service: ServiceProcess) -> LoadClient:
    """The load generator's client for a service."""
    return LoadClient("127.0.0.1", service.port)


def start_service(stack: ExitStack, name: str, app: str, env: dict[str, str], workdir: Path) -> ServiceProcess:
    """Start `app` under uvicorn (uvloop, httptools) and register its stop on `stack`."""
    port, log_path = free_port(), workdir / f"{name}.log"
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    process = spawn(command, log_path, env=env)
    stack.callback(stop_process, process)
    return ServiceProcess(name, port, process, log_path)


async def wait_ready(service: ServiceProcess, path: str) -> None:
    """Poll `path` until it answers 200; fail with the log's tail when the process dies or time runs out."""
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    async with httpx.AsyncClient(base_url=service.url, timeout=2.0) as client:
        while time.monotonic() < deadline:
            if service.process.poll() is not None:
                break
            try:
                if (await client.get(path)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    tail = service.log_path.read_text(errors="replace")[-3000:]
    raise RuntimeError(f"{service.name} did not become ready (exit code {service.process.poll()}):\n{tail}")


def outbox_backlog(count: int, seed: int = 11) -> list[tuple[Any, ...]]:
    """Outbox rows of realistic `community.registered` events; about a fifth share keys with others."""
    rng = random.Random(seed)
    hot_keys = [uuid.uuid4() for _ in range(max(1, count // 50))]
    owner, now, rows = uuid.uuid4(), datetime.now(UTC), []
    for index in range(count):
        event = CommunityRegistered(
            community_id=rng.choice(hot_keys) if rng.random() < SHARED_KEY_SHARE else uuid.uuid4(),
            name=f"Learning community {index}",
            kind=rng.choice(list(CommunityKind)),
            landsdeel=rng.choice(list(Landsdeel)),
            topsectors=rng.sample(list(Topsector), rng.randint(1, 3)),
            owner_organisation_id=owner,
            registered_at=now,
        )
        trace = {"traceparent": f"00-{rng.getrandbits(128):032x}-{rng.getrandbits(64):016x}-01"}
        key = event.aggregate_id()
        rows.append(
            (
                uuid.uuid4(),
                event.topic,
                key,
                event.event_type,
                event.source,
                key,
                now,
                json.dumps(event.model_dump(mode="json")),
                json.dumps(trace),
            )
        )
    return rows


def key_counts(rows: list[tuple[Any, ...]]) -> dict[str, int]:
    """Events per message key."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row[2]] = counts.get(row[2], 0) + 1
    return counts
