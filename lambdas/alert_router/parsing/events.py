"""EventBridge events relayed to the severity topics: X-Ray Insights and CloudWatch Synthetics."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

from ..model import Alert, UnparseableMessageError
from .common import optional_object, optional_str, require_str

__all__ = ["is_xray_insight", "parse_xray_insight", "is_synthetics", "parse_synthetics"]

# Synthetics sends three detail types; a status change to ERROR is a failure, other statuses are lifecycle.
_SYNTHETICS_STATE = {
    "Synthetics Canary TestRun Failure": "ALARM",
    "Synthetics Canary TestRun Successful": "OK",
    "Synthetics Canary Status Change": None,
}


def _detail(doc: dict[str, Any], what: str) -> dict[str, Any]:
    detail = doc.get("detail")
    if not isinstance(detail, dict):
        raise UnparseableMessageError(f"{what}: 'detail' is missing or not an object")
    return detail


def _epoch_or_text(value: Any) -> str | None:
    # X-Ray and Synthetics events carry times as epoch seconds/milliseconds or ISO text.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value > 10**11 else value
        try:
            return datetime.fromtimestamp(seconds, tz=timezone.utc).isoformat().replace("+00:00", "Z")
        except (OverflowError, OSError, ValueError):
            return None
    return value if isinstance(value, str) and value else None


def is_xray_insight(doc: dict[str, Any]) -> bool:
    """True for an X-Ray Insight event relayed by EventBridge.

    Example
    -------
    >>> is_xray_insight({"source": "aws.xray", "detail-type": "AWS X-Ray Insight Update"})
    True
    """
    return doc.get("source") == "aws.xray" and "Insight" in str(doc.get("detail-type", ""))


def parse_xray_insight(doc: dict[str, Any]) -> Alert:
    """Normalise an X-Ray Insight: ACTIVE is ALARM, CLOSED is OK; the insight id is the dedup key.

    Example
    -------
    >>> parse_xray_insight({"source": "aws.xray", "detail-type": "AWS X-Ray Insight Update", "region": "us-east-1",
    ...     "detail": {"InsightId": "i-1", "GroupName": "orders", "State": "ACTIVE", "Summary": "Faults up"}}).state
    'ALARM'
    """
    what = "X-Ray Insight event"
    detail = _detail(doc, what)
    insight_id = require_str(detail, "InsightId", what)
    raw_state = str(detail.get("State", "")).upper()
    if raw_state not in ("ACTIVE", "CLOSED"):
        raise UnparseableMessageError(f"{what}: detail.State is {detail.get('State')!r}; allowed: ACTIVE, CLOSED")
    group = optional_str(detail, "GroupName") or "Default"
    region = optional_str(doc, "region")
    details = [("Group", group)]
    root = detail.get("RootCauseServiceId")
    if isinstance(root, dict) and optional_str(root, "Name"):
        details.append(("Root cause service", f"{root.get('Name')} ({root.get('Type', 'service')})"))
    impact = detail.get("ClientRequestImpactStatistics")
    if isinstance(impact, dict) and impact.get("TotalCount"):
        details.append(("Client faults", f"{impact.get('FaultCount', 0)} of {impact.get('TotalCount')} requests"))
    console = (
        f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#xray:insights/{quote(insight_id)}"
        if region else None
    )
    return Alert(
        source="xray_insight",
        severity="warning",
        state="ALARM" if raw_state == "ACTIVE" else "OK",
        title=f"X-Ray insight in {group}",
        reason=optional_str(detail, "Summary") or optional_str(detail, "Description") or "X-Ray detected an anomaly",
        alarm_name=f"xray-insight:{group}",
        dedup_key=f"xray-insight:{insight_id}",
        resource=optional_str(detail, "GroupARN") or group,
        occurred_at=optional_str(doc, "time") or "",
        started_at=_epoch_or_text(detail.get("StartTime")),
        console_url=console,
        account=optional_str(doc, "account"),
        region=region,
        details=tuple(details),
    )


def is_synthetics(doc: dict[str, Any]) -> bool:
    """True for a CloudWatch Synthetics canary event relayed by EventBridge.

    Example
    -------
    >>> is_synthetics({"source": "aws.synthetics", "detail-type": "Synthetics Canary TestRun Failure"})
    True
    """
    return doc.get("source") == "aws.synthetics" and doc.get("detail-type") in _SYNTHETICS_STATE


def parse_synthetics(doc: dict[str, Any]) -> Alert:
    """Normalise a canary event: a failed run (or status ERROR) is ALARM, a successful run OK.

    Example
    -------
    >>> parse_synthetics({"source": "aws.synthetics", "detail-type": "Synthetics Canary TestRun Failure",
    ...     "region": "us-east-1", "account": "123456789012",
    ...     "detail": {"canary-name": "health", "message": "Run failed"}}).state
    'ALARM'
    """
    what = "Synthetics canary event"
    detail = _detail(doc, what)
    name = require_str(detail, "canary-name", what)
    detail_type = doc["detail-type"]
    state = _SYNTHETICS_STATE[detail_type]
    if state is None:
        current = str(detail.get("current-state", "")).upper()
        state = "ALARM" if current == "ERROR" else "OK"
    region, account = optional_str(doc, "region"), optional_str(doc, "account") or optional_str(detail, "account-id")
    timeline = optional_object(detail, "canary-run-timeline")
    reason = (
        optional_str(detail, "state-reason")
        or optional_str(detail, "message")
        or optional_str(detail, "test-run-status")
        or detail_type
    )
    details = [("Canary", name)]
    for label, key in (("Run status", "test-run-status"), ("Canary state", "current-state"),
                       ("Run id", "canary-run-id")):
        value = optional_str(detail, key)
        if value:
            details.append((label, value))
    console = (
        f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#synthetics:canary/detail/{quote(name)}"
        if region else None
    )
    return Alert(
        source="synthetics",
        severity="warning",
        state=state,
        title=f"Canary {name}: {detail_type.removeprefix('Synthetics Canary ')}",
        reason=reason,
        alarm_name=f"canary:{name}",
        dedup_key=f"canary:{account or 'unknown'}:{region or 'unknown'}:{name}",
        resource=name,
        occurred_at=_epoch_or_text(timeline.get("completed")) or optional_str(doc, "time") or "",
        started_at=_epoch_or_text(timeline.get("started")),
        console_url=console,
        account=account,
        region=region,
        details=tuple(details),
    )
