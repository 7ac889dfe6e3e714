"""Cost Explorer through moto: results are queued with moto's own API (``/moto-api/static/ce/cost-and-usage-results``),
and moto hands them out in order, one per distinct request (so each page of a paginated query takes the next)."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Callable

import boto3
import pytest
import requests
from moto import mock_aws

QUEUE_URL = "http://motoapi.amazonaws.com/moto-api/static/ce/cost-and-usage-results"


def day_result(day: date, groups: list[tuple[str, str, float]], tag_key: str = "Environment") -> dict[str, Any]:
    """One DAILY ResultsByTime entry grouped by SERVICE and tag, as Cost Explorer returns it."""
    return {
        "TimePeriod": {"Start": day.isoformat(), "End": (day + timedelta(days=1)).isoformat()},
        "Total": {},
        "Groups": [
            {"Keys": [service, f"{tag_key}${tag}"], "Metrics": {"UnblendedCost": {"Amount": str(amount), "Unit": "USD"}}}
            for service, tag, amount in groups
        ],
        "Estimated": True,
    }


@pytest.fixture
def ce() -> Any:
    """A moto Cost Explorer client in us-east-1 (where the real API lives)."""
    with mock_aws():
        yield boto3.client("ce", region_name="us-east-1")


@pytest.fixture
def queue_pages(ce) -> Callable[[list[dict[str, Any]]], None]:
    """Queue GetCostAndUsage responses (one per page) through moto's API."""

    def queue(pages: list[dict[str, Any]]) -> None:
        response = requests.post(QUEUE_URL, json={"results": pages}, timeout=5)
        assert response.status_code == 201

    return queue
