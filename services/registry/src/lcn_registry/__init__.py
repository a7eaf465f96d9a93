"""The registry: learning communities, their partners and the feeds that describe them."""
