"""The one alert model every notification is normalised into, whatever sent it."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

__all__ = [
    "Alert",
    "SEVERITIES",
    "STATES",
    "SOURCES",
    "UnparseableMessageError",
    "severity_from_name",
]

SEVERITIES = ("critical", "warning", "info")
# CloudWatch's three alarm states; every other source maps onto them (a failed canary run is ALARM, ...).
STATES = ("ALARM", "OK", "INSUFFICIENT_DATA")
SOURCES = (
    "cloudwatch_alarm",
    "cloudwatch_composite_alarm",
    "cost_anomaly",
    "budget",
    "xray_insight",
    "synthetics",
)


class UnparseableMessageError(ValueError):
    """The message is not a notification the router understands (the text says why)."""


@dataclass(frozen=True)
class Alert:
    """One notification, whatever its source, in the shape every channel formats from.

    Attributes
    ----------
    source : str
        One of ``SOURCES``.
    severity : str
        One of ``SEVERITIES``: the severity topic it arrived on (or a hint from its name).
    state : str
        One of ``STATES``.
    title : str
        Short headline (the alarm name, "Cost anomaly: AWS Lambda", ...).
    reason : str
        Why it fired, as the source said it.
    alarm_name : str
        Stable name used in delivery records and de-duplication logs.
    dedup_key : str
        Identity of the incident (alarm ARN for alarms); with ``state`` it keys de-duplication and
        PagerDuty's ``dedup_key``.
    resource : str
        What it is about (ARN or name).
    occurred_at : str
        ISO-8601 time of the state change, as the source gave it.
    runbook_url, console_url : str or None
        Absolute http(s) links, or None when the source carries none.
    started_at : str or None
        When the underlying problem started, when the source says (anomalies, insights).
    previous_state : str or None
        The state before this change, when known.
    actions_suppressed_by : str or None
        For composite alarms: ``Alarm``, ``WaitPeriod`` or ``ExtensionPeriod`` when CloudWatch held actions.
    account, region : str or None
        Where it happened.
    log_lines : tuple of str
        For a log alarm in ALARM: its matching log lines, newest first, already redacted and cut to size
        (see ``log_lines.bound_lines``); empty otherwise.
    reports_held_actions : bool
        True when the source reports every state change, whether or not CloudWatch is holding the alarm's
        actions (EventBridge); SNS notifications and Lambda actions are sent only when the actions run.
    details : tuple of (str, str)
        Extra label/value pairs shown by every channel, in order.

    Example
    -------
    >>> Alert(source="cloudwatch_alarm", severity="critical", state="ALARM", title="api-5xx",
    ...       reason="Threshold crossed", alarm_name="api-5xx", dedup_key="arn:aws:cloudwatch:...:alarm:api-5xx",
    ...       resource="arn:aws:cloudwatch:...:alarm:api-5xx", occurred_at="2026-11-22T05:00:00Z").state
    'ALARM'
    """

    source: str
    severity: str
    state: str
    title: str
    reason: str
    alarm_name: str
    dedup_key: str
    resource: str
    occurred_at: str
    runbook_url: str | None = None
    console_url: str | None = None
    started_at: str | None = None
    previous_state: str | None = None
    actions_suppressed_by: str | None = None
    account: str | None = None
    region: str | None = None
    details: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    reports_held_actions: bool = False
    log_lines: tuple[str, ...] = ()

    def with_severity(self, severity: str) -> "Alert":
        """Return a copy at ``severity`` (the topic it arrived on decides, not the message).

        Example
        -------
        >>> alert = Alert(source="cloudwatch_alarm", severity="critical", state="ALARM", title="api-5xx",
        ...               reason="Threshold crossed", alarm_name="api-5xx", dedup_key="api-5xx", resource="api-5xx",
        ...               occurred_at="2026-11-22T05:00:00Z")
        >>> alert.with_severity("info").severity
        'info'
        """
        return replace(self, severity=severity)


def severity_from_name(name: str, default: str = "warning") -> str:
    """Guess a severity from a name ending in ``-critical``/``-warning``/``-info`` (the naming convention).

    Example
    -------
    >>> severity_from_name("watchtower-prod-orders-api-errors-critical")
    'critical'
    >>> severity_from_name("something-else")
    'warning'
    """
    lowered = name.lower()
    for severity in SEVERITIES:
        if lowered.endswith(f"-{severity}") or lowered.endswith(f"_{severity}"):
            return severity
    return default
