"""Throttling and service errors. moto cannot throttle, so these use botocore's own Stubber on a real client."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from lambdas.cost_checker.explorer import MAX_PAGES, CostDataUnavailableError, query_daily_costs
from lambdas.cost_checker.handler import run
from lambdas.cost_checker.settings import CostCheckerSettings

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)
SETTINGS = CostCheckerSettings(environment="prod", namespace="Watchtower/Cost")
REQUEST = {
    "TimePeriod": {"Start": "2026-03-09", "End": "2026-03-11"},
    "Granularity": "DAILY",
    "Metrics": ["UnblendedCost"],
    "GroupBy": [{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "TAG", "Key": "Environment"}],
}


@pytest.fixture
def stubbed():
    client = boto3.client("ce", region_name="us-east-1")
    with Stubber(client) as stubber:
        yield client, stubber


@pytest.mark.parametrize("code", ["ThrottlingException", "LimitExceededException", "DataUnavailableException"])
def test_throttling_or_lag_is_reported_without_metrics_or_exception(stubbed, code):
    # GIVEN Cost Explorer rejects the (correctly shaped) request with a transient error
    client, stubber = stubbed
    stubber.add_client_error("get_cost_and_usage", service_error_code=code, expected_params=REQUEST)
    lines: list[str] = []
    # WHEN the checker runs
    status = run(client, SETTINGS, NOW, lines.append)
    # THEN it logs one warning naming the error and emits no metric (no false alarm, no Lambda retry)
    assert status == {"status": "unavailable", "reason": f"Cost Explorer: {code}"}
    assert len(lines) == 1 and "_aws" not in json.loads(lines[0])


def test_a_permission_error_is_not_swallowed(stubbed):
    # GIVEN the role lacks ce:GetCostAndUsage (a deployment bug, which must surface as a Lambda error)
    client, stubber = stubbed
    stubber.add_client_error("get_cost_and_usage", service_error_code="AccessDeniedException")
    # WHEN / THEN the checker raises
    with pytest.raises(ClientError):
        run(client, SETTINGS, NOW, lambda _: None)


def test_endless_pagination_stops_at_the_page_cap(stubbed):
    # GIVEN a Cost Explorer that always returns another page token
    client, stubber = stubbed
    for _ in range(MAX_PAGES):
        stubber.add_response("get_cost_and_usage", {"ResultsByTime": [], "NextPageToken": "again"})
    # WHEN the query runs / THEN it stops after MAX_PAGES requests instead of paying for pages forever
    with pytest.raises(CostDataUnavailableError, match=f"more than {MAX_PAGES} pages"):
        query_daily_costs(client, NOW.date(), "Environment")
