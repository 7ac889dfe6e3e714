"""Grouping: notifications of one service and severity that arrive within a window become one message per
channel, like Alertmanager's ``group_by: [service, severity]`` with ``group_wait`` = the window.

State lives in the de-duplication table, so any number of concurrent invocations agree on it:

- ``group#<service>#<severity>``: the open group. Each arrival appends itself with one atomic UpdateItem;
  the arrival that created the item (its fresh ``group_id`` won ``if_not_exists``) schedules the flush, an SQS
  message delayed by the window.
- At the flush, one transaction moves the open group to ``flushed#<group_id>`` (condition: same group and the
  member count just read, so an arrival racing the flush is never dropped: the transaction fails and is
  retried). Arrivals after the move open the next group. The flushed item is delivered, then deleted; a crash
  in between leaves it for the SQS redelivery of the flush message (at least once, never lost).

Example
-------
>>> service_of("watchtower-prod-orders-api-HighErrorRate-critical", "watchtower-prod-", ("orders", "payments"))
'orders'
"""
from __future__ import annotations

import json
import math
import time
import uuid
from dataclasses import asdict, dataclass
from typing import Any, Callable

from .channels.common import truncate
from .model import Alert

__all__ = [
    "GroupStore",
    "GroupMember",
    "Joined",
    "Flushed",
    "service_of",
    "group_key",
    "GROUP_MEMBERS_MAX",
    "ORIGINAL_MAX",
    "UNLISTED_MAX",
    "delay_seconds",
]

# A DynamoDB item holds 400 KB. Members described in full per group (at most ~3 KB of alert and ORIGINAL_MAX of
# original message each); later arrivals are kept as a short line (name, state, message id, ~150 bytes), up to
# UNLISTED_MAX; beyond that an arrival is refused and the router sends it on its own, at once.
GROUP_MEMBERS_MAX = 40
ORIGINAL_MAX = 3500
UNLISTED_MAX = 600
# A group whose flush is this late (seconds past due) gets another flush message: SQS delivery failed somehow.
_STALE_S = 120
# Flushed or abandoned state is deleted by TTL after a day; only a lost flush message leaves it that long.
_KEEP_S = 86_400
_DETAILS_MAX, _DETAIL_MAX, _REASON_MAX = 6, 300, 1000
_GROUP_LOG_LINES = 3


def service_of(alarm_name: str, prefix: str, services: tuple[str, ...] | list[str]) -> str | None:
    """The service an alarm belongs to, from the naming convention ``<app>-<env>-<service>-...``; None when the
    name does not follow it (cost anomalies, budgets, another app's alarms).

    The longest matching service wins, so ``orders-api`` is not mistaken for ``orders``.

    Example
    -------
    >>> service_of("watchtower-prod-orders-api-Latency-warning", "watchtower-prod-", ("orders", "orders-api"))
    'orders-api'
    >>> service_of("cost-anomaly:x", "watchtower-prod-", ("orders",)) is None
    True
    """
    if not alarm_name.startswith(prefix):
        return None
    rest = alarm_name[len(prefix):]
    matches = [s for s in services if rest == s or rest.startswith(f"{s}-")]
    return max(matches, key=len) if matches else None


def group_key(service: str | None, severity: str) -> str:
    """The open group's item key.

    Example
    -------
    >>> group_key("orders", "critical")
    'group#orders#critical'
    """
    return f"group#{service or '-'}#{severity}"


