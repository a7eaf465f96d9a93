"""The relay's loop stops when cancelled, even when a NOTIFY wakes it; a batch goes out in waves per key."""

from __future__ import annotations

import asyncio
from typing import Any

from opentelemetry.sdk.trace import TracerProvider

from lcn_shared.messaging.relay import OutboxRelay, _waves
from lcn_shared.settings import PlatformSettings, ServiceSettings
from lcn_shared.telemetry.metrics import KitMetrics


class IdleOutbox:
    """Stands in for the relay's connection to an empty outbox (this is a unit test of the loop)."""

    async def fetch(self, *_: Any) -> list[Any]:
        return []

    async def execute(self, *_: Any) -> str:
        return "DELETE 0"

    async def fetchval(self, *_: Any) -> bool:
        return False


async def test_cancellation_is_not_lost_when_a_wake_up_arrives_at_the_same_time() -> None:
    """Shutdown cancels the relay; a wake-up racing with it must not keep the loop alive."""
    relay = OutboxRelay(
        service="registry",
        dsn="",
        platform=PlatformSettings(),
        settings=ServiceSettings(relay_poll_seconds=30, relay_linger_seconds=0),
        metrics=KitMetrics(),
        tracer_provider=TracerProvider(),
    )
    for _ in range(20):  # the race is timing-dependent; repeat it
        loop_task = asyncio.create_task(relay._drain_forever(IdleOutbox(), producer=None))  # type: ignore[arg-type]
        await asyncio.sleep(0.01)  # the loop now waits for a NOTIFY
        relay._on_notify()
        loop_task.cancel()
        done, _ = await asyncio.wait({loop_task}, timeout=2)
        assert loop_task in done, "the relay ignored its cancellation"
        assert loop_task.cancelled()


def test_waves_hold_the_ith_row_of_each_key() -> None:
    """Rows in commit order split into waves; a key's rows land in successive waves, in order."""
    rows = [
        {"topic": "t", "message_key": key, "seq": seq}
        for seq, key in enumerate(["a", "b", "a", "c", "a", "b"], start=1)
    ]
    waves = _waves(rows)  # type: ignore[arg-type]
    assert [[(row["message_key"], row["seq"]) for row in wave] for wave in waves] == [
        [("a", 1), ("b", 2), ("c", 4)],
        [("a", 3), ("b", 6)],
        [("a", 5)],
    ]
