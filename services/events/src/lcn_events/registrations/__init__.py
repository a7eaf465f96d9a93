"""Registrations: places at an event (or one occurrence of a series), the waiting list, approval, secret links to
one's own registration, the attendee list, and personal data anonymised after the event."""
