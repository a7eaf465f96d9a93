"""Completeness and timeliness of reporting: who has reported for a period, who is late, and the overdue notices."""
