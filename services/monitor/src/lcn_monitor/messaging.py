"""Every subscription and publication of the monitor, in one place."""

from lcn_monitor.communities.consumers import community_projection
from lcn_shared.contracts.base import EventContract
from lcn_shared.contracts.monitor import (
    IndicatorOffTrack,
    IndicatorTargetReached,
    ReportApproved,
    ReportOverdue,
    ReportReturned,
    ReportSubmitted,
)
from lcn_shared.messaging.consumer import EventConsumer

CONSUMERS: list[EventConsumer] = [community_projection]
PUBLISHES: list[type[EventContract]] = [
    ReportSubmitted,
    ReportApproved,
    ReportReturned,
    ReportOverdue,
    IndicatorOffTrack,
    IndicatorTargetReached,
]
