"""The monitor's dashboard pages: progress per indicator as charts and tables, the drill-down and completeness."""
