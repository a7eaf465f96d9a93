"""Progress, live: each indicator's actual against its trajectory and target, per scope, explained to the report."""
