"""Slack incoming-webhook payload: Block Kit in a coloured attachment (the colour bar shows the state)."""
from __future__ import annotations

from typing import Any

from ..model import Alert
from ..parsing.common import is_http_url
from .common import STATE_COLOURS, STATE_ICONS, truncate

__all__ = ["slack_payload"]

# Block Kit limits (api.slack.com/reference/block-kit): header 150 chars, section text 3000,
# 10 fields of 2000, button text 75, button url 3000.
_HEADER_MAX, _TEXT_MAX, _FIELD_MAX, _FIELDS_MAX, _URL_MAX = 150, 3000, 2000, 10, 3000


def _escape(text: str) -> str:
    # Slack mrkdwn treats &, < and > as control characters.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _field(label: str, value: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": truncate(f"*{_escape(label)}*\n{_escape(value)}", _FIELD_MAX)}


def slack_payload(alert: Alert) -> dict[str, Any]:
    """Build the JSON body posted to a Slack incoming webhook.

    Example
    -------
    >>> from alert_router.model import Alert
    >>> alert = Alert(source="cloudwatch_alarm", severity="critical", state="ALARM", title="api-errors",
    ...               reason="Threshold crossed", alarm_name="api-errors-critical",
    ...               dedup_key="arn:aws:cloudwatch:us-east-1:123456789012:alarm:api-errors-critical",
    ...               resource="api-errors-critical", occurred_at="2026-11-22T05:00:00Z")
    >>> slack_payload(alert)["attachments"][0]["color"]
    '#D13212'
    """
    header = truncate(f"{STATE_ICONS[alert.state]} {alert.state}: {alert.title}", _HEADER_MAX)
    fields = [_field("Severity", alert.severity), _field("Resource", alert.resource)]
    if alert.previous_state:
        fields.append(_field("Previous state", alert.previous_state))
    fields += [_field(label, value) for label, value in alert.details]
    context = " · ".join(
        part for part in (alert.source, alert.account, alert.region, alert.occurred_at) if part
    )
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": header, "emoji": True}},
        {"type": "section",
         "text": {"type": "mrkdwn", "text": truncate(f"*Reason*\n{_escape(alert.reason)}", _TEXT_MAX)}},
        {"type": "section", "fields": fields[:_FIELDS_MAX]},
    ]
    if alert.log_lines:
        # A code block keeps log lines verbatim; the lines are redacted and cut to fit one section already.
        code = "\n".join(_escape(line.replace("```", "'''")) for line in alert.log_lines)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": truncate(
            f"*Matching log lines* ({len(alert.log_lines)})\n```{code}```", _TEXT_MAX)}})
    blocks += [
        {"type": "context",
         "elements": [{"type": "mrkdwn", "text": truncate(_escape(context or alert.source), _TEXT_MAX)}]},
    ]
    buttons = []
    for action_id, text, url, style in (
        ("runbook", "Runbook", alert.runbook_url, "primary"),
        ("console", "Open in AWS console", alert.console_url, None),
    ):
        if is_http_url(url) and len(url or "") <= _URL_MAX:
            button: dict[str, Any] = {"type": "button", "action_id": action_id,
                                      "text": {"type": "plain_text", "text": text}, "url": url}
            if style:
                button["style"] = style
            buttons.append(button)
    if buttons:
        blocks.append({"type": "actions", "elements": buttons})
    return {
        # Top-level text is what notifications and screen readers show.
        "text": truncate(f"[{alert.severity}] {alert.state}: {alert.title} - {alert.reason}", _TEXT_MAX),
        "attachments": [{"color": STATE_COLOURS[alert.state], "blocks": blocks}],
    }
