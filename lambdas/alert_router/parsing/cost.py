"""Cost Anomaly Detection (JSON) and AWS Budgets (plain text) notifications."""
from __future__ import annotations

import re
from typing import Any

from ..model import Alert, UnparseableMessageError
from .common import is_http_url, optional_list, optional_object, optional_str, require_str

__all__ = ["is_cost_anomaly", "parse_cost_anomaly", "looks_like_budget", "parse_budget"]

BUDGETS_CONSOLE = "https://console.aws.amazon.com/billing/home#/budgets"
ANOMALY_CONSOLE = "https://console.aws.amazon.com/cost-management/home#/anomaly-detection/overview"


def is_cost_anomaly(doc: dict[str, Any]) -> bool:
    """True for the JSON Cost Anomaly Detection publishes to SNS (IMMEDIATE subscriptions).

    Example
    -------
    >>> is_cost_anomaly({"anomalyId": "a1", "impact": {"totalImpact": 12.5}})
    True
    """
    return "anomalyId" in doc and ("impact" in doc or "monitorArn" in doc)


def _money(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return f"${value:,.2f}"


def parse_cost_anomaly(doc: dict[str, Any]) -> Alert:
    """Normalise a Cost Anomaly Detection notification; the anomaly id is its dedup key.

    Example
    -------
    >>> parse_cost_anomaly({"anomalyId": "a1", "dimensionalValue": "AWS Lambda",
    ...     "impact": {"totalImpact": 42.0}, "accountId": "123456789012"}).title
    'Cost anomaly: AWS Lambda'
    """
    what = "Cost Anomaly Detection notification"
    anomaly_id = require_str(doc, "anomalyId", what)
    impact = optional_object(doc, "impact")
    dimension = optional_str(doc, "dimensionalValue") or "unknown dimension"
    total = _money(impact.get("totalImpact"))
    details: list[tuple[str, str]] = []
    for label, key in (("Total impact", "totalImpact"), ("Max daily impact", "maxImpact"),
                       ("Actual spend", "totalActualSpend"), ("Expected spend", "totalExpectedSpend")):
        money = _money(impact.get(key))
        if money:
            details.append((label, money))
    percentage = impact.get("totalImpactPercentage")
    if isinstance(percentage, (int, float)) and not isinstance(percentage, bool):
        details.append(("Impact", f"{percentage:,.1f}%"))
    causes = []
    for cause in optional_list(doc, "rootCauses"):
        if isinstance(cause, dict):
            parts = [optional_str(cause, k) for k in ("service", "region", "usageType", "linkedAccount")]
            causes.append(" / ".join(p for p in parts if p))
    if any(causes):
        details.append(("Root causes", "; ".join(c for c in causes if c)))
    link = optional_str(doc, "anomalyDetailsLink")
    subscription = optional_str(doc, "subscriptionName")
    reason = f"Spend on {dimension} is anomalous" + (f": {total} above expected" if total else "")
    return Alert(
        source="cost_anomaly",
        severity="warning",
        state="ALARM",
        title=f"Cost anomaly: {dimension}",
        reason=reason,
        alarm_name=f"cost-anomaly:{subscription or dimension}",
        dedup_key=f"cost-anomaly:{anomaly_id}",
        resource=optional_str(doc, "monitorArn") or dimension,
        occurred_at=optional_str(doc, "anomalyEndDate") or optional_str(doc, "anomalyStartDate") or "",
        started_at=optional_str(doc, "anomalyStartDate"),
        console_url=link if is_http_url(link) else ANOMALY_CONSOLE,
        account=optional_str(doc, "accountId"),
        details=tuple(details),
    )


_BUDGET_FIELD = re.compile(r"^\s*([A-Za-z][A-Za-z ]{2,40}?)\s*:\s*(.+?)\s*$", re.MULTILINE)
_ACCOUNT = re.compile(r"AWS Account\s+(\d{12})")
_HEADLINE = re.compile(r"AWS Budget Notification\s+(.+)")


def looks_like_budget(text: str) -> bool:
    """True for the plain-text message AWS Budgets publishes to SNS.

    Example
    -------
    >>> looks_like_budget("AWS Budget Notification May 1, 2026\\nBudget Name: monthly\\nAlert Type: ACTUAL")
    True
    """
    return "Budget Name:" in text and ("AWS Budget Notification" in text or "Alert Type:" in text)


def parse_budget(text: str) -> Alert:
    """Normalise an AWS Budgets notification (plain text: a greeting, then ``Key: value`` lines).

    Example
    -------
    >>> parse_budget("AWS Budget Notification May 1, 2026\\nAWS Account 123456789012\\n\\n"
    ...     "Budget Name: monthly\\nAlert Type: ACTUAL\\nAlert Threshold: > $80.00\\nACTUAL Amount: $85.00").title
    'Budget monthly: ACTUAL > $80.00'
    """
    fields = {key.strip(): value for key, value in _BUDGET_FIELD.findall(text)}
    name = fields.get("Budget Name")
    if not name:
        raise UnparseableMessageError("AWS Budgets notification: no 'Budget Name:' line")
    alert_type = fields.get("Alert Type", "ACTUAL")
    threshold = fields.get("Alert Threshold", "")
    amount = fields.get(f"{alert_type} Amount") or fields.get("ACTUAL Amount") or fields.get("FORECASTED Amount")
    account_match = _ACCOUNT.search(text)
    headline = _HEADLINE.search(text)
    details = [(key, fields[key]) for key in ("Budget Type", "Budgeted Amount", "Alert Type", "Alert Threshold")
               if key in fields]
    if amount:
        details.append((f"{alert_type} amount", amount))
    reason = f"{alert_type} amount {amount or 'unknown'} crossed the alert threshold {threshold or '(unknown)'}"
    account = account_match.group(1) if account_match else None
    return Alert(
        source="budget",
        severity="warning",
        state="ALARM",
        title=f"Budget {name}: {alert_type} {threshold}".rstrip(),
        reason=reason,
        alarm_name=f"budget:{name}",
        dedup_key=f"budget:{account or 'unknown'}:{name}:{alert_type}:{threshold}",
        resource=name,
        occurred_at=headline.group(1).strip() if headline else "",
        console_url=BUDGETS_CONSOLE,
        account=account,
        details=tuple(details),
    )
