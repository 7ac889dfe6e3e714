"""Correlation ids and user ids from the common Lambda event shapes.

Plain dict lookups rather than JMESPath: this runs on every invocation and must stay cheap.
"""
from __future__ import annotations

from typing import Any

__all__ = ["correlation_id", "user_id", "CORRELATION_HEADER"]

CORRELATION_HEADER = "x-correlation-id"
_ATTRIBUTE_NAMES = ("x-correlation-id", "correlation_id", "correlationId", "CorrelationId")


def _header(headers: Any, name: str) -> str | None:
    if not isinstance(headers, dict) or not headers:
        return None
    value = headers.get(name)
    if value is None:
        for key, item in headers.items():  # REST APIs keep the client's header case
            if isinstance(key, str) and key.lower() == name:
                value = item
                break
    if isinstance(value, list):  # multiValueHeaders
        value = value[0] if value else None
    return value if isinstance(value, str) and value else None


def _message_attribute(record: dict[str, Any]) -> str | None:
    sqs_attributes = record.get("messageAttributes")
    if isinstance(sqs_attributes, dict):
        for name in _ATTRIBUTE_NAMES:
            attribute = sqs_attributes.get(name)
            if isinstance(attribute, dict) and attribute.get("stringValue"):
                return str(attribute["stringValue"])
    sns = record.get("Sns")
    if isinstance(sns, dict) and isinstance(sns.get("MessageAttributes"), dict):
        for name in _ATTRIBUTE_NAMES:
            attribute = sns["MessageAttributes"].get(name)
            if isinstance(attribute, dict) and attribute.get("Value"):
                return str(attribute["Value"])
    return None


def correlation_id(event: Any, fallback: str | None = None) -> str | None:
    """The correlation id of an invocation.

    An ``x-correlation-id`` header wins; then the API Gateway (REST or HTTP) request id, an SQS or SNS
    message attribute (``x-correlation-id`` / ``correlation_id``), the EventBridge event id, and finally
    ``fallback`` (the Lambda request id).

    Parameters
    ----------
    event : Any
        The Lambda event.
    fallback : str, optional
        Returned when the event carries no id.

    Example
    -------
    >>> correlation_id({"headers": {"X-Correlation-Id": "abc"}, "requestContext": {"requestId": "r1"}})
    'abc'
    >>> correlation_id({"requestContext": {"requestId": "r1"}})
    'r1'
    """
    if not isinstance(event, dict):
        return fallback
    header = _header(event.get("headers"), CORRELATION_HEADER) or _header(
        event.get("multiValueHeaders"), CORRELATION_HEADER)
    if header:
        return header
    request_context = event.get("requestContext")
    if isinstance(request_context, dict) and request_context.get("requestId"):
        return str(request_context["requestId"])
    records = event.get("Records")
    if isinstance(records, list) and records and isinstance(records[0], dict):
        found = _message_attribute(records[0])
        if found:
            return found
    if "detail-type" in event and event.get("id"):
        return str(event["id"])
    return fallback


def user_id(event: Any) -> str | None:
    """The authenticated user's id, from Cognito/JWT claims or a Lambda authorizer; ``None`` if anonymous.

    Example
    -------
    >>> user_id({"requestContext": {"authorizer": {"claims": {"sub": "u-1"}}}})
    'u-1'
    """
    if not isinstance(event, dict):
        return None
    request_context = event.get("requestContext")
    if not isinstance(request_context, dict):
        return None
    authorizer = request_context.get("authorizer")
    if isinstance(authorizer, dict):
        for claims in (authorizer.get("claims"), (authorizer.get("jwt") or {}).get("claims"),
                       authorizer.get("lambda")):
            if isinstance(claims, dict):
                for key in ("sub", "username", "cognito:username", "user_id"):
                    if claims.get(key):
                        return str(claims[key])
        if authorizer.get("principalId"):
            return str(authorizer["principalId"])
    identity = request_context.get("identity")
    if isinstance(identity, dict):
        for key in ("cognitoIdentityId", "user"):
            if identity.get(key):
                return str(identity[key])
    return None
