"""Microsoft Teams incoming-webhook card (an Adaptive Card wrapped in a message attachment)."""
from __future__ import annotations

from typing import Any

from ..model import Alert
from ..parsing.common import is_http_url
from .common import STATE_ICONS, truncate

__all__ = ["teams_payload"]

# Adaptive Card TextBlock colours: Attention is red, Good green, Default neutral.
_COLOUR = {"ALARM": "Attention", "OK": "Good", "INSUFFICIENT_DATA": "Default"}


def teams_payload(alert: Alert) -> dict[str, Any]:
    """Build the JSON body posted to a Teams incoming webhook (or a Workflows webhook).

    Example
    -------
    >>> from alert_router.model import Alert
    >>> alert = Alert(source="cloudwatch_alarm", severity="critical", state="ALARM", title="api-errors",
    ...               reason="Threshold crossed", alarm_name="api-errors-critical",
    ...               dedup_key="arn:aws:cloudwatch:us-east-1:123456789012:alarm:api-errors-critical",
    ...               resource="api-errors-critical", occurred_at="2026-11-22T05:00:00Z")
    >>> teams_payload(alert)["attachments"][0]["contentType"]
    'application/vnd.microsoft.card.adaptive'
    """
    facts = [{"title": "Severity", "value": alert.severity}, {"title": "Resource", "value": alert.resource}]
    if alert.previous_state:
        facts.append({"title": "Previous state", "value": alert.previous_state})
    if alert.occurred_at:
        facts.append({"title": "When", "value": alert.occurred_at})
    facts += [{"title": label, "value": truncate(value, 1000)} for label, value in alert.details]
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "msteams": {"width": "Full"},
        "body": [
            {"type": "TextBlock", "size": "Large", "weight": "Bolder", "wrap": True, "color": _COLOUR[alert.state],
             "text": truncate(f"{STATE_ICONS[alert.state]} {alert.state}: {alert.title}", 300)},
            {"type": "TextBlock", "wrap": True, "text": truncate(alert.reason, 3000)},
            {"type": "FactSet", "facts": facts},
        ],
    }
    if alert.log_lines:
        card["body"] += [
            {"type": "TextBlock", "weight": "Bolder", "wrap": True,
             "text": f"Matching log lines ({len(alert.log_lines)})"},
            {"type": "TextBlock", "wrap": True, "fontType": "Monospace",
             "text": truncate("\n\n".join(alert.log_lines), 5000)},
        ]
    actions = [{"type": "Action.OpenUrl", "title": title, "url": url}
               for title, url in (("Runbook", alert.runbook_url), ("Open in AWS console", alert.console_url))
               if is_http_url(url)]
    if actions:
        card["actions"] = actions
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card},
        ],
    }
