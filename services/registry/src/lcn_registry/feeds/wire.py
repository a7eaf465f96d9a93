"""The feed API's vocabulary on the wire, shared by the server and the `lcn feeds import` client."""

from typing import Literal

FeedFormat = Literal["json", "ndjson", "csv"]
# Media type -> format; the first media type of each format is the one the client sends.
MEDIA_TYPES: dict[str, FeedFormat] = {
    "application/json": "json",
    "application/x-ndjson": "ndjson",
    "application/ndjson": "ndjson",
    "application/jsonl": "ndjson",
    "application/jsonlines": "ndjson",
    "text/csv": "csv",
}
ImportMode = Literal["upsert", "snapshot"]
Outcome = Literal["added", "updated", "unchanged", "rejected"]
# A job's counters: the record outcomes, then what the job did beyond them.
COUNTED = ("added", "updated", "unchanged", "rejected", "withdrawn", "linked", "review", "new_communities")
