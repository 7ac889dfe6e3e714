"""De-duplication: a notification repeating its alarm's last delivered state within the window is a duplicate;
a change of state always goes through (a DynamoDB conditional write on one item per dedup key)."""
from __future__ import annotations

import time
from typing import Any, Callable

from .model import Alert

__all__ = ["Deduplicator", "dedup_id"]


def dedup_id(alert: Alert) -> str:
    """The item key: one per dedup key (the item remembers the last state delivered).

    Example
    -------
    >>> from alert_router.model import Alert
    >>> alert = Alert(source="cloudwatch_alarm", severity="critical", state="ALARM", title="api-errors",
    ...               reason="Threshold crossed", alarm_name="api-errors-critical",
    ...               dedup_key="arn:aws:cloudwatch:us-east-1:123456789012:alarm:api-errors-critical",
    ...               resource="api-errors-critical", occurred_at="2026-11-22T05:00:00Z")
    >>> dedup_id(alert)
    'dedup#arn:aws:cloudwatch:us-east-1:123456789012:alarm:api-errors-critical'
    """
    return f"dedup#{alert.dedup_key}"


class Deduplicator:
    """Claims (dedup key, state) for ``window_seconds``; TTL removes old items, the condition ignores
    expired ones still present (DynamoDB deletes expired items lazily, hours later).

    One item per key, so ALARM, OK, ALARM within the window is three deliveries (a page that re-fires after
    its resolve pages again), while ALARM, ALARM is one.

    Example
    -------
    >>> import os, boto3
    >>> from moto import mock_aws
    >>> os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="eu-west-1")
    >>> from alert_router.model import Alert
    >>> alert = Alert(source="cloudwatch_alarm", severity="critical", state="ALARM", title="api-errors",
    ...               reason="Threshold crossed", alarm_name="api-errors-critical", dedup_key="arn:...:api-errors",
    ...               resource="api-errors-critical", occurred_at="2026-11-22T05:00:00Z")
    >>> with mock_aws():
    ...     ddb = boto3.client("dynamodb")
    ...     _ = ddb.create_table(TableName="dedup", BillingMode="PAY_PER_REQUEST",
    ...                          KeySchema=[{"AttributeName": "dedup_id", "KeyType": "HASH"}],
    ...                          AttributeDefinitions=[{"AttributeName": "dedup_id", "AttributeType": "S"}])
    ...     dedup = Deduplicator(ddb, "dedup", 300)
    ...     [dedup.claim(alert), dedup.claim(alert)]
    [True, False]
    """

    def __init__(self, client: Any, table_name: str, window_seconds: int, clock: Callable[[], float] = time.time):
        self._client = client
        self._table = table_name
        self._window = window_seconds
        self._clock = clock

    def claim(self, alert: Alert) -> bool:
        """True when this alert is the first in its window (deliver it), False for a duplicate.

        Raises whatever DynamoDB raises other than the condition failing: the caller decides to fail open.
        """
        if self._window <= 0:
            return True
        now = int(self._clock())
        try:
            self._client.put_item(
                TableName=self._table,
                Item={
                    "dedup_id": {"S": dedup_id(alert)},
                    "expires_at": {"N": str(now + self._window)},
                    "alarm_name": {"S": alert.alarm_name[:1024]},
                    "state": {"S": alert.state},
                },
                ConditionExpression="attribute_not_exists(dedup_id) OR expires_at <= :now OR #state <> :state",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues={":now": {"N": str(now)}, ":state": {"S": alert.state}},
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True
