"""Inhibition: while a service's page is open, its warning notifications are symptoms of the known cause and
are held back (Alertmanager's inhibit rule ``source: severity=critical, target: severity=warning, equal: service``).

``page#<service>`` holds the set of that service's critical alarms now in ALARM: ADD on ALARM, DELETE on OK,
both single atomic updates, so concurrent invocations never lose one. ``expires_at`` bounds an inhibition whose
OK never arrived (TTL then also removes the item).

Example
-------
>>> import os, boto3
>>> from moto import mock_aws
>>> os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="eu-west-1")
>>> arn = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:watchtower-prod-orders-service-critical"
>>> with mock_aws():
...     ddb = boto3.client("dynamodb")
...     _ = ddb.create_table(TableName="dedup", BillingMode="PAY_PER_REQUEST",
...                          KeySchema=[{"AttributeName": "dedup_id", "KeyType": "HASH"}],
...                          AttributeDefinitions=[{"AttributeName": "dedup_id", "AttributeType": "S"}])
...     pages = PageTracker(ddb, "dedup", max_open_seconds=14_400)
...     pages.opened("orders", arn)
...     opened = pages.open_page("orders")
...     pages.closed("orders", arn)
...     [opened, pages.open_page("orders")]
['watchtower-prod-orders-service-critical', None]
"""
from __future__ import annotations

import time
from typing import Any, Callable

__all__ = ["PageTracker", "page_key"]


def page_key(service: str) -> str:
    """The service's page item key.

    Example
    -------
    >>> page_key("orders")
    'page#orders'
    """
    return f"page#{service}"


class PageTracker:
    """Which services have a page open (see the module docstring)."""

    def __init__(self, client: Any, table_name: str, max_open_seconds: int, clock: Callable[[], float] = time.time):
        self._client = client
        self._table = table_name
        self._max_open = max_open_seconds
        self._clock = clock

    def opened(self, service: str, dedup_key: str) -> None:
        """Record that ``dedup_key`` (a critical alarm of ``service``) is in ALARM."""
        self._client.update_item(
            TableName=self._table, Key={"dedup_id": {"S": page_key(service)}},
            UpdateExpression="ADD open_keys :k SET expires_at = :exp",
            ExpressionAttributeValues={":k": {"SS": [dedup_key]},
                                       ":exp": {"N": str(int(self._clock() + self._max_open))}},
        )

    def closed(self, service: str, dedup_key: str) -> None:
        """Record that ``dedup_key`` recovered (OK)."""
        self._client.update_item(
            TableName=self._table, Key={"dedup_id": {"S": page_key(service)}},
            # An OK without a recorded ALARM still creates the item: give it an expiry so TTL removes it.
            UpdateExpression="DELETE open_keys :k SET expires_at = if_not_exists(expires_at, :exp)",
            ExpressionAttributeValues={":k": {"SS": [dedup_key]},
                                       ":exp": {"N": str(int(self._clock() + self._max_open))}},
        )

    def open_page(self, service: str) -> str | None:
        """The alarm name of one open page of ``service`` (for the log line), or None when none is open."""
        item = self._client.get_item(TableName=self._table, Key={"dedup_id": {"S": page_key(service)}},
                                     ConsistentRead=True).get("Item")
        if not item or float(item.get("expires_at", {}).get("N", "0")) <= self._clock():
            return None
        keys = sorted(item.get("open_keys", {}).get("SS", []))
        return keys[0].rsplit(":alarm:", 1)[-1] if keys else None
