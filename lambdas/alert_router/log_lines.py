"""The matching log lines of a log alarm, for the message people read.

CloudWatch documents that a log alarm with ``ActionLogLineCount`` puts up to 50 lines of its latest query run
in its notifications, but not the field those lines arrive in: so the router does not guess a field. It reads
them itself through documented APIs instead: ``DescribeAlarms`` (``AlarmTypes=["LogAlarm"]``) gives the alarm's
log groups and the query's time range (``ScheduleConfiguration.StartTimeOffset``), and ``FilterLogEvents``
returns the ERROR and CRITICAL lines of that range, newest first. Every line is redacted (credentials, tokens,
webhook URLs, passwords) and cut before any channel sees it; any failure leaves the alert without lines, never
undelivered.

Example
-------
>>> redact('{"level": "ERROR", "message": "auth failed", "password": "hunter2"}')
'{"level": "ERROR", "message": "auth failed", "password": "<redacted>"}'
>>> bound_lines(["a" * 500, "b"], max_lines=5, line_chars=10, total_chars=100)
('aaaaaaaaa…', 'b')
"""
from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any, Callable, Iterable

from .model import Alert

__all__ = [
    "redact",
    "bound_lines",
    "LogLineFetcher",
    "LINES_MAX",
    "LINE_CHARS_MAX",
    "TOTAL_CHARS_MAX",
    "ERROR_LEVELS",
    "FILTER_PATTERN",
]

# What every channel can show: Slack's section text holds 3,000 characters, Teams' TextBlock and PagerDuty's
# custom details far more; 2,500 leaves room for the code fence and the heading.
LINES_MAX, LINE_CHARS_MAX, TOTAL_CHARS_MAX = 10, 400, 2500
ERROR_LEVELS = ("ERROR", "CRITICAL")
# CloudWatch Logs JSON filter syntax, the same selection as the log alarm's query (Powertools' 'level' field).
FILTER_PATTERN = '{ ($.level = "ERROR") || ($.level = "CRITICAL") }'
_DEFAULT_WINDOW_S = 300
_SCAN_MAX = 200  # events read per alarm at most: a storm of log lines must not stall a page

_REDACTIONS: tuple[tuple[re.Pattern[str], Any], ...] = (
    # key=value and "key": "value" pairs whose key names a secret.
    (re.compile(r'(?i)("?(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|authorization|routing[_-]?key|'
                r'access[_-]?key|private[_-]?key|client[_-]?secret|session[_-]?token)"?\s*[:=]\s*)'
                r'((?:bearer|basic)\s+[^\s,;&}"]+|"[^"]*"|\'[^\']*\'|[^\s,;&}]+)'),
     lambda m: m.group(1) + ('"<redacted>"' if m.group(2).startswith('"') else "<redacted>")),
    # Webhook and event endpoints carry their secret in the URL itself.
    (re.compile(r"https://hooks\.slack\.com/[^\s\"'<>]+", re.I), "<redacted webhook>"),
    (re.compile(r"https://[\w.-]*(?:webhook\.office\.com|logic\.azure\.com)[^\s\"'<>]*", re.I), "<redacted webhook>"),
    (re.compile(r"\bAKIA[0-9A-Z]{16}\b"), "<redacted access key>"),
    (re.compile(r"\b(?:xox[abposr]|xapp)-[0-9A-Za-z-]{10,}"), "<redacted token>"),
    (re.compile(r"\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}"), "<redacted jwt>"),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"), r"\1 <redacted>"),
)


def redact(line: str) -> str:
    """``line`` with credentials, tokens, webhook URLs and secret-named values replaced.

    Example
    -------
    >>> redact("call failed: Authorization: Bearer abcdefghijkl123 from https://hooks.slack.com/services/T/B/x")
    'call failed: Authorization: <redacted> from <redacted webhook>'
    """
    for pattern, replacement in _REDACTIONS:
        line = pattern.sub(replacement, line)
    return line


def _clean(line: str) -> str:
    # One line each: control characters would break chat formatting and e-mail bodies.
    return " ".join(re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", line).split())


def bound_lines(lines: Iterable[str], *, max_lines: int = LINES_MAX, line_chars: int = LINE_CHARS_MAX,
                total_chars: int = TOTAL_CHARS_MAX) -> tuple[str, ...]:
    """Redacted, one-line, cut copies of ``lines``: at most ``max_lines`` of at most ``line_chars`` characters,
    ``total_chars`` in all (a line that would not fit ends the list).

    Example
    -------
    >>> bound_lines(["x\\ny", "token=abc123"], max_lines=1)
    ('x y',)
    """
    kept: list[str] = []
    used = 0
    for raw in lines:
        if len(kept) >= max_lines:
            break
        text = redact(_clean(str(raw)))
        if not text:
            continue
        if len(text) > line_chars:
            text = text[: line_chars - 1] + "…"
        if used + len(text) + 1 > total_chars:
            break
        kept.append(text)
        used += len(text) + 1
    return tuple(kept)


def _is_error_line(message: str) -> bool:
    try:
        doc = json.loads(message)
    except ValueError:
        return False
    return isinstance(doc, dict) and str(doc.get("level", "")).upper() in ERROR_LEVELS


def _epoch_ms(text: str | None, fallback: Callable[[], float]) -> int:
    if text:
        for fmt in ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%SZ"):
            try:
                parsed = datetime.strptime(text.strip(), fmt)
            except ValueError:
                continue
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=timezone.utc)
            return int(parsed.timestamp() * 1000)
    return int(fallback() * 1000)


