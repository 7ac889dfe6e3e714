"""What the synthesized templates say about each alarm, in the same shape as the plan's alarms, so the two can
be compared alarm for alarm (``python -m plan check ENV`` after ``make synth``; the suite's agreement test).

Each alarm becomes a plain dict: ``type``, ``threshold``, ``comparison``, ``period`` (the longest of its
metrics), ``evaluation_periods``, ``datapoints``, ``missing``, ``actions`` / ``ok_actions`` (topic names),
``rule`` (composites: CloudWatch's rule with alarm names for ARNs) and ``suppressor``.

Example
-------
>>> template = {"Resources": {"A": {"Type": "AWS::CloudWatch::Alarm", "Properties": {
...     "AlarmName": "x", "Threshold": 5, "ComparisonOperator": "GreaterThanThreshold", "EvaluationPeriods": 1,
...     "Period": 300, "AlarmActions": [{"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":sns:eu:1:t-info"]]}]}}}}
>>> alarms_of_templates([template])["x"]["actions"], alarms_of_templates([template])["x"]["period"]
(['t-info'], 300)
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterable, Mapping

from plan.model import AlarmPlan, CompositePlan, CompositeRule, Plan

__all__ = ["alarms_of_templates", "alarms_of_directory", "alarms_of_plan", "differences", "PLANNED_STACKS"]

_ALARM_TYPES = ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm", "AWS::CloudWatch::LogAlarm")
_ARN_NAME = re.compile(r'ALARM\("[^"]*:alarm:([^"]+)"\)')
_BAND = re.compile(r"ANOMALY_DETECTION_BAND\(\w+,\s*([0-9.]+)\)")
# The stacks whose alarms the plan holds: the maintenance switch and every service's monitoring stacks. A
# service's stack in a region-pinned region (``Monitoring-<service>-us-east-1``, for CloudFront) is not planned
# yet: its alarms render the same catalog rows, but the plan does not list them.
PLANNED_STACKS = re.compile(r"-(Maintenance|Monitoring-(?!.*-[a-z]{2}-[a-z]+-[0-9]$).+)$")


def _text(value: Any, names: Mapping[str, str]) -> str:
    """A template value as text: Fn::Join joined, an alarm's Arn as ``arn:...:alarm:<its name>``."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict):
        if "Fn::Join" in value:
            sep, parts = value["Fn::Join"]
            return sep.join(_text(p, names) for p in parts)
        if "Fn::GetAtt" in value:
            logical, attribute = value["Fn::GetAtt"]
            return f"arn:aws:cloudwatch:region:account:alarm:{names.get(logical, logical)}" \
                if attribute == "Arn" else f"{logical}.{attribute}"
        if "Ref" in value:
            return f"${{{value['Ref']}}}"
    return json.dumps(value, sort_keys=True)


def _tail(arn: str) -> str:
    return arn.rsplit(":", 1)[-1]


def _period(props: Mapping[str, Any]) -> int:
    periods = [props.get("Period") or 0]
    for item in props.get("Metrics", ()):
        periods.append(item.get("Period") or (item.get("MetricStat") or {}).get("Period") or 0)
    return int(max(periods))


