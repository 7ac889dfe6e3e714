"""The cost checker against moto's Cost Explorer: full runs, pagination, empty results, lag."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

from lambdas.cost_checker.handler import handler, run
from lambdas.cost_checker.settings import CostCheckerSettings

from .conftest import day_result

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)
TODAY, YESTERDAY = date(2026, 3, 10), date(2026, 3, 9)
SETTINGS = CostCheckerSettings(environment="prod", namespace="Watchtower/Cost", top_services=2,
                               min_hours_for_today_rate=6)


def _run(ce) -> tuple[dict, list[dict]]:
    lines: list[str] = []
    status = run(ce, SETTINGS, NOW, lines.append)
    return status, [json.loads(line) for line in lines]


def _metric(docs: list[dict], name: str, **dims: str) -> float | None:
    for doc in docs:
        if name in doc and all(doc.get(k) == v for k, v in dims.items()):
            return doc[name]
    return None


def test_full_run_emits_hourly_cost_per_scope_and_daily_cost_by_service(ce, queue_pages):
    # GIVEN yesterday cost $48 (prod-tagged $24) and today so far $36 after 12 hours
    queue_pages([{"ResultsByTime": [
        day_result(YESTERDAY, [("AWS Lambda", "prod", 24.0), ("Amazon DynamoDB", "", 12.0), ("AmazonCloudWatch", "dev", 12.0)]),
        day_result(TODAY, [("AWS Lambda", "prod", 30.0), ("Amazon DynamoDB", "", 6.0)]),
    ], "DimensionValueAttributes": []}])
    # WHEN the checker runs
    status, docs = _run(ce)
    # THEN the hourly estimate is the higher of 48/24 and 36/12, account-wide and for the prod tag (24/24 vs 30/12)
    assert status["status"] == "ok" and status["requests"] == 1
    assert _metric(docs, "EstimatedHourlyCost", Scope="account") == 3.0
    assert _metric(docs, "EstimatedHourlyCost", Scope="prod") == 2.5
    assert _metric(docs, "CostSoFarToday", Scope="account") == 36.0
    # AND yesterday's cost by service keeps the top 2 and sums the rest under Other
    assert _metric(docs, "DailyCost", Service="AWS Lambda") == 24.0
    assert _metric(docs, "DailyCost", Service="Amazon DynamoDB") == 12.0
    assert _metric(docs, "DailyCost", Service="Other") == 12.0
    assert _metric(docs, "DailyCost", Service="AmazonCloudWatch") is None


def test_every_metric_line_is_valid_emf(ce, queue_pages):
    # GIVEN one day of data
    queue_pages([{"ResultsByTime": [day_result(YESTERDAY, [("AWS Lambda", "prod", 2.4)])]}])
    # WHEN the checker runs
    _, docs = _run(ce)
    # THEN each EMF line declares a namespace, one dimension set present at the root, and metrics present as numbers
    emf = [d for d in docs if "_aws" in d]
    assert emf
    for doc in emf:
        directive = doc["_aws"]["CloudWatchMetrics"][0]
        assert directive["Namespace"] == "Watchtower/Cost"
        assert isinstance(doc["_aws"]["Timestamp"], int)
        assert all(isinstance(doc[dim], str) for dims in directive["Dimensions"] for dim in dims)
        assert all(isinstance(doc[m["Name"]], float) for m in directive["Metrics"])


def test_paginated_results_are_followed_and_merged(ce, queue_pages):
    # GIVEN Cost Explorer answers in three pages (moto hands out one queued result per distinct request)
    queue_pages([
        {"ResultsByTime": [day_result(YESTERDAY, [("AWS Lambda", "prod", 10.0)])], "NextPageToken": "page-2"},
        {"ResultsByTime": [day_result(YESTERDAY, [("Amazon S3", "prod", 20.0)])], "NextPageToken": "page-3"},
        {"ResultsByTime": [day_result(YESTERDAY, [("Amazon SQS", "", 18.0)])]},
    ])
    # WHEN the checker runs
    status, docs = _run(ce)
    # THEN it made three requests and the totals cover every page: (10 + 20 + 18) / 24 = 2.0
    assert status["requests"] == 3
    assert _metric(docs, "EstimatedHourlyCost", Scope="account") == 2.0
    assert _metric(docs, "EstimatedHourlyCost", Scope="prod") == 1.25


def test_empty_results_emit_no_cost_metric_and_report_no_data(ce, queue_pages):
    # GIVEN nothing queued: moto returns an empty ResultsByTime, as Cost Explorer does for a fresh account
    # WHEN the checker runs
    status, docs = _run(ce)
    # THEN no hourly-cost metric is emitted (the alarm sees missing data, not a fake $0 or a spike)
    assert status["status"] == "no-data"
    assert not [d for d in docs if "_aws" in d]


def test_days_without_groups_count_as_no_data_not_zero(ce, queue_pages):
    # GIVEN both days listed but with no groups yet (Cost Explorer lagging)
    queue_pages([{"ResultsByTime": [day_result(YESTERDAY, []), day_result(TODAY, [])]}])
    # WHEN the checker runs
    status, docs = _run(ce)
    # THEN it reports no data rather than an hourly cost of zero
    assert status["status"] == "no-data"
    assert _metric(docs, "EstimatedHourlyCost", Scope="account") is None


def test_lagging_today_never_raises_the_estimate_above_yesterday(ce, queue_pages):
    # GIVEN yesterday $240 and today's data lagging at $5 after 12 hours
    queue_pages([{"ResultsByTime": [
        day_result(YESTERDAY, [("AWS Lambda", "prod", 240.0)]), day_result(TODAY, [("AWS Lambda", "prod", 5.0)]),
    ]}])
    # WHEN the checker runs
    _, docs = _run(ce)
    # THEN the estimate is yesterday's rate, 10.0
    assert _metric(docs, "EstimatedHourlyCost", Scope="account") == 10.0


def test_handler_reads_settings_from_env_and_uses_the_event_time(ce, queue_pages, monkeypatch, capsys):
    # GIVEN the Lambda's environment and a scheduled event at 12:00 UTC
    monkeypatch.setenv("ENVIRONMENT", "prod")
    monkeypatch.setenv("METRICS_NAMESPACE", "Watchtower/Cost")
    monkeypatch.setattr("lambdas.cost_checker.handler._client", ce)
    queue_pages([{"ResultsByTime": [day_result(YESTERDAY, [("AWS Lambda", "prod", 48.0)])]}])
    # WHEN Lambda calls the handler
    status = handler({"time": "2026-03-10T12:00:00Z", "detail-type": "Scheduled Event"}, None)
    # THEN it reports the hourly estimate and printed EMF lines to stdout (where Lambda sends them to Logs)
    assert status["status"] == "ok" and status["hourly_account"] == 2.0
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert _metric(printed, "EstimatedHourlyCost", Scope="account") == 2.0


def test_handler_with_missing_settings_logs_one_line_and_does_not_raise(monkeypatch, capsys):
    # GIVEN no ENVIRONMENT variable
    monkeypatch.delenv("ENVIRONMENT", raising=False)
    monkeypatch.delenv("METRICS_NAMESPACE", raising=False)
    # WHEN Lambda calls the handler
    status = handler({}, None)
    # THEN one log line names the missing variables
    assert status["status"] == "misconfigured"
    assert "ENVIRONMENT" in status["error"] and "METRICS_NAMESPACE" in status["error"]
    assert len(capsys.readouterr().out.strip().splitlines()) == 1
