"""What the simulator evaluates: metric alarms, composite alarms and mute rules, read from templates."""
from __future__ import annotations

from dataclasses import dataclass, field

from tools.alarmsim.composite import Rule
from tools.alarmsim.mathexpr import Expression
from tools.alarmsim.schedule import MuteSchedule
from tools.alarmsim.series import MetricKey
from tools.alarmsim.statistics import Statistic

__all__ = ["MetricStat", "Query", "MetricAlarm", "CompositeAlarm", "MuteRule", "AlarmSet", "COMPARISONS"]

COMPARISONS = {
    "GreaterThanThreshold": lambda value, threshold: value > threshold,
    "GreaterThanOrEqualToThreshold": lambda value, threshold: value >= threshold,
    "LessThanThreshold": lambda value, threshold: value < threshold,
    "LessThanOrEqualToThreshold": lambda value, threshold: value <= threshold,
}


@dataclass(frozen=True)
class MetricStat:
    """One metric read with a statistic over a period (seconds)."""

    key: MetricKey
    statistic: Statistic
    statistic_text: str
    period: int


@dataclass(frozen=True)
class Query:
    """One entry of a metric-math alarm's Metrics list: a metric or an expression."""

    id: str
    metric: MetricStat | None = None
    expression: Expression | None = None
    return_data: bool = True


@dataclass(frozen=True)
class MetricAlarm:
    """An AWS::CloudWatch::Alarm: one metric (``metric``) or metric math (``queries``).

    Example
    -------
    >>> from tools.alarmsim.template import alarms_from_templates
    >>> props = {"AlarmName": "errors", "Namespace": "app", "MetricName": "Errors", "Statistic": "Sum",
    ...          "Period": 60, "EvaluationPeriods": 1, "Threshold": 0, "ComparisonOperator": "GreaterThanThreshold"}
    >>> alarm_set = alarms_from_templates({"app": {"Resources": {"A": {"Type": "AWS::CloudWatch::Alarm",
    ...                                                                "Properties": props}}}})
    >>> [m.key.metric_name for m in alarm_set.metric_alarms[0].metrics()]
    ['Errors']
    """

    name: str
    logical_id: str
    comparison: str
    threshold: float
    evaluation_periods: int
    datapoints_to_alarm: int
    period: int
    treat_missing: str = "missing"
    evaluate_low_sample: str = "evaluate"
    metric: MetricStat | None = None
    queries: tuple[Query, ...] = ()
    actions_enabled: bool = True
    alarm_actions: tuple[str, ...] = ()
    ok_actions: tuple[str, ...] = ()
    insufficient_data_actions: tuple[str, ...] = ()
    description: str = ""
    stack: str = ""
    band: tuple[str, float] | None = None  # anomaly-detection alarm: (metric id, band width in std devs)
    # WarmUpConfiguration: minutes after a create or update in INSUFFICIENT_DATA without actions (0: none), and
    # whether the whole warm-up is waited out even when the evaluation window fills earlier.
    warm_up_minutes: int = 0
    warm_up_full: bool = False

    def metrics(self) -> list[MetricStat]:
        """Every metric the alarm reads (one for a plain alarm, all MetricStat queries for math)."""
        if self.metric is not None:
            return [self.metric]
        return [q.metric for q in self.queries if q.metric is not None]

    def actions_for(self, state: str) -> tuple[str, ...]:
        """Actions CloudWatch runs when the alarm enters ``state``."""
        return {"ALARM": self.alarm_actions, "OK": self.ok_actions,
                "INSUFFICIENT_DATA": self.insufficient_data_actions}.get(state, ())


@dataclass(frozen=True)
class CompositeAlarm:
    """An AWS::CloudWatch::CompositeAlarm, optionally with an ActionsSuppressor."""

    name: str
    logical_id: str
    rule: Rule
    actions_enabled: bool = True
    alarm_actions: tuple[str, ...] = ()
    ok_actions: tuple[str, ...] = ()
    insufficient_data_actions: tuple[str, ...] = ()
    suppressor: str | None = None
    wait_period: int = 0
    extension_period: int = 0
    description: str = ""
    stack: str = ""

    def actions_for(self, state: str) -> tuple[str, ...]:
        """Actions CloudWatch runs when the composite enters ``state``."""
        return {"ALARM": self.alarm_actions, "OK": self.ok_actions,
                "INSUFFICIENT_DATA": self.insufficient_data_actions}.get(state, ())


@dataclass(frozen=True)
class MuteRule:
    """An AWS::CloudWatch::AlarmMuteRule: mutes the named alarms' actions on a schedule."""

    name: str
    schedule: MuteSchedule
    alarm_names: tuple[str, ...]


@dataclass
class AlarmSet:
    """Everything read from one or more templates, plus one-line warnings about what was skipped."""

    metric_alarms: list[MetricAlarm] = field(default_factory=list)
    composites: list[CompositeAlarm] = field(default_factory=list)
    mute_rules: list[MuteRule] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def names(self) -> list[str]:
        """Names of every metric and composite alarm."""
        return [a.name for a in self.metric_alarms] + [c.name for c in self.composites]
