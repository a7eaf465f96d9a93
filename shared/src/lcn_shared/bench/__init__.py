"""Benchmarks that write a report: `lcn bench pipeline` measures the outbox relay and event propagation."""

from lcn_shared.bench.pipeline import run_pipeline_benchmark

__all__ = ["run_pipeline_benchmark"]
