"""One message listing several alerts of a service and severity (what a grouping window sends per channel).

PagerDuty is never grouped: each paging alarm keeps its own incident (dedup key), so only chat and e-mail
have a grouped form.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import Alert
from ..parsing.common import is_http_url
from .common import STATE_COLOURS, STATE_ICONS, truncate
from .email import EMAIL_BODY_MAX, _attributes, _subject
from .slack import _escape

__all__ = ["AlertGroup", "slack_group_payload", "teams_group_payload", "email_group_message", "NO_SERVICE"]

NO_SERVICE = "other"
_REASON_MAX = 200
# Slack: 50 blocks per message, 3000 characters per section; Teams cards get slow to render past ~50 lines.
_SLACK_SECTIONS_MAX, _SECTION_MAX, _LISTED_MAX = 40, 3000, 50
# A grouped message shows the first few lines of each log alarm in it, shorter than a single message does.
_GROUP_LOG_LINES, _LOG_LINE_MAX = 3, 200


@dataclass(frozen=True)
class AlertGroup:
    """Alerts of one service and severity that arrived within one grouping window.

    ``unlisted`` counts alerts that joined a group already at its size limit: they are counted in the message,
    not described one by one.

    Example
    -------
    >>> from alert_router.model import Alert
    >>> alert = Alert(source="cloudwatch_alarm", severity="critical", state="ALARM", title="api-errors",
    ...               reason="Threshold crossed", alarm_name="api-errors-critical", dedup_key="arn:...:api-errors",
    ...               resource="api-errors-critical", occurred_at="2026-11-22T05:00:00Z")
    >>> AlertGroup("orders", "critical", (alert, alert), window_seconds=30).headline
    'orders: 2 critical alerts (2 ALARM)'
    """

    service: str | None
    severity: str
    alerts: tuple[Alert, ...]
    window_seconds: int = 30
    unlisted: int = 0

    @property
    def size(self) -> int:
        """How many notifications the message stands for."""
        return len(self.alerts) + self.unlisted

    @property
    def state_counts(self) -> dict[str, int]:
        """Alerts per state, in ALARM, OK, INSUFFICIENT_DATA order (absent states left out)."""
        counts: dict[str, int] = {}
        for state in ("ALARM", "OK", "INSUFFICIENT_DATA"):
            n = sum(1 for a in self.alerts if a.state == state)
            if n:
                counts[state] = n
        return counts

    @property
    def headline(self) -> str:
        """``<service>: <n> <severity> alerts (<counts per state>)``."""
        counts = ", ".join(f"{n} {state}" for state, n in self.state_counts.items())
        more = f", {self.unlisted} more" if self.unlisted else ""
        return f"{self.service or NO_SERVICE}: {self.size} {self.severity} alerts ({counts}{more})"

    @property
    def colour_state(self) -> str:
        """The state that colours the message: ALARM when any alert is in ALARM."""
        return next(iter(self.state_counts), "INSUFFICIENT_DATA")


def _listed(group: AlertGroup) -> tuple[list[Alert], int]:
    alerts = list(group.alerts[:_LISTED_MAX])
    return alerts, group.size - len(alerts)


def slack_group_payload(group: AlertGroup) -> dict[str, Any]:
    """Slack Block Kit message listing every alert of the group (one line each).

    Example
    -------
    >>> from alert_router.model import Alert
    >>> alert = Alert(source="cloudwatch_alarm", severity="critical", state="ALARM", title="api-errors",
    ...               reason="Threshold crossed", alarm_name="api-errors-critical", dedup_key="arn:...:api-errors",
    ...               resource="api-errors-critical", occurred_at="2026-11-22T05:00:00Z")
    >>> group = AlertGroup("orders", "critical", (alert, alert))
    >>> slack_group_payload(group)["attachments"][0]["blocks"][0]["type"]
    'header'
    """
    header = truncate(f"{STATE_ICONS[group.colour_state]} {group.headline}", 150)
    alerts, more = _listed(group)
    sections: list[str] = []
    current = ""
    for alert in alerts:
        name = _escape(alert.alarm_name)
        if is_http_url(alert.console_url):
            name = f"<{alert.console_url}|{name}>"
        line = f"{STATE_ICONS[alert.state]} *{alert.state}* {name}: {_escape(truncate(alert.reason, _REASON_MAX))}"
        if is_http_url(alert.runbook_url):
            line += f" (<{alert.runbook_url}|runbook>)"
        for log_line in alert.log_lines[:_GROUP_LOG_LINES]:
            line += f"\n> `{_escape(truncate(log_line, _LOG_LINE_MAX)).replace('`', chr(39))}`"
        line = truncate(line, _SECTION_MAX)
        if current and len(current) + 1 + len(line) > _SECTION_MAX:
            sections.append(current)
            current = ""
        if len(sections) >= _SLACK_SECTIONS_MAX:
            more += 1
            continue
        current = f"{current}\n{line}" if current else line
    if current and len(sections) < _SLACK_SECTIONS_MAX:
        sections.append(current)
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": header, "emoji": True}}]
    blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": text}} for text in sections]
    if more:
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": f"…and {more} more alert(s) in this group"}}
        )
    context = f"{group.size} notifications grouped within {group.window_seconds}s"
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": context}]})
    return {
        "text": truncate(f"[{group.severity}] {group.headline}", 3000),
        "attachments": [{"color": STATE_COLOURS[group.colour_state], "blocks": blocks}],
    }


def teams_group_payload(group: AlertGroup) -> dict[str, Any]:
    """Teams Adaptive Card listing every alert of the group.

    Example
    -------
    >>> from alert_router.model import Alert
    >>> alert = Alert(source="cloudwatch_alarm", severity="critical", state="ALARM", title="api-errors",
    ...               reason="Threshold crossed", alarm_name="api-errors-critical", dedup_key="arn:...:api-errors",
    ...               resource="api-errors-critical", occurred_at="2026-11-22T05:00:00Z")
    >>> group = AlertGroup("orders", "critical", (alert, alert))
    >>> teams_group_payload(group)["type"]
    'message'
    """
    colour = {"ALARM": "Attention", "OK": "Good", "INSUFFICIENT_DATA": "Default"}[group.colour_state]
    alerts, more = _listed(group)
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "size": "Large", "weight": "Bolder", "wrap": True, "color": colour,
         "text": truncate(f"{STATE_ICONS[group.colour_state]} {group.headline}", 300)},
    ]
    for alert in alerts:
        text = f"{STATE_ICONS[alert.state]} **{alert.state}** {alert.alarm_name}: {truncate(alert.reason, _REASON_MAX)}"
        links = [f"[{label}]({url})" for label, url in (("console", alert.console_url), ("runbook", alert.runbook_url))
                 if is_http_url(url)]
        body.append({"type": "TextBlock", "wrap": True, "spacing": "Small",
                     "text": truncate(text + (" " + " · ".join(links) if links else ""), 1000)})
        if alert.log_lines:
            body.append({"type": "TextBlock", "wrap": True, "spacing": "None", "fontType": "Monospace",
                         "text": "\n\n".join(truncate(line, _LOG_LINE_MAX)
                                                for line in alert.log_lines[:_GROUP_LOG_LINES])})
    if more:
        body.append({"type": "TextBlock", "wrap": True, "text": f"…and {more} more alert(s) in this group"})
    body.append({"type": "TextBlock", "wrap": True, "isSubtle": True, "size": "Small",
                 "text": f"{group.size} notifications grouped within {group.window_seconds}s"})
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard", "version": "1.4",
            "msteams": {"width": "Full"}, "body": body}
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }


def email_group_message(group: AlertGroup, sender: str = "alert router") -> dict[str, Any]:
    """SNS ``publish`` arguments (minus TopicArn) for one e-mail listing the group.

    Example
    -------
    >>> from alert_router.model import Alert
    >>> alert = Alert(source="cloudwatch_alarm", severity="critical", state="ALARM", title="api-errors",
    ...               reason="Threshold crossed", alarm_name="api-errors-critical", dedup_key="arn:...:api-errors",
    ...               resource="api-errors-critical", occurred_at="2026-11-22T05:00:00Z")
    >>> group = AlertGroup("orders", "critical", (alert, alert))
    >>> email_group_message(group)["MessageAttributes"]["severity"]["StringValue"]
    'critical'
    """
    alerts, more = _listed(group)
    lines = [group.headline, ""]
    for alert in alerts:
        lines += [f"{alert.state}: {alert.alarm_name}", f"    Reason:  {truncate(alert.reason, 1000)}",
                  f"    When:    {alert.occurred_at or 'unknown'}"]
        if alert.runbook_url:
            lines.append(f"    Runbook: {alert.runbook_url}")
        if alert.console_url:
            lines.append(f"    Console: {alert.console_url}")
        lines += [f"    Log:     {log_line}" for log_line in alert.log_lines[:_GROUP_LOG_LINES]]
        lines.append("")
    if more:
        lines += [f"...and {more} more alert(s) in this group", ""]
    lines += [f"{group.size} notifications grouped within {group.window_seconds}s", "", f"-- sent by the {sender}"]
    return {
        "Subject": _subject(f"{group.colour_state} [{group.severity}] {group.headline}"),
        "Message": truncate("\n".join(lines), EMAIL_BODY_MAX),
        "MessageAttributes": _attributes(group.severity),
    }
