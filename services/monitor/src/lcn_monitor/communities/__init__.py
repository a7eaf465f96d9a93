"""The monitor's own read model of the registry's communities."""
