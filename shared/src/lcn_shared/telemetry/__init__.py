"""Observability: OpenTelemetry traces, Prometheus metrics and JSON logs with trace ids."""