def alarms_of_templates(templates: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every alarm with a literal name in ``templates``, by name."""
    found: dict[str, dict[str, Any]] = {}
    for template in templates:
        resources = template.get("Resources", {})
        names = {logical: r["Properties"].get("AlarmName") for logical, r in resources.items()
                 if r.get("Type") in _ALARM_TYPES and isinstance(r.get("Properties", {}).get("AlarmName"), str)}
        for logical, resource in resources.items():
            if resource.get("Type") not in _ALARM_TYPES or logical not in names:
                continue
            props = resource["Properties"]
            entry: dict[str, Any] = {
                "actions": sorted(_tail(_text(a, names)) for a in props.get("AlarmActions", ())),
                "ok_actions": sorted(_tail(_text(a, names)) for a in props.get("OKActions", ())),
            }
            if resource["Type"] == "AWS::CloudWatch::CompositeAlarm":
                suppressor = props.get("ActionsSuppressor")
                entry.update(type="composite", rule=_ARN_NAME.sub(r'ALARM("\1")', _text(props["AlarmRule"], names)),
                             suppressor=_tail(_text(suppressor, names)) if suppressor else None)
            elif resource["Type"] == "AWS::CloudWatch::LogAlarm":
                entry.update(type="log", threshold=float(props["Threshold"]),
                             comparison=props["ComparisonOperator"],
                             evaluation_periods=props["QueryResultsToEvaluate"],
                             datapoints=props.get("QueryResultsToAlarm"), missing=props.get("TreatMissingData"))
            else:
                band = next((_BAND.search(m.get("Expression", "")) for m in props.get("Metrics", ())
                             if _BAND.search(m.get("Expression", ""))), None)
                entry.update(type="anomaly" if band else "metric",
                             threshold=float(band.group(1)) if band else float(props["Threshold"]),
                             comparison=props["ComparisonOperator"], period=_period(props),
                             evaluation_periods=props["EvaluationPeriods"],
                             datapoints=props.get("DatapointsToAlarm", props["EvaluationPeriods"]),
                             missing=props.get("TreatMissingData", "missing"))
            found[names[logical]] = entry
    return found


def alarms_of_directory(directory: str | Path) -> dict[str, dict[str, Any]]:
    """The alarms of the planned stacks (maintenance, monitoring) in a cloud assembly directory."""
    paths = sorted(p for p in Path(directory).glob("*.template.json")
                   if PLANNED_STACKS.search(p.name.removesuffix(".template.json")))
    return alarms_of_templates(json.loads(p.read_text(encoding="utf-8")) for p in paths)


def _topics(plan: Plan, severities: Iterable[str], service: str) -> list[str]:
    # An alarm notifies the topics of its own region: a service in another region has that region's topics.
    by_severity = plan.topics_in(plan.region_of(service))
    return sorted(by_severity[s] for s in severities)  # type: ignore[index]


def _metric(plan: Plan, a: AlarmPlan) -> dict[str, Any]:
    entry: dict[str, Any] = {"actions": _topics(plan, a.actions, a.service),
                             "ok_actions": _topics(plan, a.ok_actions, a.service),
                             "threshold": float(a.value), "comparison": a.comparison.value,
                             "evaluation_periods": a.threshold.evaluation_periods, "missing": a.missing.value,
                             "datapoints": a.threshold.datapoints}
    if a.type == "log":
        entry["type"] = "log"
    else:
        entry.update(type="anomaly" if a.type == "anomaly" else "metric",
                     period=a.signal.period if a.signal else a.threshold.period)
    return entry


def _composite(plan: Plan, c: CompositePlan) -> dict[str, Any]:
    return {"type": "composite", "actions": _topics(plan, c.actions, c.service),
            "ok_actions": _topics(plan, c.ok_actions, c.service),
            "rule": _rule_text(c.rule), "suppressor": c.suppressor}


def _rule_text(rule: CompositeRule) -> str:
    # CDK writes a one-term ANY/ALL without parentheses around nothing else; keep CloudWatch's spelling.
    return rule.text()


def alarms_of_plan(plan: Plan) -> dict[str, dict[str, Any]]:
    """The plan's alarms and composites in the shape of ``alarms_of_templates``."""
    found = {a.name: _metric(plan, a) for a in plan.alarms}
    found.update({c.name: _composite(plan, c) for c in plan.composites})
    return found


def differences(expected: Mapping[str, Mapping[str, Any]], actual: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """One line per alarm missing on either side or differing in a field.

    Example
    -------
    >>> differences({"a": {"threshold": 5.0}, "b": {}}, {"a": {"threshold": 3.0}, "c": {}})
    ['a: threshold 5.0 != 3.0', 'b: only in the first', 'c: only in the second']
    """
    lines = []
    for name in sorted(set(expected) | set(actual)):
        if name not in actual:
            lines.append(f"{name}: only in the first")
        elif name not in expected:
            lines.append(f"{name}: only in the second")
        else:
            for key in sorted(set(expected[name]) | set(actual[name])):
                if expected[name].get(key) != actual[name].get(key):
                    lines.append(f"{name}: {key} {expected[name].get(key)!r} != {actual[name].get(key)!r}")
    return lines