@dataclass(frozen=True)
class GroupMember:
    """One notification held in a group: the alert (trimmed), its SNS message id and, when short enough, the
    original message (so a failed group delivery dead-letters something ``make redrive`` can replay)."""

    alert: Alert
    message_id: str
    topic_arn: str | None = None
    original: str | None = None

    def to_json(self) -> str:
        """Compact JSON for the group item."""
        alert = asdict(self.alert)
        alert["reason"] = truncate(alert["reason"], _REASON_MAX)
        alert["details"] = [[label, truncate(value, _DETAIL_MAX)] for label, value in self.alert.details[:_DETAILS_MAX]]
        # A group lists its alarms; it shows a few lines of each log alarm (the item stays far below 400 KB).
        alert["log_lines"] = list(self.alert.log_lines[:_GROUP_LOG_LINES])
        return json.dumps({"a": alert, "m": self.message_id, "t": self.topic_arn, "o": self.original},
                          separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "GroupMember":
        """The member :meth:`to_json` wrote."""
        doc = json.loads(text)
        alert = dict(doc["a"])
        alert["details"] = tuple((label, value) for label, value in alert.get("details") or ())
        alert["log_lines"] = tuple(alert.get("log_lines") or ())
        return cls(Alert(**alert), doc.get("m") or "", doc.get("t"), doc.get("o"))


@dataclass(frozen=True)
class Joined:
    """Result of one arrival: the group it joined, whether this arrival opened it (and must schedule its
    flush), when the flush is due, and whether it was only counted (group at its size limit)."""

    key: str
    group_id: str
    opened: bool
    due_at: float
    counted_only: bool = False
    stale: bool = False


@dataclass(frozen=True)
class Flushed:
    """What a flush took: the members described in full and the count of the others (``unlisted`` names the
    message ids of the latter, for their delivery records)."""

    key: str
    group_id: str
    members: tuple[GroupMember, ...]
    unlisted: tuple[tuple[str, str, str], ...] = ()  # (alarm name, state, message id)


class GroupStore:
    """The group items of the router's DynamoDB table (see the module docstring).

    Example
    -------
    >>> import os, boto3
    >>> from moto import mock_aws
    >>> from alert_router.model import Alert
    >>> os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="eu-west-1")
    >>> member = GroupMember(Alert(source="cloudwatch_alarm", severity="critical", state="ALARM", title="api-errors",
    ...     reason="Threshold crossed", alarm_name="api-errors-critical", dedup_key="arn:...:api-errors",
    ...     resource="api-errors-critical", occurred_at="2026-11-22T05:00:00Z"), message_id="m-1")
    >>> with mock_aws():
    ...     ddb = boto3.client("dynamodb")
    ...     _ = ddb.create_table(TableName="dedup", BillingMode="PAY_PER_REQUEST",
    ...                          KeySchema=[{"AttributeName": "dedup_id", "KeyType": "HASH"}],
    ...                          AttributeDefinitions=[{"AttributeName": "dedup_id", "AttributeType": "S"}])
    ...     store = GroupStore(ddb, "dedup", window_seconds=30)
    ...     [store.join(member, "orders", "critical").opened, store.join(member, "orders", "critical").opened]
    [True, False]
    """

    def __init__(self, client: Any, table_name: str, window_seconds: int, clock: Callable[[], float] = time.time,
                 members_max: int = GROUP_MEMBERS_MAX, unlisted_max: int = UNLISTED_MAX) -> None:
        self._client = client
        self._table = table_name
        self.window_seconds = window_seconds
        self._clock = clock
        self._members_max = members_max
        self._unlisted_max = unlisted_max

    # ---- arrivals ------------------------------------------------------------------------------------------
    def join(self, member: GroupMember, service: str | None, severity: str) -> Joined:
        """Add ``member`` to the open group of (service, severity), opening one if there is none.

        Raises whatever DynamoDB raises: the caller delivers at once instead (fail open).
        """
        key = group_key(service, severity)
        now = self._clock()
        fresh = uuid.uuid4().hex
        common = {
            ":gid": {"S": fresh},
            ":now": {"N": _num(now)},
            ":due": {"N": _num(now + self.window_seconds)},
            ":exp": {"N": str(int(now + self.window_seconds + _KEEP_S))},
            ":svc": {"S": service or ""},
            ":sev": {"S": severity},
        }
        opening = ("group_id = if_not_exists(group_id, :gid), opened_at = if_not_exists(opened_at, :now), "
                   "due_at = if_not_exists(due_at, :due), expires_at = if_not_exists(expires_at, :exp), "
                   "service = if_not_exists(service, :svc), severity = if_not_exists(severity, :sev)")
        try:
            item = self._client.update_item(
                TableName=self._table,
                Key={"dedup_id": {"S": key}},
                UpdateExpression=f"SET {opening}, members = list_append(if_not_exists(members, :empty), :m) "
                                 "ADD member_count :one",
                ConditionExpression="attribute_not_exists(members) OR size(members) < :cap",
                ExpressionAttributeValues={**common, ":m": {"L": [{"S": member.to_json()}]},
                                           ":empty": {"L": []}, ":one": {"N": "1"},
                                           ":cap": {"N": str(self._members_max)}},
                ReturnValues="ALL_NEW",
            )["Attributes"]
            counted_only = False
        except self._client.exceptions.ConditionalCheckFailedException:
            # The group is full: keep the arrival as a line of its name, state and message id only.
            line = json.dumps([member.alert.alarm_name, member.alert.state, member.message_id], separators=(",", ":"))
            item = self._client.update_item(
                TableName=self._table,
                Key={"dedup_id": {"S": key}},
                UpdateExpression=f"SET {opening}, unlisted = list_append(if_not_exists(unlisted, :empty), :u) "
                                 "ADD member_count :one",
                # Raises ConditionalCheckFailedException when even the short lines are full: the caller then
                # delivers this notification at once.
                ConditionExpression="attribute_not_exists(unlisted) OR size(unlisted) < :ucap",
                ExpressionAttributeValues={**common, ":u": {"L": [{"S": line}]}, ":empty": {"L": []},
                                           ":one": {"N": "1"}, ":ucap": {"N": str(self._unlisted_max)}},
                ReturnValues="ALL_NEW",
            )["Attributes"]
            counted_only = True
        group_id = item["group_id"]["S"]
        due_at = float(item["due_at"]["N"])
        return Joined(key, group_id, opened=group_id == fresh, due_at=due_at, counted_only=counted_only,
                      stale=group_id != fresh and now > due_at + _STALE_S)

    # ---- flush ---------------------------------------------------------------------------------------------
    def take(self, key: str, group_id: str, attempts: int = 8) -> Flushed | None:
        """Close the group ``group_id`` and return its members, or None when it was already flushed and delivered
        (a duplicate flush message). A group moved but not yet delivered (a crash) is returned again.
        """
        for _ in range(attempts):
            item = self._client.get_item(TableName=self._table, Key={"dedup_id": {"S": key}},
                                         ConsistentRead=True).get("Item")
            if not item or item.get("group_id", {}).get("S") != group_id:
                return self._flushed(key, group_id)
            now = self._clock()
            moved = {k: v for k, v in item.items() if k != "dedup_id"}
            moved["expires_at"] = {"N": str(int(now + _KEEP_S))}
            moved["group_key"] = {"S": key}
            try:
                self._client.transact_write_items(TransactItems=[
                    {"Delete": {"TableName": self._table, "Key": {"dedup_id": {"S": key}},
                                "ConditionExpression": "group_id = :gid AND member_count = :count",
                                "ExpressionAttributeValues": {":gid": {"S": group_id},
                                                              ":count": item["member_count"]}}},
                    {"Put": {"TableName": self._table, "Item": {"dedup_id": {"S": f"flushed#{group_id}"}, **moved},
                             "ConditionExpression": "attribute_not_exists(dedup_id)"}},
                ])
            except self._client.exceptions.TransactionCanceledException:
                continue  # an arrival joined between the read and the move: read again
            return _flushed_from(key, group_id, moved)
        raise RuntimeError(f"group {key} kept changing during {attempts} flush attempts")

    def done(self, group_id: str) -> None:
        """Forget a delivered group."""
        self._client.delete_item(TableName=self._table, Key={"dedup_id": {"S": f"flushed#{group_id}"}})

    def _flushed(self, key: str, group_id: str) -> Flushed | None:
        item = self._client.get_item(TableName=self._table, Key={"dedup_id": {"S": f"flushed#{group_id}"}},
                                     ConsistentRead=True).get("Item")
        return _flushed_from(key, group_id, item) if item else None


def _flushed_from(key: str, group_id: str, item: dict[str, Any]) -> Flushed:
    members = tuple(GroupMember.from_json(m["S"]) for m in item.get("members", {}).get("L", []))
    unlisted = tuple(tuple(json.loads(u["S"])) for u in item.get("unlisted", {}).get("L", []))
    return Flushed(key, group_id, members, unlisted)


def _num(value: float) -> str:
    return f"{value:.3f}"


def delay_seconds(due_at: float, now: float) -> int:
    """SQS DelaySeconds for a flush due at ``due_at`` (SQS takes whole seconds, at most 900).

    Example
    -------
    >>> delay_seconds(130.2, 100.0)
    31
    """
    return max(0, min(900, math.ceil(due_at - now)))
