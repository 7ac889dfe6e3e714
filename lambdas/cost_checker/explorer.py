"""Cost Explorer reads: one paginated GetCostAndUsage query per run, grouped by SERVICE and by a tag.

Cost Explorer charges $0.01 per request, so both groupings come from one query (GroupBy takes two keys) and the
two days (yesterday and today so far) from one DAILY time range.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

__all__ = ["CostRow", "CostDataUnavailableError", "query_daily_costs", "MAX_PAGES", "COST_METRIC"]

COST_METRIC = "UnblendedCost"
# A runaway NextPageToken loop would cost $0.01 a page; two days x (services x tag values) never needs this many.
MAX_PAGES = 20
# Errors that mean "no usable data right now": retrying next hour is right, alarming is not.
_TRANSIENT = {
    "ThrottlingException",
    "LimitExceededException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "DataUnavailableException",
    "BillExpirationException",
    "ServiceUnavailableException",
}


class CostDataUnavailableError(RuntimeError):
    """Cost Explorer could not give data this run (throttled after retries, lagging, or unavailable)."""


@dataclass(frozen=True)
class CostRow:
    """Cost of one service under one tag value on one UTC day. ``tag_value`` is '' for untagged cost.

    Example
    -------
    >>> CostRow(day=date(2026, 1, 2), service="AWS Lambda", tag_value="prod", amount=1.5).amount
    1.5
    """

    day: date
    service: str
    tag_value: str
    amount: float


@dataclass
class QueryResult:
    """Rows and bookkeeping of one query: how many pages (requests) it took."""

    rows: list[CostRow] = field(default_factory=list)
    pages: int = 0


def query_daily_costs(client: Any, today: date, tag_key: str) -> QueryResult:
    """Yesterday's and today's cost so far, per (day, service, tag value), following every page.

    Raises CostDataUnavailableError when Cost Explorer throttles (after botocore's retries) or has no data yet.

    Example
    -------
    >>> import boto3
    >>> from botocore.stub import Stubber
    >>> ce = boto3.client("ce", region_name="us-east-1")
    >>> group = {"Keys": ["AWS Lambda", "Environment$prod"], "Metrics": {COST_METRIC: {"Amount": "1.5", "Unit": "USD"}}}
    >>> with Stubber(ce) as stub:
    ...     stub.add_response("get_cost_and_usage", {"ResultsByTime": [
    ...         {"TimePeriod": {"Start": "2026-01-01", "End": "2026-01-02"}, "Groups": [group]},
    ...         {"TimePeriod": {"Start": "2026-01-02", "End": "2026-01-03"}, "Groups": [group]}]})
    ...     result = query_daily_costs(ce, date(2026, 1, 2), "Environment")
    >>> sorted({(str(r.day), r.tag_value, r.amount) for r in result.rows})
    [('2026-01-01', 'prod', 1.5), ('2026-01-02', 'prod', 1.5)]
    """
    request: dict[str, Any] = {
        # Start inclusive, end exclusive: [yesterday, tomorrow) is two whole UTC days.
        "TimePeriod": {"Start": (today - timedelta(days=1)).isoformat(),
                       "End": (today + timedelta(days=1)).isoformat()},
        "Granularity": "DAILY",
        "Metrics": [COST_METRIC],
        "GroupBy": [{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "TAG", "Key": tag_key}],
    }
    result = QueryResult()
    token: str | None = None
    while True:
        if result.pages >= MAX_PAGES:
            raise CostDataUnavailableError(f"Cost Explorer returned more than {MAX_PAGES} pages; stopped paging")
        page = _call(client, {**request, "NextPageToken": token} if token else request)
        result.pages += 1
        result.rows.extend(_rows(page, tag_key))
        token = page.get("NextPageToken")
        if not token:
            return result


def _call(client: Any, request: dict[str, Any]) -> dict[str, Any]:
    try:
        return client.get_cost_and_usage(**request)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in _TRANSIENT:
            raise CostDataUnavailableError(f"Cost Explorer: {code}") from None
        raise
    except BotoCoreError as exc:  # connection errors after retries: no data this hour, not an alarm
        raise CostDataUnavailableError(f"Cost Explorer unreachable: {exc}") from None


def _rows(page: dict[str, Any], tag_key: str) -> list[CostRow]:
    rows = []
    prefix = f"{tag_key}$"
    for period in page.get("ResultsByTime", []) or []:
        day = date.fromisoformat(period["TimePeriod"]["Start"])
        for group in period.get("Groups", []) or []:
            keys = group.get("Keys", [])
            service = keys[0] if keys else ""
            tag = keys[1] if len(keys) > 1 else ""
            # Tag group keys read 'Environment$prod'; untagged cost reads 'Environment$'.
            tag_value = tag[len(prefix):] if tag.startswith(prefix) else tag
            amount = float(group.get("Metrics", {}).get(COST_METRIC, {}).get("Amount", 0) or 0)
            rows.append(CostRow(day=day, service=service, tag_value=tag_value, amount=amount))
    return rows
