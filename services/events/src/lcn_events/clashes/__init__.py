"""Clash warnings: major events on overlapping days for an overlapping audience."""
