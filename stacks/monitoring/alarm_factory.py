"""The one place alarms are created: ``render_alarm`` turns a plan's AlarmPlan into a metric (math, anomaly)
alarm, ``render_composite`` a CompositePlan into a composite alarm, with the plan's name, description ending
with the runbook link, tags and actions.

Features whose alarms are not in the plan yet (the hourly-cost alarm, the router's health alarms, canary alarms
of extra regions) describe them with an ``AlarmSpec`` and call ``create_alarm``, which plans that one alarm the
same way (``alarm_entry``) and renders it through ``render_alarm``. Severity tells where an alarm may act:
children notify at most the info topic; paging is left to composites.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Union

from aws_cdk import Duration, Tags, aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as actions, aws_sns as sns
from constructs import Construct

from config.schema import EnvironmentConfig
from dashboards.model import AlarmRef
from plan.build import summary
from plan.catalog import Threshold
from plan.enums import Comparison, MissingData, Severity
from plan.model import AlarmPlan, CompositePlan, CompositeRule
from plan.naming import alarm_name, describe, runbook_url
from stacks.monitoring.deploy_ids import resolve_spec
from stacks.monitoring.metrics.common import CdkSignal
from stacks.monitoring.render import render_metric

__all__ = ["AlarmSpec", "CreatedAlarm", "CreatedComposite", "create_alarm", "render_alarm", "render_composite",
           "alarm_entry", "runbook_url", "tag_alarm", "describe", "SUPPRESSOR_WAIT", "SUPPRESSOR_EXTENSION"]

# ActionsSuppressor timing (CloudWatch API reference, CompositeAlarm): the WaitPeriod is the longest a composite
# that went to ALARM waits for its suppressor to go to ALARM before it performs its actions; the ExtensionPeriod is
# the longest it waits after the suppressor left ALARM, and after it the composite performs its actions. So a page
# held by the maintenance switch is released, not dropped, at most the ExtensionPeriod after the switch is turned
# off: 60 s keeps that inside two minutes. The switch is flipped by hand before work starts, so nothing needs a
# longer wait; 60 s is CDK's default for both and known to deploy.
SUPPRESSOR_WAIT = Duration.seconds(60)
SUPPRESSOR_EXTENSION = Duration.seconds(60)

Topics = Mapping[str, sns.ITopic]  # by severity


@dataclass(frozen=True)
class AlarmSpec:
    """One alarm outside the plan: what it watches (a CDK metric) and when it fires.

    Example
    -------
    >>> metric = cloudwatch.Metric(namespace="AWS/Lambda", metric_name="Errors")
    >>> AlarmSpec(service="demo", resource="demo-api", family="HighErrorRate", severity="warning",
    ...           signal=CdkSignal(metric), threshold=Threshold(5, period=300),
    ...           comparison=Comparison.GREATER_THAN_THRESHOLD, treat_missing=MissingData.NOT_BREACHING,
    ...           what="error rate", unit="%").family
    'HighErrorRate'
    """

    service: str
    resource: str
    family: str
    severity: str
    signal: CdkSignal
    threshold: Threshold
    comparison: Comparison
    treat_missing: MissingData
    what: str
    unit: str = ""
    signal_name: str | None = None  # the name's signal segment; default: family


def _ref(alarm: cloudwatch.IAlarm, e: Union[AlarmPlan, CompositePlan]) -> AlarmRef:
    """What dashboards need of an alarm, with the threshold a graph draws (none for anomaly bands)."""
    if isinstance(e, CompositePlan):
        kind, threshold = "composite", None
    else:
        kind, threshold = e.type, (e.value if e.type in ("metric", "math") else None)
    return AlarmRef(name=e.name, arn=alarm.alarm_arn, service=e.service, severity=str(e.severity), kind=kind,
                    family=e.family, resource=e.resource, threshold=threshold)


@dataclass(frozen=True)
class CreatedAlarm:
    """A rendered metric alarm and the plan entry it came from."""

    alarm: cloudwatch.Alarm
    entry: AlarmPlan

    @property
    def severity(self) -> str:
        return str(self.entry.severity)

    @property
    def ref(self) -> AlarmRef:
        return _ref(self.alarm, self.entry)


@dataclass(frozen=True)
class CreatedComposite:
    """A rendered composite alarm and the plan entry it came from."""

    alarm: cloudwatch.CompositeAlarm
    entry: CompositePlan

    @property
    def ref(self) -> AlarmRef:
        return _ref(self.alarm, self.entry)


def tag_alarm(alarm: Construct, cfg: EnvironmentConfig, service: str, severity: str) -> None:
    """Real CloudWatch tags (service, severity, env) so alarms can be filtered and routed by tag.

    Works on one alarm or on a scope holding many alarms of one service and severity (one aspect for all:
    an aspect per alarm costs seconds at synth for big services).

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> from config.loader import load_config
    >>> stack = Stack(App(), "Example")
    >>> tag_alarm(stack, load_config("dev"), "demo", "critical")  # every alarm of the stack
    """
    tags = Tags.of(alarm)
    for key, value in (("service", service), ("severity", severity), ("env", cfg.env)):
        tags.add(key, value)


# One SnsAction per topic object: an action only names its topic's ARN, and every alarm of a stack notifies the
# same few topics. Keyed by identity, the topic held beside it so the key stays its own.
_SNS_ACTIONS: dict[int, tuple[sns.ITopic, actions.SnsAction]] = {}


def _sns_action(topic: sns.ITopic) -> actions.SnsAction:
    held = _SNS_ACTIONS.get(id(topic))
    if held is None:
        held = _SNS_ACTIONS[id(topic)] = (topic, actions.SnsAction(topic))
    return held[1]


def _notify(alarm: cloudwatch.AlarmBase, entry: AlarmPlan | CompositePlan, topics: Topics) -> None:
    """The entry's actions on the topics given; a severity without a topic here (a construct test that passes
    none) gets no action."""
    for severity in entry.actions:
        if severity in topics:
            alarm.add_alarm_action(_sns_action(topics[severity]))
    for severity in entry.ok_actions:
        if severity in topics:
            alarm.add_ok_action(_sns_action(topics[severity]))


def render_alarm(scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, entry: AlarmPlan,
                 topics: Topics | None = None, metric: cloudwatch.IMetric | None = None,
                 percentile: bool = False, tag: bool = True) -> CreatedAlarm:
    """The metric (or metric-math, or anomaly) alarm of ``entry``; ``topics`` (by severity) receive its
    actions. ``metric`` (with ``percentile``) stands in for the entry's signal when the metric is a CDK object already;
    ``tag=False`` leaves tagging to the caller, who tags a whole scope of one service and severity.

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> from config.loader import load_config
    >>> from plan.build import plan_environment
    >>> cfg = load_config("prod")
    >>> entry = plan_environment(cfg).alarms[0]
    >>> render_alarm(Stack(App(), "Example"), "Switch", cfg=cfg, entry=entry).entry.name
    'watchtower-prod-all-maintenance-Maintenance-info'
    """
    t = entry.threshold
    signal = entry.signal
    assert signal is not None or metric is not None, f"{entry.name}: a {entry.type} alarm has no metric"
    # A dimension value read at deploy becomes this stack's token first (stacks/monitoring/deploy_ids.py).
    rendered = metric if metric is not None else \
        render_metric(resolve_spec(scope, signal.metric, cfg.region))  # type: ignore[union-attr]
    common: dict[str, Any] = dict(
        alarm_name=entry.name,
        alarm_description=entry.description,
        evaluation_periods=t.evaluation_periods,
        datapoints_to_alarm=t.datapoints,
        treat_missing_data=cloudwatch.TreatMissingData[entry.missing.name],
        comparison_operator=cloudwatch.ComparisonOperator[entry.comparison.name],
    )
    alarm: cloudwatch.Alarm
    if entry.type == "anomaly":
        alarm = cloudwatch.AnomalyDetectionAlarm(scope, construct_id, metric=rendered, std_devs=t.value, **common)
    else:
        if percentile or (signal is not None and signal.percentile):
            common["evaluate_low_sample_count_percentile"] = "ignore"  # a handful of requests is no p99
        alarm = cloudwatch.Alarm(scope, construct_id, metric=rendered, threshold=entry.value, **common)
    _notify(alarm, entry, topics or {})
    if tag:
        tag_alarm(alarm, cfg, entry.service, entry.severity)
    return CreatedAlarm(alarm=alarm, entry=entry)


def _rule(rule: CompositeRule, alarm_of: Callable[[str], cloudwatch.IAlarm]) -> cloudwatch.IAlarmRule:
    terms = [_rule(t, alarm_of) if isinstance(t, CompositeRule) else
             cloudwatch.AlarmRule.from_alarm(alarm_of(t), cloudwatch.AlarmState.ALARM) for t in rule.terms]
    return cloudwatch.AlarmRule.any_of(*terms) if rule.op == "ANY" else cloudwatch.AlarmRule.all_of(*terms)


def render_composite(scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, entry: CompositePlan,
                     alarm_of: Callable[[str], cloudwatch.IAlarm], topics: Topics | None = None,
                     suppressor: cloudwatch.IAlarm | None = None) -> CreatedComposite:
    """The composite of ``entry``: its rule over the alarms ``alarm_of`` finds by name, held by ``suppressor``
    (the plan's suppressor, as this stack may use it) and notifying ``topics`` by the entry's actions.

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> from config.loader import load_config
    >>> from plan.build import plan_environment
    >>> cfg = load_config("dev")
    >>> plan, stack = plan_environment(cfg), Stack(App(), "Example")
    >>> switch = render_alarm(stack, "Switch", cfg=cfg, entry=plan.alarms[0]).alarm
    >>> composite = render_composite(stack, "Critical", cfg=cfg, entry=plan.composites[0], suppressor=switch,
    ...                              alarm_of=lambda name: cloudwatch.Alarm.from_alarm_name(stack, name, name))
    >>> composite.entry.name
    'watchtower-dev-demo-slo-availability-BurnPage1h-critical'
    """
    composite = cloudwatch.CompositeAlarm(
        scope, construct_id, composite_alarm_name=entry.name, alarm_rule=_rule(entry.rule, alarm_of),
        alarm_description=entry.description,
        actions_suppressor=suppressor,
        actions_suppressor_wait_period=SUPPRESSOR_WAIT if suppressor else None,
        actions_suppressor_extension_period=SUPPRESSOR_EXTENSION if suppressor else None,
    )
    _notify(composite, entry, topics or {})
    tag_alarm(composite, cfg, entry.service, entry.severity)
    return CreatedComposite(alarm=composite, entry=entry)


def alarm_entry(cfg: EnvironmentConfig, spec: AlarmSpec, runbook_base_url: str, *, notify: bool) -> AlarmPlan:
    """The plan entry of one alarm described by ``spec`` (notifying its severity's topic when ``notify``).

    Example
    -------
    >>> from config.loader import load_config
    >>> cfg = load_config("dev")
    >>> metric = cloudwatch.Metric(namespace="AWS/Lambda", metric_name="Errors")
    >>> spec = AlarmSpec(service="demo", resource="demo-api", family="HighErrorRate", severity="warning",
    ...                  signal=CdkSignal(metric), threshold=Threshold(5, period=300),
    ...                  comparison=Comparison.GREATER_THAN_THRESHOLD, treat_missing=MissingData.NOT_BREACHING,
    ...                  what="error rate", unit="%")
    >>> alarm_entry(cfg, spec, cfg.runbook_base_url, notify=False).name
    'watchtower-dev-demo-demo-api-HighErrorRate-warning'
    """
    t, severity = spec.threshold, Severity(spec.severity)
    url = runbook_url(runbook_base_url, spec.family)
    anomaly = spec.signal.anomaly
    return AlarmPlan(
        name=alarm_name(cfg, spec.service, spec.resource, spec.signal_name or spec.family, spec.severity),
        service=spec.service, resource=spec.resource, kind="feature", family=spec.family, severity=severity,
        type="anomaly" if anomaly else ("math" if isinstance(spec.signal.metric, cloudwatch.MathExpression)
                                        else "metric"),
        signal=None, threshold=t, value=t.value if anomaly else t.value * spec.signal.scale,
        comparison=spec.comparison, missing=spec.treat_missing, what=spec.what, unit=spec.unit,
        description=describe(summary(spec.severity, spec.family, spec.what, spec.resource, spec.service,
                                     spec.comparison, t, spec.unit), url),
        runbook_url=url, actions=(severity,) if notify else (), ok_actions=(), composites=(), stack="",
        construct_id="")


def create_alarm(scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, spec: AlarmSpec,
                 runbook_base_url: str, notify: sns.ITopic | None = None, tag: bool = True) -> CreatedAlarm:
    """Create the alarm described by ``spec`` through ``render_alarm``; ``notify`` gets ALARM notifications.

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> from config.loader import load_config
    >>> cfg = load_config("dev")
    >>> metric = cloudwatch.Metric(namespace="AWS/Lambda", metric_name="Errors")
    >>> spec = AlarmSpec(service="demo", resource="demo-api", family="HighErrorRate", severity="warning",
    ...                  signal=CdkSignal(metric), threshold=Threshold(5, period=300),
    ...                  comparison=Comparison.GREATER_THAN_THRESHOLD, treat_missing=MissingData.NOT_BREACHING,
    ...                  what="error rate", unit="%")
    >>> created = create_alarm(Stack(App(), "Example"), "Errors", cfg=cfg, spec=spec,
    ...                        runbook_base_url=cfg.runbook_base_url)
    >>> created.entry.name
    'watchtower-dev-demo-demo-api-HighErrorRate-warning'
    """
    entry = alarm_entry(cfg, spec, runbook_base_url, notify=notify is not None)
    return render_alarm(scope, construct_id, cfg=cfg, entry=entry,
                        topics={str(entry.severity): notify} if notify is not None else None,
                        metric=spec.signal.metric, percentile=spec.signal.percentile, tag=tag)
