"""Plain-text e-mail through the e-mail topic; a ``severity`` attribute lets subscriptions filter."""
from __future__ import annotations

import re
from typing import Any

from ..model import Alert
from .common import truncate

__all__ = ["email_message", "fallback_email_message", "EMAIL_BODY_MAX"]

# SNS: subject < 100 printable ASCII characters, no line breaks; message <= 256 KB (keep well under).
_SUBJECT_MAX = 99
EMAIL_BODY_MAX = 200_000


def _subject(text: str) -> str:
    ascii_only = text.encode("ascii", "replace").decode("ascii")
    cleaned = re.sub(r"[^\x20-\x7e]", " ", ascii_only).strip()
    return truncate(cleaned, _SUBJECT_MAX - 2) if len(cleaned) > _SUBJECT_MAX else cleaned or "Alert"


def _attributes(severity: str) -> dict[str, Any]:
    return {"severity": {"DataType": "String", "StringValue": severity}}


def email_message(alert: Alert, sender: str = "alert router") -> dict[str, Any]:
    """Build the SNS ``publish`` arguments (minus TopicArn) for one alert.

    Example
    -------
    >>> from alert_router.model import Alert
    >>> alert = Alert(source="cloudwatch_alarm", severity="critical", state="ALARM", title="api-errors",
    ...               reason="Threshold crossed", alarm_name="api-errors-critical",
    ...               dedup_key="arn:aws:cloudwatch:us-east-1:123456789012:alarm:api-errors-critical",
    ...               resource="api-errors-critical", occurred_at="2026-11-22T05:00:00Z")
    >>> email_message(alert)["MessageAttributes"]["severity"]["StringValue"]
    'critical'
    """
    lines = [
        f"{alert.state} ({alert.severity}): {alert.title}",
        "",
        f"Reason:         {alert.reason}",
        f"When:           {alert.occurred_at or 'unknown'}",
        f"Resource:       {alert.resource}",
        f"Source:         {alert.source}",
    ]
    if alert.previous_state:
        lines.append(f"Previous state: {alert.previous_state}")
    if alert.account or alert.region:
        lines.append(f"Where:          {alert.account or '?'} / {alert.region or '?'}")
    lines += [f"{label + ':':<15} {value}" for label, value in alert.details]
    lines.append("")
    if alert.log_lines:
        lines += [f"Matching log lines ({len(alert.log_lines)}, newest first):",
                  *(f"  {line}" for line in alert.log_lines), ""]
    if alert.runbook_url:
        lines.append(f"Runbook:        {alert.runbook_url}")
    if alert.console_url:
        lines.append(f"Console:        {alert.console_url}")
    lines += ["", f"-- sent by the {sender}"]
    return {
        "Subject": _subject(f"{alert.state} [{alert.severity}] {alert.title}"),
        "Message": truncate("\n".join(lines), EMAIL_BODY_MAX),
        "MessageAttributes": _attributes(alert.severity),
    }


def fallback_email_message(problem: str, severity: str, original: str, sender: str = "alert router") -> dict[str, Any]:
    """The plain fallback sent when a delivery failed or a message could not be parsed.

    Example
    -------
    >>> fallback_email_message("slack: HTTP 500 after 4 attempts", "critical", "{...}")["Subject"]
    'Alert router fallback [critical]: slack: HTTP 500 after 4 attempts'
    """
    body = "\n".join([
        "The alert router could not deliver a notification normally.",
        f"Problem: {problem}",
        "The original message is below and is kept in the router's dead-letter queue (replay: make redrive).",
        "",
        "----- original message -----",
        original,
        "----- end -----",
        "",
        f"-- sent by the {sender}",
    ])
    return {
        "Subject": _subject(f"Alert router fallback [{severity}]: {problem}"),
        "Message": truncate(body, EMAIL_BODY_MAX),
        "MessageAttributes": _attributes(severity),
    }
