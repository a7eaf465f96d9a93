"""The yearly calendar: year, month and list views over occurrences, and publishing a planned year at once."""
