"""Every table of the monitor, for Alembic (the kit's tables come in through `tables.py`)."""

from lcn_monitor.communities.models import CommunityView
from lcn_monitor.tables import MonitorTable

metadata = MonitorTable.metadata

__all__ = ["CommunityView", "metadata"]
