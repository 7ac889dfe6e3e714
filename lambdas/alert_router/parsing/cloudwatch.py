"""CloudWatch metric and composite alarm notifications, in each of the three shapes CloudWatch delivers them:
the SNS JSON, the EventBridge ``CloudWatch Alarm State Change`` event, and the payload an alarm sends when its
action invokes a Lambda function directly (``{source, alarmArn, accountId, time, region, alarmData}``)."""
from __future__ import annotations

import json
from dataclasses import replace
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

__all__ = [
    "is_cloudwatch_alarm",
    "parse_cloudwatch_alarm",
    "is_alarm_state_change_event",
    "parse_alarm_state_change_event",
    "is_alarm_lambda_action",
    "parse_alarm_lambda_action",
]

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
        # SNS spells it "Arn"; the triggeringAlarms in an event's reasonData spell it "arn".
        arn = (child.get("Arn") or child.get("arn")) if isinstance(child, dict) else child
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


def is_alarm_lambda_action(doc: dict[str, Any]) -> bool:
    """True for the payload CloudWatch sends when an alarm action invokes a Lambda function directly.

    Example
    -------
    >>> is_alarm_lambda_action({"source": "aws.cloudwatch", "alarmArn": "arn:...", "alarmData": {}})
    True
    """
    return doc.get("source") == "aws.cloudwatch" and isinstance(doc.get("alarmData"), dict)


def _metric_details(configuration: dict[str, Any]) -> list[tuple[str, str]]:
    # The state-change event and the Lambda payload describe a metric alarm as a list of metric queries.
    metrics = configuration.get("metrics")
    if not isinstance(metrics, list) or not metrics:
        return []
    returned = [m for m in metrics if isinstance(m, dict) and m.get("returnData", True)] or metrics
    query = returned[0] if isinstance(returned[0], dict) else {}
    stat = query.get("metricStat") if isinstance(query.get("metricStat"), dict) else None
    if stat is None:
        expression = optional_str(query, "expression")
        return [("Metric", f"metric math: {expression}" if expression else "metric math")]
    metric = stat.get("metric") if isinstance(stat.get("metric"), dict) else {}
    name, namespace = optional_str(metric, "name"), optional_str(metric, "namespace")
    details = []
    if name:
        details.append(("Metric", f"{namespace}/{name}" if namespace else name))
    dims = metric.get("dimensions")
    if isinstance(dims, dict) and dims:
        details.append(("Dimensions", ", ".join(f"{k}={v}" for k, v in dims.items())))
    statistic, period = optional_str(stat, "stat"), optional_str(stat, "period")
    if statistic:
        details.append(("Statistic", f"{statistic} over {period} s" if period else statistic))
    return details


def _parse_alarm_data(detail: dict[str, Any], *, what: str, arn: str | None, region: str | None,
                      account: str | None, time: str | None) -> Alert:
    """The part the EventBridge event (``detail``) and the Lambda payload (``alarmData``) share."""
    name = require_str(detail, "alarmName", what)
    state_doc = optional_object(detail, "state")
    state = _state(state_doc.get("value"), "state.value")
    previous = optional_object(detail, "previousState")
    region = region or region_from_arn(arn)
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
        suppressor = optional_str(configuration, "actionsSuppressor")
        if suppressor:
            details.append(("Actions suppressor", suppressor))
    else:
        details += _metric_details(configuration)
    # Suppression describes the current state; CloudWatch puts it on ``state`` (some samples also show it on the
    # alarm data itself).
    suppressed_by = optional_str(state_doc, "actionsSuppressedBy") or optional_str(detail, "actionsSuppressedBy")
    if suppressed_by:
        why = optional_str(state_doc, "actionsSuppressedReason") or optional_str(detail, "actionsSuppressedReason")
        details.append(("Actions suppressed", f"{suppressed_by}: {why}" if why else suppressed_by))
    return Alert(
        source="cloudwatch_composite_alarm" if composite else "cloudwatch_alarm",
        severity=severity_from_name(name),
        state=state,
        title=name,
        reason=optional_str(state_doc, "reason") or "(no reason given)",
        alarm_name=name,
        dedup_key=arn or f"alarm:{account or 'unknown'}:{name}",
        resource=arn or name,
        occurred_at=optional_str(state_doc, "timestamp") or time or "",
        runbook_url=runbook_from_text(optional_str(configuration, "description")),
        console_url=alarm_console_url(region, name),
        previous_state=optional_str(previous, "value") if optional_str(previous, "value") in STATES else None,
        actions_suppressed_by=suppressed_by,
        account=account or account_from_arn(arn),
        region=region,
        details=tuple(details),
    )


def _arn(value: Any) -> str | None:
    return value if isinstance(value, str) and value.startswith("arn:") else None


def parse_alarm_state_change_event(doc: dict[str, Any]) -> Alert:
    """Normalise an EventBridge alarm state-change event, including composite ``actionsSuppressedBy``.

    Example
    -------
    >>> event = {"source": "aws.cloudwatch", "account": "123456789012", "region": "us-east-1",
    ...          "resources": ["arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders-health"],
    ...          "detail": {"alarmName": "orders-health", "state": {"value": "ALARM"},
    ...                     "configuration": {"alarmRule": "ALARM(orders-errors)"}}}
    >>> parse_alarm_state_change_event(event).source
    'cloudwatch_composite_alarm'
    """
    what = "CloudWatch Alarm State Change event"
    detail = doc.get("detail")
    if not isinstance(detail, dict):
        # Some published samples carry the alarm under ``alarmData`` (the Lambda-action name) instead.
        detail = doc.get("alarmData")
    if not isinstance(detail, dict):
        raise UnparseableMessageError(f"{what}: 'detail' is missing or not an object")
    arn = _arn(doc.get("alarmArn")) or _arn(next(iter(doc.get("resources") or []), None))
    alert = _parse_alarm_data(detail, what=what, arn=arn, region=optional_str(doc, "region"),
                              account=optional_str(doc, "account") or optional_str(doc, "accountId"),
                              time=optional_str(doc, "time"))
    # EventBridge gets every state change, also those whose actions the composite's suppressor is holding.
    return replace(alert, reports_held_actions=True)


def parse_alarm_lambda_action(doc: dict[str, Any]) -> Alert:
    """Normalise the payload of an alarm whose action invokes a Lambda function directly (metric or composite).

    Example
    -------
    >>> parse_alarm_lambda_action({"source": "aws.cloudwatch", "accountId": "123456789012", "region": "us-east-1",
    ...     "alarmArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:db-throttles-critical",
    ...     "alarmData": {"alarmName": "db-throttles-critical", "state": {"value": "ALARM"}}}).dedup_key
    'arn:aws:cloudwatch:us-east-1:123456789012:alarm:db-throttles-critical'
    """
    what = "CloudWatch alarm Lambda action payload"
    return _parse_alarm_data(doc["alarmData"], what=what, arn=_arn(doc.get("alarmArn")),
                             region=optional_str(doc, "region"), account=optional_str(doc, "accountId"),
                             time=optional_str(doc, "time"))
