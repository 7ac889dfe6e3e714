"""``python -m tools.slo_report ENV [--templates DIR] [--at TIME]``: the error-budget report of every
Application Signals SLO that ENV deploys (needs AWS credentials).

The SLO names are read from the synthesized templates (``cdk.out/ENV``), so the report covers exactly what
deploys; the report itself comes from ``BatchGetServiceLevelObjectiveBudgetReport`` (50 SLOs per call).
Exit 0 when every SLO has budget left, 1 when one is BREACHED or missing, 2 on bad input or a failed AWS call.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Sequence

from tools.cli import ArgumentParser
from tools.templates import TemplateError, read_templates

__all__ = ["SloReportError", "BudgetLine", "slo_names", "budget_report", "format_report", "exit_code", "main"]

SLO_TYPE = "AWS::ApplicationSignals::ServiceLevelObjective"
BATCH = 50  # BatchGetServiceLevelObjectiveBudgetReport takes 1..50 SLO ids


class SloReportError(ValueError):
    """Nothing to report on, or input that cannot work; one line."""


@dataclass(frozen=True)
class BudgetLine:
    """One SLO's budget as of the report time, or why there is none (``error``)."""

    name: str
    status: str
    attainment: float | None = None
    goal: float | None = None
    budget_total: int | None = None
    budget_remaining: int | None = None
    unit: str = ""  # "requests" (request-based) or "seconds" (period-based)
    error: str = ""

    @property
    def remaining_percent(self) -> float | None:
        """Budget left as a percent of the whole budget (negative once overspent)."""
        if not self.budget_total or self.budget_remaining is None:
            return None
        return 100 * self.budget_remaining / self.budget_total


def slo_names(templates: dict[str, dict[str, Any]]) -> list[str]:
    """Names of the SLOs in ``templates``, sorted.

    Example
    -------
    >>> slo_names({"S": {"Resources": {"A": {"Type": SLO_TYPE, "Properties": {"Name": "x"}}}}})
    ['x']
    """
    names = {resource["Properties"]["Name"] for template in templates.values()
             for resource in (template.get("Resources") or {}).values()
             if resource.get("Type") == SLO_TYPE and isinstance((resource.get("Properties") or {}).get("Name"), str)}
    return sorted(names)


def _line(report: dict[str, Any]) -> BudgetLine:
    request_based = report.get("EvaluationType") == "RequestBased"
    total = report.get("TotalBudgetRequests") if request_based else report.get("TotalBudgetSeconds")
    remaining = report.get("BudgetRequestsRemaining") if request_based else report.get("BudgetSecondsRemaining")
    return BudgetLine(name=report["Name"], status=report["BudgetStatus"], attainment=report.get("Attainment"),
                      goal=(report.get("Goal") or {}).get("AttainmentGoal"), budget_total=total,
                      budget_remaining=remaining, unit="requests" if request_based else "seconds")


def budget_report(client: Any, names: Sequence[str], at: datetime) -> list[BudgetLine]:
    """The budget of each SLO in ``names`` as of ``at``, in ``names`` order; an SLO the service does not
    return gets a line with its error.

    Example
    -------
    >>> class Stub:  # answers like boto3's application-signals client
    ...     def batch_get_service_level_objective_budget_report(self, Timestamp, SloIds):
    ...         return {"Reports": [{"Name": "a", "BudgetStatus": "OK", "EvaluationType": "RequestBased",
    ...                              "TotalBudgetRequests": 1000, "BudgetRequestsRemaining": 500}]}
    >>> lines = budget_report(Stub(), ["a", "b"], datetime(2026, 1, 1, tzinfo=timezone.utc))
    >>> [(line.name, line.status, line.remaining_percent) for line in lines]
    [('a', 'OK', 50.0), ('b', 'MISSING', None)]
    """
    found: dict[str, BudgetLine] = {}
    for start in range(0, len(names), BATCH):
        chunk = list(names[start:start + BATCH])
        response = client.batch_get_service_level_objective_budget_report(Timestamp=at, SloIds=chunk)
        for report in response.get("Reports", []):
            found[report["Name"]] = _line(report)
        for error in response.get("Errors", []):
            name = error.get("Name") or error.get("Arn", "?")
            found[name] = BudgetLine(name=name, status="ERROR",
                                     error=f"{error.get('ErrorCode', '?')}: {error.get('ErrorMessage', '')}".strip())
    return [found.get(n, BudgetLine(name=n, status="MISSING", error="not in the report (deployed?)")) for n in names]


