"""CloudWatch metric and composite alarm notifications (the SNS JSON, and the EventBridge state-change event)."""
from __future__ import annotations

import json
from typing import Any

from ..model import STATES, Alert, UnparseableMessageError, severity_from_name
from .common import (
    account_from_arn,
    alarm_console_url,
    optional_object,
    optional_str,
    region_from_arn,
    require_str,
    runbook_from_text,
)

__all__ = ["is_cloudwatch_alarm", "parse_cloudwatch_alarm", "is_alarm_state_change_event",
           "parse_alarm_state_change_event"]

_WHAT = "CloudWatch alarm notification"


def is_cloudwatch_alarm(doc: dict[str, Any]) -> bool:
    """True for the JSON CloudWatch publishes to SNS when an alarm changes state.

    Example
    -------
    >>> is_cloudwatch_alarm({"AlarmName": "x", "NewStateValue": "ALARM"})
    True
    """
    return "AlarmName" in doc and ("NewStateValue" in doc or "AlarmArn" in doc)


def _state(value: Any, field: str) -> str:
    if value not in STATES:
        raise UnparseableMessageError(f"{_WHAT}: {field} is {value!r}; allowed: {', '.join(STATES)}")
    return value


def _trigger_details(trigger: Any) -> list[tuple[str, str]]:
    if not isinstance(trigger, dict):
        return []
    details: list[tuple[str, str]] = []
    metric = optional_str(trigger, "MetricName")
    namespace = optional_str(trigger, "Namespace")
    if metric:
        details.append(("Metric", f"{namespace}/{metric}" if namespace else metric))
    elif isinstance(trigger.get("Metrics"), list):
        details.append(("Metric", "metric math"))
    dims = trigger.get("Dimensions")
    if isinstance(dims, list):
        pairs = [f"{d.get('name')}={d.get('value')}" for d in dims if isinstance(d, dict) and d.get("name")]
        if pairs:
            details.append(("Dimensions", ", ".join(pairs)))
    operator, threshold = optional_str(trigger, "ComparisonOperator"), optional_str(trigger, "Threshold")
    if operator and threshold:
        details.append(("Threshold", f"{operator} {threshold}"))
    return details


def _children(children: Any) -> list[str]:
    names = []
    for child in children if isinstance(children, list) else []:
        arn = child.get("Arn") if isinstance(child, dict) else child
        if isinstance(arn, str) and arn:
            names.append(arn.split(":alarm:", 1)[-1])
    return names


def parse_cloudwatch_alarm(doc: dict[str, Any]) -> Alert:
    """Normalise a CloudWatch SNS alarm notification (metric or composite) into an Alert.

    Example
    -------
    >>> parse_cloudwatch_alarm({"AlarmName": "api-errors-critical", "NewStateValue": "ALARM",
    ...     "NewStateReason": "Threshold Crossed", "StateChangeTime": "2026-11-22T05:00:00.000+0000",
    ...     "AlarmArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:api-errors-critical"}).severity
    'critical'
    """
    name = require_str(doc, "AlarmName", _WHAT)
    state = _state(doc.get("NewStateValue"), "NewStateValue")
    arn = optional_str(doc, "AlarmArn")
    region = region_from_arn(arn)
    composite = "AlarmRule" in doc or "TriggeringChildren" in doc
    details = _trigger_details(doc.get("Trigger"))
    if composite:
        children = _children(doc.get("TriggeringChildren"))
        if children:
            details.append(("Triggered by", ", ".join(children)))
        rule = optional_str(doc, "AlarmRule")
        if rule:
            details.append(("Rule", rule))
    suppressed_by = optional_str(doc, "ActionsSuppressedBy")
    if suppressed_by:
        reason = optional_str(doc, "ActionsSuppressedReason") or "actions suppressed"
        details.append(("Actions suppressed", f"{suppressed_by}: {reason}"))
    old_state = doc.get("OldStateValue")
    return Alert(
        source="cloudwatch_composite_alarm" if composite else "cloudwatch_alarm",
        severity=severity_from_name(name),
        state=state,
        title=name,
        reason=optional_str(doc, "NewStateReason") or "(no reason given)",
        alarm_name=name,
        dedup_key=arn or f"alarm:{optional_str(doc, 'AWSAccountId') or 'unknown'}:{name}",
        resource=arn or name,
        occurred_at=optional_str(doc, "StateChangeTime") or "",
        runbook_url=runbook_from_text(optional_str(doc, "AlarmDescription")),
        console_url=alarm_console_url(region, name),
        previous_state=old_state if old_state in STATES else None,
        actions_suppressed_by=suppressed_by,
        account=optional_str(doc, "AWSAccountId") or account_from_arn(arn),
        region=region,
        details=tuple(details),
    )


