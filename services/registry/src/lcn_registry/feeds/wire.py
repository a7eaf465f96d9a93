"""The feed API's vocabulary on the wire, shared by the server and the `lcn feeds import` client."""

from typing import Literal

from lcn_shared.deliveries import MEDIA_TYPES as MEDIA_TYPES
from lcn_shared.deliveries import DeliveryFormat

FeedFormat = DeliveryFormat
ImportMode = Literal["upsert", "snapshot"]
Outcome = Literal["added", "updated", "unchanged", "rejected"]
# A job's counters: the record outcomes, then what the job did beyond them.
COUNTED = ("added", "updated", "unchanged", "rejected", "withdrawn", "linked", "review", "new_communities")