def _number(value: float | int | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def format_report(lines: Iterable[BudgetLine], at: datetime) -> str:
    """A fixed-width table: SLO, status, attainment against goal, budget left.

    Example
    -------
    >>> print(format_report([BudgetLine("a", "OK", 99.95, 99.9, 1000, 500, "requests")],
    ...                     datetime(2026, 1, 1, tzinfo=timezone.utc)))  # doctest: +NORMALIZE_WHITESPACE
    SLO budget report as of 2026-01-01T00:00:00Z
    SLO  STATUS  ATTAINMENT %  GOAL %  BUDGET LEFT
    a    OK      99.950        99.900  500 of 1000 requests (50.0%)
    """
    rows = [("SLO", "STATUS", "ATTAINMENT %", "GOAL %", "BUDGET LEFT")]
    for line in lines:
        if line.error:
            left = line.error
        elif line.budget_total is not None and line.budget_remaining is not None:
            percent = line.remaining_percent
            left = f"{line.budget_remaining} of {line.budget_total} {line.unit}" + (
                f" ({percent:.1f}%)" if percent is not None else "")
        else:
            left = "-"
        rows.append((line.name, line.status, _number(line.attainment), _number(line.goal), left))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    text = [f"SLO budget report as of {at.astimezone(timezone.utc):%Y-%m-%dT%H:%M:%SZ}"]
    text += ["  ".join([*(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)), r[4]]).rstrip() for r in rows]
    return "\n".join(text)


def exit_code(lines: Sequence[BudgetLine]) -> int:
    """1 when any SLO is BREACHED, missing or in error, else 0.

    Example
    -------
    >>> exit_code([BudgetLine("a", "OK"), BudgetLine("b", "BREACHED")])
    1
    """
    return 1 if any(line.status in ("BREACHED", "MISSING", "ERROR") for line in lines) else 0


def _parse_time(text: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise SloReportError(f"--at {text!r} is not an ISO 8601 time such as 2026-12-01T09:00:00Z") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def main(argv: list[str] | None = None, client: Any = None) -> int:
    """Read the SLO names, fetch and print the report; returns the exit code.

    ``client`` replaces the application-signals client (tests pass a stubbed one).

    Example
    -------
    >>> main(["prod"])  # doctest: +SKIP
    0
    """
    parser = ArgumentParser(prog="python -m tools.slo_report", description=__doc__.splitlines()[0])
    parser.add_argument("env")
    parser.add_argument("--templates", help="synthesized templates (default: cdk.out/ENV)")
    parser.add_argument("--at", help="report time, ISO 8601 (default: now)")
    args = parser.parse_args(argv)
    try:
        at = _parse_time(args.at) if args.at else datetime.now(timezone.utc)
        templates_dir = Path(args.templates or f"cdk.out/{args.env}")
        if not templates_dir.exists():
            raise SloReportError(f"{templates_dir} does not exist: run `make synth ENV={args.env}` first")
        names = slo_names(read_templates([templates_dir]))
        if not names:
            raise SloReportError(f"{templates_dir}: no Application Signals SLO in the templates (slo.native off, "
                                 "or no service with an SLO)")
        if client is None:
            client = _client(args.env)
        lines = budget_report(client, names, at)
    except (SloReportError, TemplateError) as error:
        print(f"slo-report: error: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # noqa: BLE001 - botocore's errors: no credentials, access denied, throttled
        if type(error).__module__.split(".")[0] not in ("botocore", "boto3"):
            raise
        print(f"slo-report: error: AWS call failed: {str(error).splitlines()[0]}", file=sys.stderr)
        return 2
    print(format_report(lines, at))
    return exit_code(lines)


def _client(env: str) -> Any:
    import boto3

    region = None
    try:
        from config.loader import load_config
        region = load_config(env).region
    except Exception as error:  # noqa: BLE001 - config errors are already one line
        raise SloReportError(f"cannot read config for {env!r}: {str(error).splitlines()[0]}") from None
    session = boto3.session.Session(region_name=region) if region else boto3.session.Session()
    return session.client("application-signals")


if __name__ == "__main__":
    sys.exit(main())
