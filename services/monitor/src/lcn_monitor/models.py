"""Every table of the monitor, for Alembic (the kit's tables come in through `tables.py`)."""

from lcn_monitor.communities.models import CommunityView
from lcn_monitor.indicators.models import Baseline, Indicator, IndicatorChange, IndicatorStatus, Observation, Target
from lcn_monitor.periods.models import ReportingPeriod
from lcn_monitor.practices.models import Practice, PracticeChange
from lcn_monitor.progress.models import FiguresVersion
from lcn_monitor.reports.models import ConflictChoice, OverdueNotice, Report, ReportChange, ReportRevision
from lcn_monitor.tables import MonitorTable

metadata = MonitorTable.metadata

__all__ = [
    "Baseline",
    "CommunityView",
    "ConflictChoice",
    "FiguresVersion",
    "Indicator",
    "IndicatorChange",
    "IndicatorStatus",
    "Observation",
    "OverdueNotice",
    "Practice",
    "PracticeChange",
    "Report",
    "ReportChange",
    "ReportRevision",
    "ReportingPeriod",
    "Target",
    "metadata",
]