class LogLineFetcher:
    """Adds the matching log lines to the alert of a log alarm (names containing one of ``signals``).

    Example
    -------
    With stand-ins for the two clients (the calls it makes, and the fields of their answers it reads):

    >>> from alert_router.model import Alert
    >>> class CloudWatch:
    ...     def describe_alarms(self, **request):
    ...         return {"LogAlarms": [{"ScheduledQueryConfiguration": {"LogGroupIdentifiers": ["/aws/lambda/orders"]}}]}
    >>> class Logs:
    ...     def filter_log_events(self, **request):
    ...         return {"events": [{"timestamp": 1, "message": '{"level": "ERROR", "message": "payment declined"}'}]}
    >>> alert = Alert(source="cloudwatch_alarm", severity="critical", state="ALARM", title="orders errors",
    ...               reason="Threshold crossed", alarm_name="orders-ErrorLogLines-critical",
    ...               dedup_key="arn:...:orders", resource="orders", occurred_at="2026-11-22T05:00:00Z")
    >>> fetcher = LogLineFetcher(CloudWatch(), Logs(), signals=("ErrorLogLines",))
    >>> fetcher.enrich(alert).log_lines
    ('{"level": "ERROR", "message": "payment declined"}',)
    """

    def __init__(self, cloudwatch: Any, logs: Any, signals: tuple[str, ...], *, max_lines: int = LINES_MAX,
                 clock: Callable[[], float] | None = None, warn: Callable[[str], None] | None = None) -> None:
        import time

        self._cloudwatch, self._logs = cloudwatch, logs
        self._signals = tuple(s for s in signals if s)
        self._max_lines = max(0, min(max_lines, LINES_MAX))
        self._clock = clock or time.time
        self._warn = warn or (lambda _message: None)

    def applies(self, alert: Alert) -> bool:
        """True for an ALARM of a log alarm (OK and INSUFFICIENT_DATA need no lines).

        Example
        -------
        >>> from alert_router.model import Alert
        >>> alert = Alert(source="cloudwatch_alarm", severity="critical", state="ALARM", title="orders errors",
        ...               reason="Threshold crossed", alarm_name="orders-ErrorLogLines-critical",
        ...               dedup_key="arn:...:orders", resource="orders", occurred_at="2026-11-22T05:00:00Z")
        >>> LogLineFetcher(None, None, ("ErrorLogLines",)).applies(alert)
        True
        """
        return (self._max_lines > 0 and alert.state == "ALARM" and not alert.log_lines
                and any(f"-{signal}-" in alert.alarm_name for signal in self._signals))

    def enrich(self, alert: Alert) -> Alert:
        """``alert`` with its matching lines, or unchanged when it is no log alarm or anything fails."""
        if not self.applies(alert):
            return alert
        try:
            lines = self._lines(alert)
        except Exception as exc:  # the message goes out without lines rather than late or not at all
            self._warn(f"log lines of {alert.alarm_name} not read ({type(exc).__name__})")
            return alert
        return replace(alert, log_lines=lines) if lines else alert

    def _lines(self, alert: Alert) -> tuple[str, ...]:
        found = self._cloudwatch.describe_alarms(AlarmNames=[alert.alarm_name], AlarmTypes=["LogAlarm"])
        alarms = found.get("LogAlarms") or []
        if not alarms:
            return ()
        query = alarms[0].get("ScheduledQueryConfiguration") or {}
        groups = [g for g in query.get("LogGroupIdentifiers") or [] if isinstance(g, str) and g]
        window_s = int((query.get("ScheduleConfiguration") or {}).get("StartTimeOffset") or _DEFAULT_WINDOW_S)
        end = _epoch_ms(alert.occurred_at, self._clock)
        start = end - window_s * 1000
        events: list[dict[str, Any]] = []
        for group in groups[:5]:
            name_or_arn = {"logGroupIdentifier": group} if group.startswith("arn:") else {"logGroupName": group}
            response = self._logs.filter_log_events(**name_or_arn, startTime=start, endTime=end + 1,
                                                    filterPattern=FILTER_PATTERN, limit=_SCAN_MAX)
            events += [e for e in response.get("events") or [] if _is_error_line(str(e.get("message", "")))]
        events.sort(key=lambda e: int(e.get("timestamp") or 0), reverse=True)
        return bound_lines((str(e.get("message", "")) for e in events), max_lines=self._max_lines)
