"""Entry point: ``cost_checker.handler.handler``, invoked hourly by an EventBridge schedule.

Each run makes one paginated Cost Explorer query, prints EMF lines (estimated hourly cost, cost so far today,
yesterday's cost by service) and a one-line JSON status. It never raises on throttling, lag or empty data:
a failed run would be retried by Lambda (more $0.01 requests) and no data must not look like an alarm.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Callable

from .emf import dumps, snapshot_documents
from .estimate import summarize, top_services
from .explorer import CostDataUnavailableError, query_daily_costs
from .settings import CostCheckerSettings, SettingsError, read_settings

__all__ = ["handler", "run"]

# Cost Explorer is a global API served from us-east-1, whatever region the function runs in.
CE_REGION = "us-east-1"
_client: Any = None


def handler(event: dict[str, Any] | None, context: Any = None) -> dict[str, Any]:
    """Lambda handler. The scheduled event's ``time`` is the run's clock, so a delayed retry reads the same days.

    Example
    -------
    Without its settings it reports itself misconfigured, before any AWS call:

    >>> import os
    >>> _ = os.environ.pop("METRICS_NAMESPACE", None)
    >>> handler({"time": "2026-01-02T12:00:00Z"})["status"]
    {"level": "WARNING", "message": "cost check", "status": "misconfigured", ...}
    'misconfigured'
    """
    try:
        settings = read_settings()
    except SettingsError as exc:
        return _log({"status": "misconfigured", "error": str(exc)})
    return run(_ce_client(), settings, _event_time(event), print)


def run(client: Any, settings: CostCheckerSettings, now: datetime, emit: Callable[[str], None]) -> dict[str, Any]:
    """One check: query, summarize, emit EMF through ``emit``; returns (and logs) the status.

    Example
    -------
    >>> import boto3
    >>> from botocore.stub import Stubber
    >>> ce = boto3.client("ce", region_name="us-east-1")
    >>> group = {"Keys": ["AWS Lambda", "Environment$prod"], "Metrics": {"UnblendedCost": {"Amount": "2.4"}}}
    >>> lines = []
    >>> with Stubber(ce) as stub:
    ...     stub.add_response("get_cost_and_usage", {"ResultsByTime": [
    ...         {"TimePeriod": {"Start": "2026-01-01", "End": "2026-01-02"}, "Groups": [group]},
    ...         {"TimePeriod": {"Start": "2026-01-02", "End": "2026-01-03"}, "Groups": [group]}]})
    ...     noon = datetime(2026, 1, 2, 12, tzinfo=timezone.utc)
    ...     status = run(ce, CostCheckerSettings("prod", "Watchtower/Cost"), noon, lines.append)
    >>> status["status"], round(status["hourly_account"], 2), len(lines)  # 2.40 in 12 hours; 4 EMF lines, 1 status
    ('ok', 0.2, 5)
    """
    try:
        result = query_daily_costs(client, now.date(), settings.tag_key)
    except CostDataUnavailableError as exc:
        return _log({"status": "unavailable", "reason": str(exc)}, emit)
    snapshot = summarize(result.rows, now, settings.environment, settings.min_hours_for_today_rate)
    by_service = top_services(snapshot.yesterday.by_service, settings.top_services) if snapshot.yesterday else {}
    documents = snapshot_documents(
        settings.namespace,
        settings.environment,
        {"account": snapshot.hourly_account, "environment": snapshot.hourly_environment},
        snapshot.today.total if snapshot.today else None,
        by_service,
        now,
    )
    for document in documents:
        emit(dumps(document))
    return _log(
        {
            "status": "ok" if snapshot.hourly_account is not None else "no-data",
            "requests": result.pages,
            "hourly_account": snapshot.hourly_account,
            "hourly_environment": snapshot.hourly_environment,
            "metrics_emitted": len(documents),
        },
        emit,
    )


def _event_time(event: dict[str, Any] | None) -> datetime:
    raw = (event or {}).get("time")
    if isinstance(raw, str):
        try:
            return datetime.fromisoformat(raw.replace("Z", "+00:00")).astimezone(timezone.utc)
        except ValueError:
            pass
    return datetime.now(timezone.utc)


def _ce_client() -> Any:
    global _client
    if _client is None:
        import boto3
        from botocore.config import Config

        # botocore's standard retry mode backs off on ThrottlingException before we give up for this hour.
        retries = Config(retries={"mode": "standard", "max_attempts": 5})
        _client = boto3.client("ce", region_name=CE_REGION, config=retries)
    return _client


def _log(status: dict[str, Any], emit: Callable[[str], None] = print) -> dict[str, Any]:
    emit(json.dumps({"level": "WARNING" if status["status"] != "ok" else "INFO", "message": "cost check", **status}))
    return status


