"""Reporting periods: half-years by default, each with a close date and a deadline."""
