"""Benchmarks that write a report (`lcn bench pipeline`, `lcn bench registry`); not part of the kit or a service."""
