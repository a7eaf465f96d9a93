"""When each registration's event (or occurrence) takes place now, in SQL, for the periodic checks: a series'
occurrence starts on its date at the series' wall-clock time in the event's zone, unless its override moved it
(the rules are daily at the finest, so a date holds one occurrence, as `Series.on` says)."""

from __future__ import annotations

# One row per registration: its status and times, its event's status, its occurrence's override state (if any).
PLACE_TIMES = """
    SELECT r.registration_id, r.event_id, r.occurrence_date, r.status, r.confirmed_at, r.anonymised_at,
           e.status AS event_status, e.starts_at AS first_starts_at, e.last_ends_at, o.state AS occurrence_state,
           COALESCE(o.starts_at, t.scheduled) AS starts_at,
           COALESCE(o.ends_at, COALESCE(o.starts_at, t.scheduled) + (e.ends_at - e.starts_at)) AS ends_at
    FROM registration r
    JOIN event e ON e.event_id = r.event_id
    CROSS JOIN LATERAL (
        SELECT CASE
            WHEN r.occurrence_date IS NULL OR e.recurrence IS NULL THEN e.starts_at
            ELSE (r.occurrence_date + CAST(e.starts_at AT TIME ZONE e.timezone AS time)) AT TIME ZONE e.timezone
        END AS scheduled
    ) t
    LEFT JOIN occurrence_override o
        ON r.occurrence_date IS NOT NULL AND e.recurrence IS NOT NULL
        AND o.event_id = r.event_id AND o.original_starts_at = t.scheduled
"""
