"""Command line: ``python -m tools.alarmsim --template T.json --series S.csv [...]``.

Prints one JSON line per state change; bad input gives one line on stderr and exit code 2.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence, TextIO

from tools.alarmsim.evaluation import STATES
from tools.alarmsim.series import SeriesError, minute_of, parse_time, read_series_csv
from tools.alarmsim.simulator import SimulationError, Simulator
from tools.alarmsim.template import TemplateError, load_alarms

__all__ = ["main", "UsageError"]

EXIT_BAD_INPUT = 2


class UsageError(ValueError):
    """Bad command-line input; the message is the one line printed on stderr."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line instead of usage text, still exit 2
        raise UsageError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m tools.alarmsim",
                     description="Evaluate CloudWatch alarms from templates over a metric series CSV.")
    parser.add_argument("--template", action="append", required=True,
                        help="template JSON or a cdk.out directory (repeatable)")
    parser.add_argument("--series", required=True, help="CSV: timestamp,namespace,metric_name,dimensions,value")
    parser.add_argument("--initial-state", default="INSUFFICIENT_DATA", help="OK | ALARM | INSUFFICIENT_DATA")
    parser.add_argument("--start", help="ISO-8601 UTC; default: first sample")
    parser.add_argument("--end", help="ISO-8601 UTC; default: one minute after the last sample")
    return parser


def run(argv: Sequence[str] | None, out: TextIO) -> list[str]:
    """Parse arguments, simulate, print JSON lines to ``out``; return the warnings.

    Raises
    ------
    UsageError, TemplateError, SeriesError, SimulationError
        Bad input, one line each.

    Example
    -------
    >>> import json, tempfile
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> props = {"AlarmName": "errors", "Namespace": "app", "MetricName": "Errors", "Statistic": "Sum",
    ...          "Period": 60, "EvaluationPeriods": 1, "Threshold": 0, "ComparisonOperator": "GreaterThanThreshold"}
    >>> template = {"Resources": {"A": {"Type": "AWS::CloudWatch::Alarm", "Properties": props}}}
    >>> _ = (folder / "t.json").write_text(json.dumps(template))
    >>> _ = (folder / "s.csv").write_text("timestamp,namespace,metric_name,dimensions,value\\n"
    ...                                   "2026-01-01T00:05:00Z,app,Errors,,1\\n")
    >>> run(["--template", str(folder / "t.json"), "--series", str(folder / "s.csv")], sys.stdout)
    {"time": "2026-01-01T00:06:00Z", "alarm": "errors", "from": "INSUFFICIENT_DATA", "to": "ALARM", "actions": []}
    []
    """
    args = _parser().parse_args(argv)
    if args.initial_state not in STATES:
        raise UsageError(f"--initial-state {args.initial_state!r} is not one of {', '.join(STATES)}")
    alarms = load_alarms(args.template)
    store = read_series_csv(args.series)
    span = store.span()
    try:
        start = minute_of(parse_time(args.start)) if args.start else (span[0] if span else None)
        end = minute_of(parse_time(args.end)) if args.end else (span[1] + 1 if span else None)
    except SeriesError as error:
        raise UsageError(f"--start/--end: {error}") from None
    if start is None or end is None:
        raise UsageError("the series has no samples: give --start and --end to evaluate an empty range")
    simulator = Simulator(alarms, store, args.initial_state)
    for transition in simulator.run(start, end):
        out.write(json.dumps(transition.to_json()) + "\n")
    return alarms.warnings + simulator.warnings


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code (0, or 2 on bad input).

    Example
    -------
    >>> import json, tempfile
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> props = {"AlarmName": "errors", "Namespace": "app", "MetricName": "Errors", "Statistic": "Sum",
    ...          "Period": 60, "EvaluationPeriods": 1, "Threshold": 0, "ComparisonOperator": "GreaterThanThreshold"}
    >>> template = {"Resources": {"A": {"Type": "AWS::CloudWatch::Alarm", "Properties": props}}}
    >>> _ = (folder / "t.json").write_text(json.dumps(template))
    >>> _ = (folder / "s.csv").write_text("timestamp,namespace,metric_name,dimensions,value\\n"
    ...                                   "2026-01-01T00:05:00Z,app,Errors,,1\\n")
    >>> main(["--template", str(folder / "t.json"), "--series", str(folder / "s.csv")])
    {"time": "2026-01-01T00:06:00Z", "alarm": "errors", "from": "INSUFFICIENT_DATA", "to": "ALARM", "actions": []}
    0
    """
    try:
        warnings = run(argv, sys.stdout)
    except (UsageError, TemplateError, SeriesError, SimulationError) as error:
        print(f"alarmsim: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for warning in warnings:
        print(f"alarmsim: warning: {warning}", file=sys.stderr)
    return 0
