"""The fire drill: set alarms to ALARM with SetAlarmState and confirm the router delivered each one.

The router writes one JSON log line per outcome per channel (``"record_type": "delivery"``, keyed by
``alarm_name``) to ``/aws/lambda/<app>-<env>-alert-router``. The drill polls that log group from the moment it
started until every drilled alarm has a ``delivered`` record, or the timeout passes.
"""
from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

__all__ = ["DrillError", "DrillResult", "select_alarms", "run_drill", "router_log_group", "delivery_records"]


class DrillError(ValueError):
    """Bad drill input (unknown alarm, nothing to drill); the message is one line."""


def router_log_group(app: str, env: str) -> str:
    """The router's log group.

    Example
    -------
    >>> router_log_group("watchtower", "prod")
    '/aws/lambda/watchtower-prod-alert-router'
    """
    return f"/aws/lambda/{app}-{env}-alert-router"


@dataclass
class DrillResult:
    """What happened to one drilled alarm."""

    alarm: str
    set_at_ms: int | None = None
    outcomes: dict[str, str] = field(default_factory=dict)  # channel -> best outcome seen
    delivered_after_s: float | None = None
    skipped: str | None = None
    error: str | None = None

    @property
    def delivered(self) -> bool:
        """True when a channel delivered the ALARM notification and none dead-lettered it."""
        outcomes = self.outcomes.values()
        return "delivered" in outcomes and "dead_lettered" not in outcomes

    @property
    def verdict(self) -> str:
        """delivered | NOT DELIVERED (why) | skipped (...) | error (...)."""
        if self.skipped:
            return f"skipped ({self.skipped})"
        if self.error:
            return f"error ({self.error})"
        if self.delivered:
            return "delivered"
        failed = [f"{c} {o}" for c, o in sorted(self.outcomes.items()) if o != "delivered"]
        return "NOT DELIVERED (" + (", ".join(failed) if failed else "no delivery record from the router") + ")"


def _alarm_pages(cloudwatch: Any, prefix: str) -> tuple[list[dict], list[dict]]:
    metric, composite = [], []
    for page in cloudwatch.get_paginator("describe_alarms").paginate(
            AlarmNamePrefix=prefix, AlarmTypes=["MetricAlarm", "CompositeAlarm"]):
        metric += page.get("MetricAlarms", [])
        composite += page.get("CompositeAlarms", [])
    return metric, composite


def select_alarms(cloudwatch: Any, prefix: str, chosen: Iterable[str] = ()) -> list[DrillResult]:
    """The alarms to drill under ``prefix`` (or just ``chosen``), with the ones that cannot reach the router
    marked skipped: no ALARM action, actions disabled, or an ActionsSuppressor (drilling the maintenance switch
    would silence every page).

    Raises
    ------
    DrillError
        A chosen alarm does not exist, or there is nothing under the prefix.

    Example
    -------
    >>> import boto3
    >>> from moto import mock_aws
    >>> with mock_aws():
    ...     cw = boto3.client("cloudwatch", region_name="eu-west-1")
    ...     for name, actions in (("watchtower-prod-orders-Critical", ["arn:aws:sns:eu-west-1:1:alerts"]),
    ...                           ("watchtower-prod-orders-Errors", [])):
    ...         _ = cw.put_metric_alarm(AlarmName=name, AlarmActions=actions, Namespace="AWS/Lambda",
    ...                                 MetricName="Errors", Statistic="Sum", Period=60, EvaluationPeriods=1,
    ...                                 Threshold=1, ComparisonOperator="GreaterThanThreshold")
    ...     for result in select_alarms(cw, "watchtower-prod-"):
    ...         print(result.alarm, "|", result.skipped or "drilled")
    watchtower-prod-orders-Critical | drilled
    watchtower-prod-orders-Errors | no ALARM action (reaches the router through a composite)
    """
    metric, composite = _alarm_pages(cloudwatch, prefix)
    alarms = {a["AlarmName"]: a for a in metric + composite}
    suppressors = {c.get("ActionsSuppressor", "").split(":alarm:")[-1] for c in composite if c.get("ActionsSuppressor")}
    wanted = list(chosen)
    for name in wanted:
        if name not in alarms:
            raise DrillError(f"alarm {name!r} not found under prefix {prefix!r} (list them: aws cloudwatch "
                             f"describe-alarms --alarm-name-prefix {prefix})")
    if not alarms:
        raise DrillError(f"no alarms named {prefix}* in this account and region (deploy first, or check AWS_REGION)")
    results = []
    for name in wanted or sorted(alarms):
        alarm = alarms[name]
        result = DrillResult(name)
        if name in suppressors:
            result.skipped = "ActionsSuppressor: setting it to ALARM would hold every page"
        elif not alarm.get("ActionsEnabled", True):
            result.skipped = "actions disabled"
        elif not alarm.get("AlarmActions"):
            result.skipped = "no ALARM action (reaches the router through a composite)"
        results.append(result)
    return results


