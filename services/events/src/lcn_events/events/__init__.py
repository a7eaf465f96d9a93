"""Calendar events: single ones and series, their lifecycle, occurrences changed on their own, and history."""
