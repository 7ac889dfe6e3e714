"""Retry-After shared by every execution environment of the router: a 429 one invocation gets holds the
endpoint for all of them, instead of each concurrent invocation finding out with a 429 of its own.

``gate#<channel>#<secret name>`` holds ``open_at`` (epoch seconds); a hold only ever moves it later (conditional
update), and TTL removes the item an hour after it opened. Wall-clock time, not the router's grouping clock:
this is about the receiver's pace. Every call is best effort: without the table, each environment still honours
the Retry-After it was given.

Example
-------
>>> import os, boto3
>>> from moto import mock_aws
>>> os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="eu-west-1")
>>> with mock_aws():
...     ddb = boto3.client("dynamodb")
...     _ = ddb.create_table(TableName="dedup", BillingMode="PAY_PER_REQUEST",
...                          KeySchema=[{"AttributeName": "dedup_id", "KeyType": "HASH"}],
...                          AttributeDefinitions=[{"AttributeName": "dedup_id", "AttributeType": "S"}])
...     gates = SharedGates(ddb, "dedup", clock=lambda: 1000.0)
...     gates.hold("gate#slack#watchtower/prod/slack-webhook", 30)
...     gates.hold("gate#slack#watchtower/prod/slack-webhook", 10)  # shorter: the 30 s hold stands
...     gates.wait_s("gate#slack#watchtower/prod/slack-webhook")
30.0
"""
from __future__ import annotations

import time
from typing import Any, Callable

__all__ = ["SharedGates", "gate_key"]

_KEEP_S = 3600


def gate_key(channel: str, secret_name: str) -> str:
    """The item key of one endpoint's gate: the channel and the NAME of the secret holding its URL or key.

    Example
    -------
    >>> gate_key("slack", "watchtower/prod/slack-webhook")
    'gate#slack#watchtower/prod/slack-webhook'
    """
    return f"gate#{channel}#{secret_name}"


class SharedGates:
    """Read and close endpoint gates in the router's table (see the module docstring)."""

    def __init__(self, client: Any, table_name: str, clock: Callable[[], float] = time.time) -> None:
        self._client = client
        self._table = table_name
        self._clock = clock

    def wait_s(self, key: str) -> float:
        """Seconds until the endpoint may be called again (0 when open). Raises what DynamoDB raises."""
        item = self._client.get_item(TableName=self._table, Key={"dedup_id": {"S": key}}).get("Item")
        if not item:
            return 0.0
        return max(float(item.get("open_at", {}).get("N", "0")) - self._clock(), 0.0)

    def hold(self, key: str, seconds: float) -> None:
        """Close the endpoint for ``seconds`` from now, unless it is already closed for longer."""
        open_at = self._clock() + seconds
        try:
            self._client.update_item(
                TableName=self._table, Key={"dedup_id": {"S": key}},
                UpdateExpression="SET open_at = :t, expires_at = :e",
                ConditionExpression="attribute_not_exists(open_at) OR open_at < :t",
                ExpressionAttributeValues={":t": {"N": f"{open_at:.3f}"}, ":e": {"N": str(int(open_at + _KEEP_S))}},
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            pass  # closed for longer already