def delivery_records(message: str) -> dict[str, Any] | None:
    """The delivery record in one log line (Powertools puts ``extra`` keys at the top level), or None.

    Example
    -------
    >>> line = '{"level":"INFO","record_type":"delivery","alarm_name":"a","outcome":"delivered"}'
    >>> delivery_records(line)["alarm_name"]
    'a'
    """
    try:
        line = json.loads(message)
    except (ValueError, TypeError):
        return None
    if isinstance(line, dict) and isinstance(line.get("message"), dict):
        line = {**line, **line["message"]}
    return line if isinstance(line, dict) and line.get("record_type") == "delivery" else None


_RANK = {"delivered": 3, "deduplicated": 2, "suppressed": 1, "dead_lettered": 0}


def _read_deliveries(logs: Any, log_group: str, start_ms: int, targets: dict[str, DrillResult]) -> None:
    kwargs = {"logGroupName": log_group, "startTime": start_ms}
    while True:
        page = logs.filter_log_events(**kwargs)
        for event in page.get("events", []):
            record = delivery_records(event.get("message", ""))
            if not record or record.get("state") != "ALARM" or record.get("alarm_name") not in targets:
                continue
            result = targets[record["alarm_name"]]
            channel, outcome = str(record.get("channel")), str(record.get("outcome"))
            if _RANK.get(outcome, -1) >= _RANK.get(result.outcomes.get(channel, ""), -1):
                result.outcomes[channel] = outcome
            if outcome == "delivered" and result.delivered_after_s is None and result.set_at_ms is not None:
                result.delivered_after_s = max(0.0, (event.get("timestamp", start_ms) - result.set_at_ms) / 1000)
        if not page.get("nextToken"):
            return
        kwargs["nextToken"] = page["nextToken"]


def run_drill(cloudwatch: Any, logs: Any, log_group: str, results: list[DrillResult], timeout_s: float = 180,
              poll_s: float = 5, reset: bool = True, clock: Callable[[], float] = time.time,
              sleep: Callable[[float], None] = time.sleep) -> list[DrillResult]:
    """Set each non-skipped alarm to ALARM, wait for the router's delivery records, then set them back to OK.

    Example
    -------
    >>> import boto3
    >>> from moto import mock_aws
    >>> record = {"record_type": "delivery", "alarm_name": "watchtower-prod-orders-Critical", "state": "ALARM",
    ...           "channel": "slack", "outcome": "delivered"}  # the line the router logs for a delivery
    >>> with mock_aws():
    ...     cw, logs = (boto3.client(name, region_name="eu-west-1") for name in ("cloudwatch", "logs"))
    ...     _ = cw.put_metric_alarm(AlarmName="watchtower-prod-orders-Critical", AlarmActions=["arn:aws:sns:::a"],
    ...                             Namespace="AWS/Lambda", MetricName="Errors", Statistic="Sum", Period=60,
    ...                             EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold")
    ...     group = router_log_group("watchtower", "prod")
    ...     _ = logs.create_log_group(logGroupName=group)
    ...     _ = logs.create_log_stream(logGroupName=group, logStreamName="router")
    ...     _ = logs.put_log_events(logGroupName=group, logStreamName="router", logEvents=[
    ...         {"timestamp": int(time.time() * 1000), "message": json.dumps(record)}])
    ...     results = run_drill(cw, logs, group, select_alarms(cw, "watchtower-prod-"), timeout_s=0)
    ...     [r.verdict for r in results], cw.describe_alarms()["MetricAlarms"][0]["StateValue"]  # reset to OK
    (['delivered'], 'OK')
    """
    drill_id = uuid.uuid4().hex[:8]
    start_ms = int(clock() * 1000) - 1000  # a second of slack for clock skew between here and CloudWatch Logs
    targets = {r.alarm: r for r in results if not r.skipped}
    for result in targets.values():
        result.set_at_ms = int(clock() * 1000)
        try:
            cloudwatch.set_alarm_state(AlarmName=result.alarm, StateValue="ALARM",
                                       StateReason=f"Fire drill {drill_id}: checking the route to the router")
        except Exception as error:  # noqa: BLE001 - any API error is reported per alarm, the drill goes on
            result.error = str(error).splitlines()[0][:120]
    waiting = {name: r for name, r in targets.items() if not r.error}
    deadline = clock() + timeout_s
    while waiting:
        _read_deliveries(logs, log_group, start_ms, waiting)
        # Done with an alarm once it is delivered, or once a channel dead-lettered it (no retry will follow).
        waiting = {name: r for name, r in waiting.items()
                   if not r.delivered and "dead_lettered" not in r.outcomes.values()}
        if not waiting or clock() >= deadline:
            break
        sleep(poll_s)
    if reset:
        for result in targets.values():
            if not result.error:
                try:
                    cloudwatch.set_alarm_state(AlarmName=result.alarm, StateValue="OK",
                                               StateReason=f"Fire drill {drill_id} finished")
                except Exception:  # noqa: BLE001 - the next evaluation resets the state anyway
                    pass
    return results
