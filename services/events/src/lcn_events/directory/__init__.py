"""The names of organisations and communities, projected from the registry's community events."""
