"""The monitor (volgsysteem): indicators, progress reports, good practices and dashboards."""