def is_alarm_state_change_event(doc: dict[str, Any]) -> bool:
    """True for EventBridge's ``CloudWatch Alarm State Change`` event (an alternative way alarms arrive).

    Example
    -------
    >>> is_alarm_state_change_event({"source": "aws.cloudwatch", "detail-type": "CloudWatch Alarm State Change"})
    True
    """
    return doc.get("source") == "aws.cloudwatch" and doc.get("detail-type") == "CloudWatch Alarm State Change"


def parse_alarm_state_change_event(doc: dict[str, Any]) -> Alert:
    """Normalise an EventBridge alarm state-change event, including composite ``actionsSuppressedBy``.

    Example
    -------
    >>> event = {"source": "aws.cloudwatch", "detail-type": "CloudWatch Alarm State Change",
    ...          "detail": {"alarmName": "orders-critical", "state": {"value": "ALARM"},
    ...                     "configuration": {"alarmRule": "ALARM(a) OR ALARM(b)"}}}
    >>> parse_alarm_state_change_event(event).source
    'cloudwatch_composite_alarm'
    """
    what = "CloudWatch Alarm State Change event"
    detail = doc.get("detail")
    if not isinstance(detail, dict):
        raise UnparseableMessageError(f"{what}: 'detail' is missing or not an object")
    name = require_str(detail, "alarmName", what)
    state_doc = optional_object(detail, "state")
    state = _state(state_doc.get("value"), "detail.state.value")
    previous = optional_object(detail, "previousState")
    arn = optional_str(doc, "alarmArn") or next(iter(doc.get("resources") or []), None)
    arn = arn if isinstance(arn, str) else None
    region = optional_str(doc, "region") or region_from_arn(arn)
    configuration = optional_object(detail, "configuration")
    composite = "alarmRule" in configuration
    details: list[tuple[str, str]] = []
    if composite:
        details.append(("Rule", str(configuration["alarmRule"])))
        try:
            triggering = json.loads(state_doc.get("reasonData") or "{}").get("triggeringAlarms", [])
        except (ValueError, AttributeError):
            triggering = []
        children = _children(triggering)
        if children:
            details.append(("Triggered by", ", ".join(children)))
    suppressed_by = optional_str(state_doc, "actionsSuppressedBy")
    if suppressed_by:
        details.append(
            ("Actions suppressed",
             f"{suppressed_by}: {optional_str(state_doc, 'actionsSuppressedReason') or ''}".rstrip(": "))
        )
    return Alert(
        source="cloudwatch_composite_alarm" if composite else "cloudwatch_alarm",
        severity=severity_from_name(name),
        state=state,
        title=name,
        reason=optional_str(state_doc, "reason") or "(no reason given)",
        alarm_name=name,
        dedup_key=arn or f"alarm:{optional_str(doc, 'account') or 'unknown'}:{name}",
        resource=arn or name,
        occurred_at=optional_str(state_doc, "timestamp") or optional_str(doc, "time") or "",
        runbook_url=runbook_from_text(optional_str(configuration, "description")),
        console_url=alarm_console_url(region, name),
        previous_state=previous.get("value") if previous.get("value") in STATES else None,
        actions_suppressed_by=suppressed_by,
        account=optional_str(doc, "account") or optional_str(doc, "accountId"),
        region=region,
        details=tuple(details),
    )
