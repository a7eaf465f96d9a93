"""Progress reports from partners: revisions, the review workflow, bulk delivery, completeness and overdue notices."""
