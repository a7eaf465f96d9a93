"""Search over the registry: filters, full text, facets and cursor pagination."""
