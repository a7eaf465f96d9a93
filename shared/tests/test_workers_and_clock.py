"""A service's periodic workers run in its lifespan, survive a failing run and stay off on an API-only replica; its
clock is the system's unless a test sets one."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI

from lcn_shared.app import ServiceDefinition, create_service_app
from lcn_shared.clock import ManualClock, SystemClock
from lcn_shared.runtime import ServiceRuntime
from lcn_shared.settings import PlatformSettings, ServiceConfig
from lcn_shared.testing.fixtures import run_service, service_config, wait_until
from lcn_shared.workers import periodic


def test_a_manual_clock_moves_only_when_told() -> None:
    """Set and advanced by hand; a naive moment is refused (deadlines are compared across zones)."""
    start = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    clock = ManualClock(start)
    assert clock.now() == start
    clock.advance(timedelta(days=2))
    assert clock.now() == start + timedelta(days=2)
    clock.set(start)
    assert clock.now() == start
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set(datetime(2027, 3, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        ManualClock(datetime(2027, 3, 1))


def test_the_system_clock_is_aware_and_current() -> None:
    """UTC, and now."""
    moment = SystemClock().now()
    assert moment.tzinfo is not None
    assert abs(moment - datetime.now(UTC)) < timedelta(seconds=5)


def probe(runs: list[datetime], *, failing: set[int]) -> ServiceDefinition:
    """A service whose one worker records the clock's time on every run, and fails on the runs numbered in
    `failing`."""

    async def job(runtime: ServiceRuntime) -> None:
        runs.append(runtime.clock.now())
        if len(runs) in failing:
            raise RuntimeError("the database is away")

    return ServiceDefinition(
        name="registry",
        title="probe",
        description="A service with one periodic worker.",
        workers=[periodic("probe-check", job, seconds=lambda: 0.05)],
    )


async def test_a_worker_runs_again_after_a_failing_run_on_the_services_clock(platform: PlatformSettings) -> None:
    """The second run fails; the third comes as usual. Every run reads the clock the runtime holds."""
    runs: list[datetime] = []
    moment = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    definition = probe(runs, failing={2})

    def factory(config: ServiceConfig) -> FastAPI:
        app: FastAPI = create_service_app(definition, config)
        app.state.runtime.clock = ManualClock(moment)  # before the lifespan starts, as a test of deadlines does
        return app

    async with run_service(factory, service_config(platform, "registry"), wait_ready=False):
        await wait_until(lambda: len(runs) >= 4, timeout=10, what="four runs of the worker")
    assert set(runs) == {moment}
    count = len(runs)
    await asyncio.sleep(0.2)
    assert len(runs) == count  # cancelled with the lifespan


async def test_workers_stay_off_on_an_api_only_replica(platform: PlatformSettings) -> None:
    """`LCN_<SERVICE>_WORKERS_ENABLED=false`: the worker never runs."""
    runs: list[datetime] = []
    definition = probe(runs, failing=set())
    config = service_config(platform, "registry", workers_enabled=False)
    async with run_service(lambda config: create_service_app(definition, config), config, wait_ready=False):
        await asyncio.sleep(0.3)
    assert runs == []
