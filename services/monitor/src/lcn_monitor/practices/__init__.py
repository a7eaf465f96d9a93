"""Good practices: what communities learned, searchable in Dutch, curated by coordinators."""
