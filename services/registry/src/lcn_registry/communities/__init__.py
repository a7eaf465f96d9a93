"""Learning communities: registration and lookup."""
