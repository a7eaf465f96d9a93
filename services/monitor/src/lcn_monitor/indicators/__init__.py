"""Indicators: their definitions, baselines, targets and observed figures, managed by coordinators."""
