"""Deterministic demo data: a realistic network of learning communities and the feeds that describe it."""
