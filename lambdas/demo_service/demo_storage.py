"""DynamoDB storage for measurements: one item per measurement, keyed by ``measurement_id``."""
from __future__ import annotations

import os
import uuid
from decimal import Decimal
from typing import Any

__all__ = ["MeasurementStore", "StorageError"]


class StorageError(RuntimeError):
    """DynamoDB could not be reached or refused the request (a dependency problem, not bad input)."""


class MeasurementStore:
    """Saves and loads measurements in the table named by TABLE_NAME.

    Parameters
    ----------
    table_name : str, optional
        Defaults to the TABLE_NAME environment variable.
    client : Any, optional
        A boto3 DynamoDB client (created on first use).

    Example
    -------
    >>> store = MeasurementStore("watchtower-dev-demo-measurements")  # no AWS call until save or load
    >>> store.table_name
    'watchtower-dev-demo-measurements'
    """

    def __init__(self, table_name: str | None = None, client: Any = None) -> None:
        self.table_name = table_name or os.environ.get("TABLE_NAME", "")
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3

            self._client = boto3.client("dynamodb")
        return self._client

    def save(self, item: dict[str, Any]) -> str:
        """Store ``item`` under a new id and return the id.

        Example
        -------
        >>> import os, boto3
        >>> from moto import mock_aws
        >>> os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
        ...                   AWS_DEFAULT_REGION="eu-west-1")
        >>> with mock_aws():
        ...     _ = boto3.client("dynamodb").create_table(
        ...         TableName="measurements", BillingMode="PAY_PER_REQUEST",
        ...         KeySchema=[{"AttributeName": "measurement_id", "KeyType": "HASH"}],
        ...         AttributeDefinitions=[{"AttributeName": "measurement_id", "AttributeType": "S"}])
        ...     store = MeasurementStore("measurements")
        ...     measurement_id = store.save({"device_id": "scale-01", "weight_kg": 1.5})
        ...     loaded = store.load(measurement_id)
        ...     missing = store.load("nope")
        >>> len(measurement_id), loaded["weight_kg"], missing
        (32, 1.5, None)
        """
        measurement_id = uuid.uuid4().hex
        attributes: dict[str, dict[str, Any]] = {"measurement_id": {"S": measurement_id}}
        for key, value in item.items():
            if value is None:
                continue
            if isinstance(value, bool):
                attributes[key] = {"BOOL": value}
            elif isinstance(value, (int, float, Decimal)):
                attributes[key] = {"N": str(value)}
            else:
                attributes[key] = {"S": str(value)}
        try:
            self.client.put_item(TableName=self.table_name, Item=attributes,
                                 ConditionExpression="attribute_not_exists(measurement_id)")
        except Exception as error:  # botocore errors: report as a dependency failure, not a crash
            raise StorageError(f"cannot store measurement: {type(error).__name__}") from error
        return measurement_id

    def load(self, measurement_id: str) -> dict[str, Any] | None:
        """Return the stored measurement, or ``None`` when there is none.

        Example
        -------
        >>> class EmptyTable:  # a DynamoDB client whose get_item finds nothing
        ...     def get_item(self, **request): return {}
        >>> MeasurementStore("measurements", client=EmptyTable()).load("nope") is None
        True
        """
        try:
            item = self.client.get_item(TableName=self.table_name,
                                        Key={"measurement_id": {"S": measurement_id}}).get("Item")
        except Exception as error:
            raise StorageError(f"cannot read measurement: {type(error).__name__}") from error
        if item is None:
            return None
        plain: dict[str, Any] = {}
        for key, typed in item.items():
            (kind, value), = typed.items()
            plain[key] = float(value) if kind == "N" else value
        return plain
