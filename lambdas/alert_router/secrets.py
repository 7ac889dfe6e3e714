"""Secrets Manager reads with a TTL cache: webhook URLs and routing keys live only in memory."""
from __future__ import annotations

import json
import time
from typing import Any, Callable

from .channels import PAGERDUTY_EVENTS_URL
from .delivery import validate_endpoint

__all__ = ["SecretCache", "SecretUnavailableError", "webhook_url", "pagerduty_credentials"]


class SecretUnavailableError(RuntimeError):
    """A secret could not be read or does not hold what its channel needs (the text says which)."""


class SecretCache:
    """Read secret strings by NAME, keeping each for ``ttl_seconds`` so a burst of alerts costs one read.

    Example
    -------
    >>> import os, boto3
    >>> from moto import mock_aws
    >>> os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="eu-west-1")
    >>> with mock_aws():
    ...     sm = boto3.client("secretsmanager")
    ...     _ = sm.create_secret(Name="watchtower/prod/slack-webhook", SecretString="https://hooks.slack.com/x")
    ...     cache = SecretCache(sm, ttl_seconds=300)
    ...     first = cache.get("watchtower/prod/slack-webhook")
    >>> cache.get("watchtower/prod/slack-webhook") == first  # cached: no read outside mock_aws
    True
    """

    def __init__(self, client: Any, ttl_seconds: int = 300, clock: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._ttl = ttl_seconds
        self._clock = clock
        self._values: dict[str, tuple[float, str]] = {}

    def get(self, name: str) -> str:
        """The secret's string value; raises SecretUnavailableError (no value in the message) on failure."""
        cached = self._values.get(name)
        if cached and self._clock() - cached[0] < self._ttl:
            return cached[1]
        try:
            value = self._client.get_secret_value(SecretId=name).get("SecretString")
        except Exception as exc:  # botocore ClientError, endpoint errors: all mean "not readable now"
            code = getattr(exc, "response", {}).get("Error", {}).get("Code", type(exc).__name__)
            raise SecretUnavailableError(f"secret {name!r} is not readable ({code})") from None
        if not isinstance(value, str) or not value.strip():
            raise SecretUnavailableError(f"secret {name!r} has no string value")
        self._values[name] = (self._clock(), value)
        return value


def _json_field(value: str, keys: tuple[str, ...]) -> str | None:
    try:
        doc = json.loads(value)
    except ValueError:
        return None
    if isinstance(doc, dict):
        for key in keys:
            if isinstance(doc.get(key), str) and doc[key].strip():
                return doc[key].strip()
    return None


def webhook_url(name: str, value: str) -> str:
    """A Slack/Teams webhook URL from a secret holding the URL or ``{"webhook_url": ...}``.

    Example
    -------
    >>> webhook_url("s", '{"webhook_url": "https://hooks.slack.com/services/T/B/X"}')
    'https://hooks.slack.com/services/T/B/X'
    """
    url = value.strip() if not value.strip().startswith("{") else _json_field(value, ("webhook_url", "url"))
    if not url:
        raise SecretUnavailableError(f"secret {name!r} holds no webhook URL (a URL, or JSON with webhook_url)")
    try:
        return validate_endpoint(url)
    except ValueError as exc:
        raise SecretUnavailableError(f"secret {name!r}: {exc}") from None


def pagerduty_credentials(name: str, value: str) -> tuple[str, str]:
    """(routing key, events URL) from a secret holding the key or ``{"routing_key": ..., "events_url": ...}``.

    ``events_url`` is optional (EU accounts use events.eu.pagerduty.com).

    Example
    -------
    >>> pagerduty_credentials("s", "R0UTINGKEY")
    ('R0UTINGKEY', 'https://events.pagerduty.com/v2/enqueue')
    """
    text = value.strip()
    if text.startswith("{"):
        key = _json_field(text, ("routing_key", "integration_key"))
        url = _json_field(text, ("events_url",)) or PAGERDUTY_EVENTS_URL
    else:
        key, url = text, PAGERDUTY_EVENTS_URL
    if not key:
        raise SecretUnavailableError(f"secret {name!r} holds no PagerDuty routing_key")
    try:
        return key, validate_endpoint(url)
    except ValueError as exc:
        raise SecretUnavailableError(f"secret {name!r}: {exc}") from None
