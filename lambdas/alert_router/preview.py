"""Operator CLI: show the payload a channel would receive for one notification, sending nothing.

Usage: ``python -m lambdas.alert_router preview --channel slack|pagerduty|teams|email [--log-lines LINES] FILE|-``

A log alarm's message carries its matching log lines, which the router reads from CloudWatch Logs when it
routes the alarm; ``--log-lines`` gives them from a file instead (one line each, e.g. exported from Logs
Insights), redacted and cut exactly as the router does.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from typing import Any, Sequence, TextIO

from .channels import CHANNELS, email_message, pagerduty_event, slack_payload, teams_payload
from .log_lines import bound_lines
from .model import SEVERITIES, Alert
from .parsing import UnparseableMessageError, parse_message

__all__ = ["main", "preview_payload", "ROUTING_KEY_PLACEHOLDER", "EMAIL_TOPIC_PLACEHOLDER"]

ROUTING_KEY_PLACEHOLDER = "<PagerDuty routing key from Secrets Manager>"
EMAIL_TOPIC_PLACEHOLDER = "<e-mail topic ARN>"
EXIT_UNPARSEABLE = 2


def preview_payload(alert: Alert, channel: str) -> dict[str, Any]:
    """The document ``channel`` would be sent for ``alert``, secrets replaced by placeholders.

    Example
    -------
    >>> from alert_router.model import Alert
    >>> alert = Alert(source="cloudwatch_alarm", severity="critical", state="ALARM", title="api-errors",
    ...               reason="Threshold crossed", alarm_name="api-errors-critical",
    ...               dedup_key="arn:aws:cloudwatch:us-east-1:123456789012:alarm:api-errors-critical",
    ...               resource="api-errors-critical", occurred_at="2026-11-22T05:00:00Z")
    >>> preview_payload(alert, "pagerduty")["routing_key"]
    '<PagerDuty routing key from Secrets Manager>'
    """
    if channel == "slack":
        return slack_payload(alert)
    if channel == "teams":
        return teams_payload(alert)
    if channel == "email":
        return {"TopicArn": EMAIL_TOPIC_PLACEHOLDER, **email_message(alert)}
    event = pagerduty_event(alert, ROUTING_KEY_PLACEHOLDER)
    if event is None:
        return {"skipped": f"PagerDuty is sent ALARM (trigger) and OK (resolve) only, not {alert.state}"}
    return event


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line instead of the usage text, still exit 2
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m lambdas.alert_router", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    preview = sub.add_parser("preview", help="print the payload one channel would receive")
    preview.add_argument("--channel", required=True, choices=CHANNELS)
    preview.add_argument("--severity", choices=SEVERITIES, default=None,
                         help="the severity topic it arrived on (default: from the alarm name, else warning)")
    preview.add_argument("--log-lines", dest="log_lines", default=None,
                         help="file of matching log lines (one per line) shown as the router shows a log alarm's")
    preview.add_argument("file", help="file holding one SNS Message body, an alarm's Lambda action payload or an "
                                      "EventBridge event, or - for stdin")
    return parser


def _read(path: str, stdin: TextIO) -> str:
    if path == "-":
        return stdin.read()
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    """Run the CLI; returns the exit status (0 printed, 2 unparseable or unreadable input).

    Example
    -------
    >>> import io, json
    >>> alarm = json.dumps({"source": "aws.cloudwatch",
    ...                     "alarmArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:db-throttles-critical",
    ...                     "alarmData": {"alarmName": "db-throttles-critical", "state": {"value": "ALARM"}}})
    >>> out = io.StringIO()
    >>> main(["preview", "--channel", "slack", "-"], stdin=io.StringIO(alarm), stdout=out)
    0
    >>> json.loads(out.getvalue())["text"]
    '[critical] ALARM: db-throttles-critical - (no reason given)'
    """
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    args = _parser().parse_args(argv)
    try:
        text = _read(args.file, stdin)
    except OSError as exc:
        print(f"error: cannot read {args.file!r}: {exc.strerror or exc}", file=stderr)
        return EXIT_UNPARSEABLE
    try:
        alert = parse_message(text, args.severity)
    except UnparseableMessageError as exc:
        print(f"error: {args.file}: not a notification the router can parse: {exc}", file=stderr)
        return EXIT_UNPARSEABLE
    if args.log_lines:
        try:
            lines = _read(args.log_lines, stdin).splitlines()
        except OSError as exc:
            print(f"error: cannot read {args.log_lines!r}: {exc.strerror or exc}", file=stderr)
            return EXIT_UNPARSEABLE
        alert = replace(alert, log_lines=bound_lines(lines))
    json.dump(preview_payload(alert, args.channel), stdout, indent=2, ensure_ascii=False)
    stdout.write("\n")
    return 0
