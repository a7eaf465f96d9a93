"""The platform kit shared by every service: settings, database, events, telemetry and auth."""
