"""The events service: the yearly calendar of conferences and meetings, registrations and ICS feeds."""
