"""Composite alarms: "any of these children", nested when CloudWatch's rule limits would bite.

A composite rule holds at most 100 children and 10,240 characters (CloudWatch's PutCompositeAlarm limits).
``any_of`` keeps each rule under ``MAX_CHILDREN`` children and ``MAX_RULE_CHARS`` characters by grouping children
into intermediate composites (which only feed their parent and never act).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from aws_cdk import Duration, aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as actions, aws_sns as sns
from constructs import Construct

from config.schema import EnvironmentConfig
from dashboards.model import AlarmRef
from stacks.monitoring.alarm_factory import describe, runbook_url, tag_alarm
from stacks.naming import alarm_name

__all__ = ["Child", "CompositeSpec", "any_of", "MAX_CHILDREN", "MAX_RULE_CHARS",
           "SUPPRESSOR_WAIT", "SUPPRESSOR_EXTENSION"]

# ActionsSuppressor timing (CloudWatch API reference, CompositeAlarm): the WaitPeriod is the longest a composite
# that went to ALARM waits for its suppressor to go to ALARM before it performs its actions; the ExtensionPeriod is
# the longest it waits after the suppressor left ALARM, and after it the composite performs its actions. So a page
# held by the maintenance switch is released, not dropped, at most the ExtensionPeriod after the switch is turned
# off: 60 s keeps that inside two minutes. The switch is flipped by hand before work starts, so nothing needs a
# longer wait; 60 s is CDK's default for both and known to deploy.
SUPPRESSOR_WAIT = Duration.seconds(60)
SUPPRESSOR_EXTENSION = Duration.seconds(60)
MAX_CHILDREN = 50  # CloudWatch allows 100; half leaves room for children added by other features
MAX_RULE_CHARS = 10_240
# ALARM("arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>") OR  -- the longest partition and region.
_PER_CHILD = len('ALARM("arn:aws-us-gov:cloudwatch:ap-southeast-5:123456789012:alarm:") OR ')
_UNKNOWN_NAME = 255  # a name that is a token (another stack's alarm) counts as the longest allowed


@dataclass(frozen=True)
class Child:
    """A child alarm and its name (for rule-length accounting)."""

    alarm: cloudwatch.IAlarm
    name: str


@dataclass(frozen=True)
class CompositeSpec:
    """How a composite is named and whom it notifies.

    ``resource`` and ``signal`` fill the alarm name; ``topic`` gets ALARM and OK notifications; ``suppressor``
    holds the actions while it is in ALARM (the manual maintenance switch).
    """

    service: str
    resource: str
    signal: str
    severity: str
    what: str
    family: str = "Composite"
    topic: sns.ITopic | None = None
    suppressor: cloudwatch.IAlarm | None = None
    refs: list[AlarmRef] = field(default_factory=list)


def _child_length(name: str) -> int:
    # A name that is still a token (another stack's alarm) renders as "${Token[...]}" until deploy.
    return _PER_CHILD + (_UNKNOWN_NAME if "${Token[" in name else len(name))


def _groups(children: Sequence[Child]) -> list[list[Child]]:
    groups: list[list[Child]] = [[]]
    length = 0
    for child in children:
        child_length = _child_length(child.name)
        if groups[-1] and (len(groups[-1]) >= MAX_CHILDREN or length + child_length > MAX_RULE_CHARS):
            groups.append([])
            length = 0
        groups[-1].append(child)
        length += child_length
    return groups


def any_of(scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, spec: CompositeSpec,
           children: Sequence[Child], runbook_base_url: str) -> cloudwatch.CompositeAlarm | None:
    """A composite in ALARM when any child is; None when there are no children.

    Over the limits, children are grouped into intermediate composites named ``<resource>-groupN``.

    Example
    -------
    >>> critical = any_of(stack, "Critical", cfg=cfg, spec=CompositeSpec("orders", "service", "Critical",
    ...                   "critical", "any critical alarm"), children=children,
    ...                   runbook_base_url=cfg.runbook_base_url)  # doctest: +SKIP
    """
    if not children:
        return None
    groups = _groups(children)
    if len(groups) > 1:
        nested = []
        for index, group in enumerate(groups, start=1):
            group_spec = CompositeSpec(service=spec.service, resource=f"{spec.resource}-group{index}",
                                       signal=spec.signal, severity=spec.severity, what=spec.what,
                                       family=spec.family, refs=spec.refs)
            composite = any_of(scope, f"{construct_id}Group{index}", cfg=cfg, spec=group_spec, children=group,
                               runbook_base_url=runbook_base_url)
            assert composite is not None
            nested.append(Child(composite, alarm_name(cfg, spec.service, group_spec.resource, spec.signal,
                                                      spec.severity)))
        return any_of(scope, construct_id, cfg=cfg, spec=spec, children=nested, runbook_base_url=runbook_base_url)

    name = alarm_name(cfg, spec.service, spec.resource, spec.signal, spec.severity)
    summary = f"{spec.severity.upper()} {spec.what} of service {spec.service}: one of {len(children)} child " \
              f"alarm(s) is in ALARM"
    rule = cloudwatch.AlarmRule.any_of(*(cloudwatch.AlarmRule.from_alarm(c.alarm, cloudwatch.AlarmState.ALARM)
                                         for c in children))
    composite = cloudwatch.CompositeAlarm(
        scope, construct_id, composite_alarm_name=name, alarm_rule=rule,
        alarm_description=describe(summary, runbook_url(runbook_base_url, spec.family)),
        actions_suppressor=spec.suppressor,
        actions_suppressor_wait_period=SUPPRESSOR_WAIT if spec.suppressor else None,
        actions_suppressor_extension_period=SUPPRESSOR_EXTENSION if spec.suppressor else None,
    )
    if spec.topic is not None:
        composite.add_alarm_action(actions.SnsAction(spec.topic))
        composite.add_ok_action(actions.SnsAction(spec.topic))  # so pages resolve
    tag_alarm(composite, cfg, spec.service, spec.severity)
    spec.refs.append(AlarmRef(name=name, arn=composite.alarm_arn, service=spec.service, severity=spec.severity,
                              kind="composite", family=spec.family, resource=spec.resource))
    return composite
