"""Metrics Insights query alarms (the organization's fleet alarms): billed per metric the query analyzes, which
no template states, so each alarm carries the config's estimate in its metadata.

The unit (per metric analyzed) is how CloudWatch bills these alarms; the rate per metric (prices.yaml
``cloudwatch.alarm.metrics_insights``, the standard alarm's $0.10) is not in the documentation stored with this
project, so the price stays marked unverified. A query matches at most 10,000 metrics before the alarm evaluates
PARTIAL_DATA (CloudWatch user guide, 'Limits that apply to alarms based on Metrics Insights queries'), which bounds
``estimated_metrics_per_query``."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

__all__ = ["is_query_alarm", "query_alarm_usages", "METRICS_ANALYZED_KEY"]

METRICS_ANALYZED_KEY = "watchtower:metrics-analyzed"


def is_query_alarm(props: dict[str, Any]) -> bool:
    """An alarm whose query is Metrics Insights SQL (``SELECT ...``) rather than metric math.

    Example
    -------
    >>> is_query_alarm({"Metrics": [{"Id": "q1", "Expression": "SELECT SUM(Errors) FROM \\"AWS/Lambda\\""}]})
    True
    >>> is_query_alarm({"Metrics": [{"Id": "e", "Expression": "a / b"}]})
    False
    """
    return any(str(q.get("Expression", "")).lstrip().upper().startswith("SELECT ")
               for q in props.get("Metrics") or () if isinstance(q, dict))


def query_alarm_usages(alarms: list[Any]) -> list[Any]:
    """One bill line for the query alarms among ``alarms`` (template resources with ``body``), if any."""
    from tools.cost_estimate.usage import Usage

    query = [a for a in alarms if is_query_alarm(a.props)]
    if not query:
        return []
    analyzed = sum(int((a.body.get("Metadata") or {}).get(METRICS_ANALYZED_KEY, 1)) for a in query)
    return [Usage("cloudwatch.alarm.metrics_insights", "Alarms: Metrics Insights queries", Decimal(analyzed),
                  f"{len(query)} query alarm(s), {analyzed} metric(s) analyzed (estimated in config)")]
