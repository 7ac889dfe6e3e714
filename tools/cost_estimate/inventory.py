"""What the templates hold, in the terms prices are quoted in: alarm metrics by kind, functions with their monthly
invocations and markers, canaries with their schedules. Reads CloudFormation JSON only."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterator

from tools.cost_estimate.schedule import runs_per_month

__all__ = ["Resource", "AlarmCount", "FunctionUse", "resources", "count_alarms", "functions", "canary_runs",
           "COST_METADATA_KEY", "LAYER_ENV_VARS"]

# Resource metadata a stack sets when it knows more than the template shows (see stacks/cost/checker.py).
COST_METADATA_KEY = "watchtower:cost"
# A function whose environment names a metrics namespace, or carries the observability layer's build id (set by
# the stacks that attach the layer), emits the layer's metrics.
LAYER_ENV_VARS = ("METRICS_NAMESPACE", "POWERTOOLS_METRICS_NAMESPACE", "OBSERVABILITY_LAYER_BUILD")


@dataclass(frozen=True)
class Resource:
    """One resource of one stack."""

    stack: str
    logical_id: str
    type: str
    body: dict[str, Any]

    @property
    def props(self) -> dict[str, Any]:
        return self.body.get("Properties", {}) or {}


@dataclass
class AlarmCount:
    """Alarm metrics by kind: how many alarms and how many priced alarm metrics each kind has."""

    alarms: Counter
    metrics: Counter


@dataclass(frozen=True)
class FunctionUse:
    """A Lambda function and what it costs to run per month beyond Lambda itself."""

    resource: Resource
    invocations: Decimal
    invocations_source: str
    custom_metrics: int
    custom_metrics_source: str
    ce_requests_per_invocation: int
    traced: bool


def resources(templates: dict[str, dict[str, Any]]) -> Iterator[Resource]:
    """Every resource of every template, in stack then logical-id order."""
    for stack in sorted(templates):
        for logical_id, body in sorted((templates[stack].get("Resources") or {}).items()):
            yield Resource(stack, logical_id, body.get("Type", ""), body)


def count_alarms(alarms: list[Resource]) -> AlarmCount:
    """Classify metric alarms: 'standard', 'high-resolution', 'math', 'math high-resolution', 'anomaly detection'.

    A metric-math alarm pays per metric in its expression; an anomaly-detection alarm pays 3 alarm metrics.

    Example
    -------
    >>> count_alarms([Resource("s", "A", "AWS::CloudWatch::Alarm", {"Properties": {"Period": 60}})]).metrics
    Counter({'standard': 1})
    """
    alarms_by_kind: Counter = Counter()
    metrics_by_kind: Counter = Counter()
    for alarm in alarms:
        props = alarm.props
        queries = props.get("Metrics")
        if not queries:
            kind = "high-resolution" if int(props.get("Period", 60)) < 60 else "standard"
            metrics = 1
        else:
            stats = [q for q in queries if "MetricStat" in q]
            periods = [int(q["MetricStat"].get("Period", 60)) for q in stats] + [int(q["Period"]) for q in queries if "Period" in q]
            high_res = bool(periods) and min(periods) < 60
            if any("ANOMALY_DETECTION_BAND" in str(q.get("Expression", "")) for q in queries):
                kind, metrics = ("anomaly detection high-resolution" if high_res else "anomaly detection"), 3
            else:
                kind, metrics = ("math high-resolution" if high_res else "math"), max(len(stats), 1)
        alarms_by_kind[kind] += 1
        metrics_by_kind[kind] += metrics
    return AlarmCount(alarms=alarms_by_kind, metrics=metrics_by_kind)


def functions(all_resources: list[Resource], default_invocations: int, default_metrics: int, days: int) -> list[FunctionUse]:
    """Each AWS::Lambda::Function with its monthly invocations: from the EventBridge schedules that target it (plus
    the assumption when something else may invoke it too), 0 for custom-resource handlers (deploy time only), else
    the configured assumption."""
    # Keys are (stack, logical id): logical ids repeat across stacks (e.g. one canary stack per region).
    scheduled: dict[tuple[str, str], Decimal] = {}
    for rule in (r for r in all_resources if r.type == "AWS::Events::Rule" and r.props.get("ScheduleExpression")):
        if rule.props.get("State", "ENABLED") != "ENABLED":
            continue
        runs = runs_per_month(rule.props["ScheduleExpression"], days)
        for target in rule.props.get("Targets", []) or []:
            target_id = _getatt_id(target.get("Arn"))
            if target_id:
                key = (rule.stack, target_id)
                scheduled[key] = scheduled.get(key, Decimal(0)) + runs
    provider_ids = {
        (r.stack, _getatt_id(r.props.get("ServiceToken")))
        for r in all_resources
        if r.type.startswith("Custom::") or r.type == "AWS::CloudFormation::CustomResource"
    }
    # Other callers (API Gateway, SNS, S3 ... via a resource policy; queues and streams via a mapping) bring
    # traffic the template cannot show: that part is the assumption.
    otherwise_invoked = {
        (r.stack, _getatt_id(r.props.get("FunctionName")) or r.props.get("FunctionName", {}).get("Ref"))
        for r in all_resources
        if (r.type == "AWS::Lambda::Permission" and r.props.get("Principal") != "events.amazonaws.com")
        or r.type == "AWS::Lambda::EventSourceMapping"
        if isinstance(r.props.get("FunctionName"), dict)
    }
    uses = []
    for fn in (r for r in all_resources if r.type == "AWS::Lambda::Function"):
        key = (fn.stack, fn.logical_id)
        if key in scheduled and key in otherwise_invoked:
            invocations = scheduled[key] + default_invocations
            source = "its schedule + assumption for its other callers"
        elif key in scheduled:
            invocations, source = scheduled[key], "its schedule"
        elif key in provider_ids:
            invocations, source = Decimal(0), "custom-resource handler, deploy time only"
        else:
            invocations, source = Decimal(default_invocations), "assumption"
        marker = (fn.body.get("Metadata") or {}).get(COST_METADATA_KEY) or {}
        variables = ((fn.props.get("Environment") or {}).get("Variables")) or {}
        if "custom_metrics" in marker:
            metrics, metrics_source = int(marker["custom_metrics"]), "template metadata"
        elif any(v in variables for v in LAYER_ENV_VARS):
            metrics, metrics_source = default_metrics, "assumption (observability layer)"
        else:
            metrics, metrics_source = 0, "none"
        uses.append(FunctionUse(
            resource=fn, invocations=invocations, invocations_source=source, custom_metrics=metrics,
            custom_metrics_source=metrics_source,
            ce_requests_per_invocation=int(marker.get("cost_explorer_requests_per_invocation", 0)),
            traced=(fn.props.get("TracingConfig") or {}).get("Mode") == "Active",
        ))
    return uses


def canary_runs(canary: Resource, days: int) -> Decimal:
    """Monthly runs of one Synthetics canary from its Schedule.Expression."""
    return runs_per_month((canary.props.get("Schedule") or {}).get("Expression", "rate(5 minutes)"), days)


def _getatt_id(value: Any) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("Fn::GetAtt"), list) and value["Fn::GetAtt"]:
        return value["Fn::GetAtt"][0]
    if isinstance(value, dict) and isinstance(value.get("Fn::GetAtt"), str):
        return value["Fn::GetAtt"].split(".", 1)[0]
    return None
