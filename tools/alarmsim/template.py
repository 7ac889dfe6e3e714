"""Read alarms, composite alarms and mute rules from synthesized CloudFormation templates."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Mapping

from tools.alarmsim.anomaly import BAND_COMPARISONS, parse_band
from tools.alarmsim.composite import RuleError, alarm_name_from_reference, parse_rule
from tools.alarmsim.evaluation import TREAT_MISSING
from tools.alarmsim.intrinsics import Resolver
from tools.alarmsim.mathexpr import MathError, parse_expression
from tools.alarmsim.model import COMPARISONS, AlarmSet, CompositeAlarm, MetricAlarm, MetricStat, MuteRule, Query
from tools.alarmsim.schedule import MuteSchedule, ScheduleError
from tools.alarmsim.series import MetricKey, parse_time
from tools.alarmsim.statistics import StatisticError, parse_statistic
from tools.templates import TemplateError, read_templates

__all__ = ["TemplateError", "load_alarms", "read_templates", "alarms_from_templates"]


def _exports(templates: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    exports: dict[str, str] = {}
    for template in templates.values():
        resolver = Resolver(template)
        for output in (template.get("Outputs") or {}).values():
            export = (output.get("Export") or {}).get("Name")
            if export is not None:
                exports[resolver.text(export)] = resolver.text(output.get("Value"))
    return exports


def _actions(resolver: Resolver, values: Any) -> tuple[str, ...]:
    return tuple(resolver.text(v) for v in values) if isinstance(values, list) else ()


def _metric_stat(resolver: Resolver, metric: Mapping[str, Any], stat: str, period: int) -> MetricStat:
    dims = {resolver.text(d.get("Name")): resolver.text(d.get("Value")) for d in metric.get("Dimensions") or []}
    key = MetricKey.of(resolver.text(metric.get("Namespace")), resolver.text(metric.get("MetricName")), dims)
    return MetricStat(key, parse_statistic(stat), stat, period)


def _metric_alarm(logical_id: str, props: Mapping[str, Any], resolver: Resolver, stack: str) -> MetricAlarm:
    name = resolver.physical_name(logical_id)
    comparison = resolver.text(props.get("ComparisonOperator"))
    band_id = resolver.text(props["ThresholdMetricId"]) if props.get("ThresholdMetricId") else None
    allowed = BAND_COMPARISONS if band_id else tuple(COMPARISONS)
    if comparison not in allowed:
        raise ValueError(f"ComparisonOperator {comparison!r} is not simulated here (allowed: {', '.join(allowed)})")
    evaluation_periods = int(props.get("EvaluationPeriods", 1))
    treat = resolver.text(props.get("TreatMissingData") or "missing")
    if treat not in TREAT_MISSING:
        raise ValueError(f"TreatMissingData {treat!r} is not one of {', '.join(TREAT_MISSING)}")
    common = dict(
        name=name, logical_id=logical_id, comparison=comparison, threshold=float(props.get("Threshold", 0)),
        evaluation_periods=evaluation_periods,
        datapoints_to_alarm=int(props.get("DatapointsToAlarm", evaluation_periods)),
        treat_missing=treat,
        evaluate_low_sample=resolver.text(props.get("EvaluateLowSampleCountPercentile") or "evaluate"),
        actions_enabled=props.get("ActionsEnabled", True) not in (False, "false"),
        alarm_actions=_actions(resolver, props.get("AlarmActions")),
        ok_actions=_actions(resolver, props.get("OKActions")),
        insufficient_data_actions=_actions(resolver, props.get("InsufficientDataActions")),
        description=resolver.text(props.get("AlarmDescription") or ""), stack=stack,
        **_warm_up(props.get("WarmUpConfiguration")),
    )
    if props.get("Metrics"):
        queries = []
        periods = []
        band = None
        for entry in props["Metrics"]:
            query_id = resolver.text(entry.get("Id"))
            returns = entry.get("ReturnData", True) not in (False, "false")
            if band_id is not None and query_id == band_id:
                band = parse_band(resolver.text(entry.get("Expression")))
                if band is None:
                    raise ValueError(f"ThresholdMetricId {band_id!r} is not an ANOMALY_DETECTION_BAND(id, k) expression")
                continue
            if entry.get("MetricStat"):
                stat = entry["MetricStat"]
                period = int(stat.get("Period", 60))
                periods.append(period)
                metric = _metric_stat(resolver, stat.get("Metric") or {}, resolver.text(stat.get("Stat")), period)
                queries.append(Query(query_id, metric=metric, return_data=returns))
            elif entry.get("Expression"):
                if entry.get("Period"):
                    periods.append(int(entry["Period"]))
                queries.append(Query(query_id, expression=parse_expression(resolver.text(entry["Expression"])),
                                     return_data=returns))
        if band is not None:
            queries = [Query(q.id, q.metric, q.expression, q.id == band[0]) for q in queries]
            if not any(q.return_data for q in queries):
                raise ValueError(f"the anomaly band reads {band[0]!r}, which the alarm does not define")
        elif band_id is not None:
            raise ValueError(f"ThresholdMetricId {band_id!r} names no query of the alarm")
        if sum(q.return_data for q in queries) != 1:
            raise ValueError("a metric-math alarm must return exactly one series (one ReturnData: true)")
        return MetricAlarm(period=max(periods or [60]), queries=tuple(queries), band=band, **common)
    if band_id is not None:
        raise ValueError("ThresholdMetricId needs Metrics holding an ANOMALY_DETECTION_BAND expression")
    stat = props.get("ExtendedStatistic") or props.get("Statistic")
    if not props.get("MetricName") or not stat:
        raise ValueError("needs MetricName with Statistic/ExtendedStatistic, or Metrics")
    period = int(props.get("Period", 60))
    metric = _metric_stat(resolver, props, resolver.text(stat), period)
    return MetricAlarm(period=period, metric=metric, **common)


def _warm_up(config: Any) -> dict[str, Any]:
    """The MetricAlarm fields of a WarmUpConfiguration (none when absent)."""
    if not isinstance(config, Mapping) or not config.get("WarmUpPeriodDurationInMinutes"):
        return {}
    minutes = int(config["WarmUpPeriodDurationInMinutes"])
    if not 1 <= minutes <= 2880:
        raise ValueError(f"WarmUpPeriodDurationInMinutes {minutes} is outside 1..2880")
    full = config.get("OnlyStartEvaluatingAfterWarmUpPeriodEnds", False) in (True, "true")
    return {"warm_up_minutes": minutes, "warm_up_full": full}


def _composite(logical_id: str, props: Mapping[str, Any], resolver: Resolver, stack: str) -> CompositeAlarm:
    suppressor = props.get("ActionsSuppressor")
    return CompositeAlarm(
        name=resolver.physical_name(logical_id), logical_id=logical_id,
        rule=parse_rule(resolver.text(props.get("AlarmRule"))),
        actions_enabled=props.get("ActionsEnabled", True) not in (False, "false"),
        alarm_actions=_actions(resolver, props.get("AlarmActions")),
        ok_actions=_actions(resolver, props.get("OKActions")),
        insufficient_data_actions=_actions(resolver, props.get("InsufficientDataActions")),
        suppressor=alarm_name_from_reference(resolver.text(suppressor)) if suppressor else None,
        wait_period=int(props.get("ActionsSuppressorWaitPeriod", 0) or 0),
        extension_period=int(props.get("ActionsSuppressorExtensionPeriod", 0) or 0),
        description=resolver.text(props.get("AlarmDescription") or ""), stack=stack,
    )


def _date(resolver: Resolver, value: Any) -> datetime | None:
    return parse_time(resolver.text(value)) if value else None


def _mute_rule(logical_id: str, props: Mapping[str, Any], resolver: Resolver) -> MuteRule:
    schedule = (props.get("Rule") or {}).get("Schedule") or {}
    names = ((props.get("MuteTargets") or {}).get("AlarmNames")) or []
    return MuteRule(
        name=resolver.text(props.get("Name")) if props.get("Name") else logical_id,
        schedule=MuteSchedule.parse(resolver.text(schedule.get("Expression")), resolver.text(schedule.get("Duration")),
                                    resolver.text(schedule["Timezone"]) if schedule.get("Timezone") else None,
                                    _date(resolver, props.get("StartDate")), _date(resolver, props.get("ExpireDate"))),
        alarm_names=tuple(alarm_name_from_reference(resolver.text(n)) for n in names),
    )


def alarms_from_templates(templates: Mapping[str, Mapping[str, Any]]) -> AlarmSet:
    """Build the alarm set from parsed templates; what cannot be simulated becomes a one-line warning.

    Example
    -------
    >>> alarms_from_templates({"S": {"Resources": {}}}).names()
    []
    """
    result = AlarmSet()
    exports = _exports(templates)
    builders = {"AWS::CloudWatch::Alarm": "metric", "AWS::CloudWatch::CompositeAlarm": "composite",
                "AWS::CloudWatch::AlarmMuteRule": "mute"}
    for stack, template in templates.items():
        resolver = Resolver(template, exports)
        for logical_id, resource in template["Resources"].items():
            kind = builders.get((resource or {}).get("Type", ""))
            if kind is None:
                if (resource or {}).get("Type") == "AWS::CloudWatch::LogAlarm":
                    # A scheduled Logs Insights query over log lines, not a metric: say so instead of dropping it.
                    name = (resource.get("Properties") or {}).get("AlarmName")
                    shown = f"log alarm {name}" if isinstance(name, str) else "a log alarm"
                    result.warnings.append(f"{stack}/{logical_id}: not simulated: {shown} "
                                           "(AWS::CloudWatch::LogAlarm queries log lines; scenarios generate metrics)")
                continue
            props = resource.get("Properties") or {}
            try:
                if kind == "metric":
                    result.metric_alarms.append(_metric_alarm(logical_id, props, resolver, stack))
                elif kind == "composite":
                    result.composites.append(_composite(logical_id, props, resolver, stack))
                else:
                    result.mute_rules.append(_mute_rule(logical_id, props, resolver))
            except (ValueError, TypeError, KeyError, StatisticError, MathError, RuleError, ScheduleError) as error:
                result.warnings.append(f"{stack}/{logical_id}: skipped, {error}")
    return result


def load_alarms(paths: Iterable[Path | str]) -> AlarmSet:
    """Read templates (files or cdk.out directories) and build the alarm set.

    Example
    -------
    >>> import json, tempfile
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> props = {"AlarmName": "errors", "Namespace": "app", "MetricName": "Errors", "Statistic": "Sum",
    ...          "Period": 60, "EvaluationPeriods": 1, "Threshold": 0, "ComparisonOperator": "GreaterThanThreshold"}
    >>> body = {"Resources": {"A": {"Type": "AWS::CloudWatch::Alarm", "Properties": props}}}
    >>> _ = (folder / "app.template.json").write_text(json.dumps(body))
    >>> load_alarms([folder]).names()
    ['errors']
    """
    return alarms_from_templates(read_templates(paths))
