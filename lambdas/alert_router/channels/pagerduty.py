"""PagerDuty Events API v2: trigger on ALARM, resolve on OK; dedup_key = the alarm ARN, or the service's page key
when the router pages per service."""
from __future__ import annotations

import hashlib
from typing import Any

from ..model import Alert
from ..parsing.common import is_http_url
from .common import iso_utc, truncate

__all__ = ["pagerduty_event", "pagerduty_dedup_key", "PAGERDUTY_EVENTS_URL", "PAGERDUTY_SEVERITY"]

PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue"
# PagerDuty accepts critical, error, warning, info.
PAGERDUTY_SEVERITY = {"critical": "critical", "warning": "warning", "info": "info"}
_DEDUP_MAX, _SUMMARY_MAX = 255, 1024


def pagerduty_dedup_key(alert: Alert) -> str:
    """The incident key: the alarm ARN (or the source's id), hashed only if over PagerDuty's 255 chars.

    Example
    -------
    >>> from alert_router.model import Alert
    >>> alert = Alert(source="cloudwatch_alarm", severity="critical", state="ALARM", title="api-errors",
    ...               reason="Threshold crossed", alarm_name="api-errors-critical",
    ...               dedup_key="arn:aws:cloudwatch:us-east-1:123456789012:alarm:api-errors-critical",
    ...               resource="api-errors-critical", occurred_at="2026-11-22T05:00:00Z")
    >>> pagerduty_dedup_key(alert)
    'arn:aws:cloudwatch:us-east-1:123456789012:alarm:api-errors-critical'
    """
    key = alert.dedup_key
    if len(key) <= _DEDUP_MAX:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"{key[: _DEDUP_MAX - len(digest) - 1]}#{digest}"


def pagerduty_event(alert: Alert, routing_key: str, page_key: str | None = None) -> dict[str, Any] | None:
    """Build the Events API v2 body, or None when the state pages nobody (INSUFFICIENT_DATA).

    ``page_key`` (the service's page key) replaces the alarm's own key, so every paging alarm of one service
    lands in one PagerDuty alert; the alarm ARN is then kept in ``custom_details.alarm``.

    Example
    -------
    >>> from alert_router.model import Alert
    >>> alert = Alert(source="cloudwatch_alarm", severity="critical", state="ALARM", title="api-errors",
    ...               reason="Threshold crossed", alarm_name="api-errors-critical",
    ...               dedup_key="arn:aws:cloudwatch:us-east-1:123456789012:alarm:api-errors-critical",
    ...               resource="api-errors-critical", occurred_at="2026-11-22T05:00:00Z")
    >>> pagerduty_event(alert, "R0UT1NGKEY")["event_action"]
    'trigger'
    >>> pagerduty_event(alert, "R0UT1NGKEY", page_key="watchtower-prod-api")["dedup_key"]
    'watchtower-prod-api'
    """
    dedup_key = pagerduty_dedup_key(alert) if page_key is None else page_key[:_DEDUP_MAX]
    if alert.state == "OK":
        return {"routing_key": routing_key, "event_action": "resolve", "dedup_key": dedup_key}
    if alert.state != "ALARM":
        return None
    payload: dict[str, Any] = {
        "summary": truncate(f"{alert.title}: {alert.reason}", _SUMMARY_MAX),
        "source": alert.resource,
        "severity": PAGERDUTY_SEVERITY[alert.severity],
        "component": alert.alarm_name,
        "class": alert.source,
        "custom_details": {
            "reason": alert.reason,
            "account": alert.account,
            "region": alert.region,
            "previous_state": alert.previous_state,
            **({"alarm": alert.dedup_key} if page_key is not None else {}),
            **{label: value for label, value in alert.details},
        },
    }
    if alert.log_lines:
        payload["custom_details"]["log_lines"] = list(alert.log_lines)
    timestamp = iso_utc(alert.occurred_at)
    if timestamp:
        payload["timestamp"] = timestamp
    event: dict[str, Any] = {
        "routing_key": routing_key,
        "event_action": "trigger",
        "dedup_key": dedup_key,
        "payload": payload,
    }
    links = [{"href": url, "text": text} for text, url in (("Runbook", alert.runbook_url),
                                                          ("AWS console", alert.console_url)) if is_http_url(url)]
    if links:
        event["links"] = links
    return event
