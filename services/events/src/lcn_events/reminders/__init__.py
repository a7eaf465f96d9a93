"""Reminders: `registration.reminder-due` once per confirmed registration and rule, a set time before the start."""
