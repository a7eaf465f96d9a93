"""CPU per process during a measurement, naming the processes outside the benchmark that used the most."""

from __future__ import annotations

import os
from typing import Any

import psutil

from lcn_benchmarks.report import CpuMeter

SHOWN_OTHERS = 3
NOTABLE_SECONDS = 0.5


class Meter:
    """`CpuMeter`'s figures, plus the busiest processes outside the benchmark's own trees (`others`)."""

    def __init__(self, roots: dict[str, int | None]) -> None:
        self.roots = [pid for pid in roots.values() if pid is not None]
        self.meter = CpuMeter(roots)
        self.others: list[dict[str, Any]] = []
        self._before: dict[int, tuple[str, float]] = {}

    def start(self) -> None:
        """Take the first readings."""
        self._before = _outside(self._ours())
        self.meter.start()

    def stop(self) -> dict[str, float]:
        """CPU seconds per process tree since `start`; the busiest outside processes go to `others`."""
        used = self.meter.stop()
        after = _outside(self._ours())
        spent = [(cpu - self._before[pid][1], name) for pid, (name, cpu) in after.items() if pid in self._before] + [
            (cpu, name) for pid, (name, cpu) in after.items() if pid not in self._before
        ]
        self.others = [
            {"process": name, "cpu_seconds": round(seconds, 2)}
            for seconds, name in sorted(spent, reverse=True)[:SHOWN_OTHERS]
            if seconds >= NOTABLE_SECONDS
        ]
        return used

    def _ours(self) -> set[int]:
        """This process, its children (the services, a CLI run) and the infrastructure's trees."""
        ours = {os.getpid()}
        for root in [os.getpid(), *self.roots]:
            try:
                process = psutil.Process(root)
                ours |= {root, *(child.pid for child in process.children(recursive=True))}
            except psutil.Error:
                continue
        return ours


def _outside(ours: set[int]) -> dict[int, tuple[str, float]]:
    """Every other process's name (with the start of its command line) and CPU seconds so far."""
    found = {}
    for process in psutil.process_iter(["pid", "name", "cmdline", "cpu_times"]):
        info = process.info
        if info["pid"] in ours or info["cpu_times"] is None:
            continue
        command = " ".join(info["cmdline"] or [])[:80] or info["name"]
        found[info["pid"]] = (command, info["cpu_times"].user + info["cpu_times"].system)
    return found
