"""Delivery records: one JSON log line per outcome per channel (the drill and the tests read them)."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["DeliveryRecord", "OUTCOMES", "UNROUTED_CHANNEL"]

# Final outcomes, plus "grouped": held for the group's flush, which then writes the final record of the same
# message id and channel (one message per group, one record per notification in it).
OUTCOMES = ("delivered", "deduplicated", "suppressed", "dead_lettered", "grouped")
# Channel named in a record for a message that never reached routing (unparseable, or routed nowhere).
UNROUTED_CHANNEL = "router"


@dataclass(frozen=True)
class DeliveryRecord:
    """What happened to one notification on one channel.

    Example
    -------
    >>> record = DeliveryRecord("api-errors-critical", "arn:...", "ALARM", "critical", "slack", "delivered")
    >>> record.as_log()["record_type"]
    'delivery'
    """

    alarm_name: str
    dedup_key: str
    state: str
    severity: str
    channel: str
    outcome: str
    detail: str = ""
    message_id: str = ""
    attempts: int = 0
    throttled: int = 0
    group: str = ""

    def as_log(self) -> dict[str, Any]:
        """The log line's fields, with ``record_type`` first."""
        return {"record_type": "delivery", **asdict(self)}
