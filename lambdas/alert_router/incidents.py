"""One PagerDuty incident per service: every paging alarm of a service (its home region's composite and a pinned
region's, such as us-east-1 for CloudFront) triggers with the service's page key, so PagerDuty merges them into
the incident already open, and the incident is resolved only when the last of them is OK.

``incident#<page key>`` holds the set of the service's paging alarm ARNs now in ALARM: ADD on ALARM, DELETE on
OK, each one atomic UpdateItem that returns the set as it was, so concurrent invocations agree on which OK was
the last. An OK for an alarm not in the set resolves nothing (a redelivered OK, or an alarm whose ALARM this
table never saw while another is open). ``expires_at`` (the table's TTL attribute) is pushed out on every ALARM.

Example
-------
>>> import os, boto3
>>> from moto import mock_aws
>>> os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="eu-west-1")
>>> home = "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:watchtower-prod-web-Critical-critical"
>>> edge = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:watchtower-prod-web-us-east-1-Critical-critical"
>>> with mock_aws():
...     ddb = boto3.client("dynamodb")
...     _ = ddb.create_table(TableName="dedup", BillingMode="PAY_PER_REQUEST",
...                          KeySchema=[{"AttributeName": "dedup_id", "KeyType": "HASH"}],
...                          AttributeDefinitions=[{"AttributeName": "dedup_id", "AttributeType": "S"}])
...     pages = ServicePages(ddb, "dedup")
...     [pages.opened("watchtower-prod-web", home), pages.opened("watchtower-prod-web", edge),
...      pages.closed("watchtower-prod-web", home), pages.closed("watchtower-prod-web", edge)]
[True, False, False, True]
"""
from __future__ import annotations

import time
from typing import Any, Callable

__all__ = ["ServicePages", "service_page_key", "incident_item_key", "INCIDENT_OPEN_MAX_SECONDS"]

# How long the set outlives its last ALARM. Composite alarms notify once per change, so an incident that stays
# open for days must still find its set when the OK comes; after this long an OK resolves nothing and the
# incident is closed by hand in PagerDuty (visible, never a lost page).
INCIDENT_OPEN_MAX_SECONDS = 14 * 86_400


def service_page_key(alarm_prefix: str, service: str) -> str:
    """The PagerDuty dedup_key of a service's page: environment and service, ``<app>-<env>-<service>``.

    Example
    -------
    >>> service_page_key("watchtower-prod-", "orders")
    'watchtower-prod-orders'
    """
    return f"{alarm_prefix}{service}"


def incident_item_key(page_key: str) -> str:
    """The table item holding the open paging alarms of one page key.

    Example
    -------
    >>> incident_item_key("watchtower-prod-orders")
    'incident#watchtower-prod-orders'
    """
    return f"incident#{page_key}"


class ServicePages:
    """The open paging alarms per service page key (see the module docstring)."""

    def __init__(self, client: Any, table_name: str, max_open_seconds: int = INCIDENT_OPEN_MAX_SECONDS,
                 clock: Callable[[], float] = time.time) -> None:
        self._client = client
        self._table = table_name
        self._max_open = max_open_seconds
        self._clock = clock

    def opened(self, page_key: str, alarm_arn: str) -> bool:
        """Record ``alarm_arn`` in ALARM; True when no other paging alarm of the service was open (a new incident).

        Raises whatever DynamoDB raises: the caller decides (a page is sent anyway).
        """
        old = self._client.update_item(
            TableName=self._table, Key={"dedup_id": {"S": incident_item_key(page_key)}},
            UpdateExpression="ADD open_alarms :a SET expires_at = :exp",
            ExpressionAttributeValues={":a": {"SS": [alarm_arn]},
                                       ":exp": {"N": str(int(self._clock() + self._max_open))}},
            ReturnValues="ALL_OLD",
        ).get("Attributes", {})
        return not (set(old.get("open_alarms", {}).get("SS", [])) - {alarm_arn})

    def closed(self, page_key: str, alarm_arn: str) -> bool:
        """Record ``alarm_arn`` OK; True when it was the last open paging alarm of the service (send the resolve).

        Raises whatever DynamoDB raises: the caller dead-letters the OK, so a redrive can still resolve.
        """
        old = self._client.update_item(
            TableName=self._table, Key={"dedup_id": {"S": incident_item_key(page_key)}},
            # An OK without a recorded ALARM still creates the item: give it an expiry so TTL removes it.
            UpdateExpression="DELETE open_alarms :a SET expires_at = if_not_exists(expires_at, :exp)",
            ExpressionAttributeValues={":a": {"SS": [alarm_arn]},
                                       ":exp": {"N": str(int(self._clock() + self._max_open))}},
            ReturnValues="ALL_OLD",
        ).get("Attributes", {})
        return set(old.get("open_alarms", {}).get("SS", [])) == {alarm_arn}
