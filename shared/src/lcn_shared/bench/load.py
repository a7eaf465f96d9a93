"""The open-loop load generator, latency statistics and CPU accounting of the benchmark's processes."""

from __future__ import annotations

import asyncio
import json
import math
import os
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx

try:
    import psutil
except ImportError:  # psutil is optional: without it the report leaves the CPU figures out
    psutil = None  # type: ignore[assignment]

KINDS = ("fieldlab", "skillslab", "living-lab", "centre-of-expertise", "civ", "lectoraat", "learning-community")
LANDSDELEN = ("noord", "oost", "zuidoost", "zuidwest", "noordwest")
TOPSECTORS = ("energie", "htsm", "lsh", "chemie", "dutch-digital-delta", "agri-food", "water-maritiem", "logistiek")
PLACES = ("Groningen", "Enschede", "Eindhoven", "Middelburg", "Haarlem", "Zwolle", "Delft", "Venlo", "Leeuwarden")
REQUEST_TIMEOUT_SECONDS = 10.0


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
            "kind": rng.choice(KINDS),
            "landsdeel": rng.choice(LANDSDELEN),
            "topsectors": rng.sample(TOPSECTORS, rng.randint(1, 3)),
        }
        bodies.append(json.dumps(body).encode())
    return bodies


async def run_open_loop(
    client: httpx.AsyncClient,
    path: str,
    bodies: list[bytes],
    headers: dict[str, str],
    profile: LoadProfile,
    on_progress: Callable[[int], None] | None = None,
) -> LoadResult:
    """Send `bodies` on the profile's fixed schedule, never waiting for responses before the next departure."""
    result = LoadResult(profile)
    interval = 1.0 / profile.rate_per_second
    headers = {"content-type": "application/json", **headers}
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
        tasks.append(asyncio.create_task(_send(client, path, bodies[index % len(bodies)], headers, sample)))
        if on_progress is not None and index % report_every == 0:
            on_progress(index + 1)
    await asyncio.gather(*tasks)
    if on_progress is not None:
        on_progress(profile.total_requests)
    return result


async def _send(client: httpx.AsyncClient, path: str, body: bytes, headers: dict[str, str], sample: Sample) -> None:
    """POST one body and record the outcome in `sample`."""
    try:
        response = await client.post(path, content=body, headers=headers)
    except httpx.HTTPError as exc:
        sample.latency = time.perf_counter() - sample.due
        sample.error = type(exc).__name__
        return
    sample.latency = time.perf_counter() - sample.due
    sample.completed_at = time.time()
    sample.status = response.status_code
    if response.is_success:
        sample.community_id = response.json().get("community_id")
    if sample.community_id is None:
        sample.error = f"HTTP {response.status_code}"


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


def http_client(service: ServiceProcess) -> httpx.AsyncClient:
    """A pooled client generous enough that the pool never throttles the schedule."""
    limits = httpx.Limits(max_connections=512, max_keepalive_connections=512)
    return httpx.AsyncClient(base_url=service.url, limits=limits, timeout=httpx.Timeout(10.0))


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
    with log_path.open("ab") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
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
