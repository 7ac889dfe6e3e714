"""CloudWatch embedded metric format (EMF): one JSON document per log line, which CloudWatch Logs turns into
metrics without a PutMetricData call. Written by hand because the checker needs nothing else from a library."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

__all__ = ["emf_document", "snapshot_documents", "HOURLY_METRIC", "DAILY_METRIC", "TODAY_METRIC"]

HOURLY_METRIC = "EstimatedHourlyCost"
DAILY_METRIC = "DailyCost"
TODAY_METRIC = "CostSoFarToday"


def emf_document(namespace: str, dimensions: dict[str, str], metrics: dict[str, float], at: datetime) -> dict[str, Any]:
    """One EMF document: ``metrics`` (unit None) under ``namespace`` with one dimension set.

    Example
    -------
    >>> from datetime import timezone
    >>> doc = emf_document("Watchtower/Cost", {"Scope": "account"}, {"EstimatedHourlyCost": 1.5},
    ...                    datetime(2026, 1, 1, tzinfo=timezone.utc))
    >>> doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"]
    [['Scope']]
    """
    return {
        "_aws": {
            "Timestamp": int(at.timestamp() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": namespace,
                    "Dimensions": [list(dimensions)],
                    "Metrics": [{"Name": name, "Unit": "None"} for name in metrics],
                }
            ],
        },
        **dimensions,
        **{name: round(value, 6) for name, value in metrics.items()},
    }


def snapshot_documents(
    namespace: str, environment: str, hourly: dict[str, float | None], today_total: float | None,
    daily_by_service: dict[str, float], at: datetime,
) -> list[dict[str, Any]]:
    """The documents of one run: hourly cost per scope (only where known), today so far, daily cost by service.

    ``hourly`` maps a scope ('account', 'environment') to its estimate; an unknown estimate emits nothing, so the
    alarm sees missing data (not breaching) instead of a made-up zero or a spike.

    Example
    -------
    >>> from datetime import timezone
    >>> now = datetime(2026, 1, 2, 12, tzinfo=timezone.utc)
    >>> docs = snapshot_documents("NS", "prod", {"account": 2.0, "environment": None}, None, {}, now)
    >>> [doc["Scope"] for doc in docs]
    ['account']
    """
    documents = []
    for scope, value in hourly.items():
        if value is not None:
            label = "account" if scope == "account" else environment
            documents.append(emf_document(namespace, {"Scope": label}, {HOURLY_METRIC: value}, at))
    if today_total is not None:
        documents.append(emf_document(namespace, {"Scope": "account"}, {TODAY_METRIC: today_total}, at))
    for service, amount in daily_by_service.items():
        documents.append(emf_document(namespace, {"Service": service}, {DAILY_METRIC: amount}, at))
    return documents


def dumps(document: dict[str, Any]) -> str:
    """One compact log line."""
    return json.dumps(document, separators=(",", ":"), sort_keys=False)
