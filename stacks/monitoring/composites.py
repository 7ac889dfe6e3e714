"""Composite alarms outside the plan (an extra region's canary rollup): "any of these children", planned with
the plan's ``any_of`` (which nests children into ``-groupN`` composites under CloudWatch's rule limits) and
rendered by the one composite factory.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from aws_cdk import aws_cloudwatch as cloudwatch, aws_sns as sns
from constructs import Construct

from config.schema import EnvironmentConfig
from plan import build
from plan.enums import Severity
from stacks.monitoring.alarm_factory import CreatedComposite, render_composite

__all__ = ["Child", "CompositeSpec", "any_of"]


@dataclass(frozen=True)
class Child:
    """A child alarm and its name."""

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


def any_of(scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, spec: CompositeSpec,
           children: Sequence[Child], runbook_base_url: str) -> list[CreatedComposite]:
    """The composites of "any of ``children``": the ``-groupN`` ones CloudWatch's limits need, then the top one
    (last); empty when there are no children.

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> from config.loader import load_config
    >>> cfg, stack = load_config("dev"), Stack(App(), "Example")
    >>> names = ["watchtower-dev-demo-canary-a-critical", "watchtower-dev-demo-canary-b-critical"]
    >>> children = [Child(cloudwatch.Alarm.from_alarm_name(stack, name, name), name) for name in names]
    >>> made = any_of(stack, "Composite", cfg=cfg, spec=CompositeSpec("demo", "canary-us-east-1", "Canary",
    ...               "critical", "canary"), children=children, runbook_base_url=cfg.runbook_base_url)
    >>> made[-1].entry.name  # the composite that acts
    'watchtower-dev-demo-canary-us-east-1-Canary-critical'
    """
    severity = Severity(spec.severity)
    plans = build.any_of(cfg, service=spec.service, resource=spec.resource, signal=spec.signal, severity=severity,
                         what=spec.what, children=[c.name for c in children], stack="", construct_id=construct_id,
                         base_url=runbook_base_url, family=spec.family,
                         topic=severity if spec.topic is not None else None,
                         suppressor="suppressor" if spec.suppressor is not None else None)
    alarms = {c.name: c.alarm for c in children}
    made: list[CreatedComposite] = []
    for index, entry in enumerate(plans):
        top = index == len(plans) - 1
        created = render_composite(scope, entry.construct_id, cfg=cfg,
                                   entry=entry, alarm_of=alarms.__getitem__,
                                   topics={str(severity): spec.topic} if top and spec.topic is not None else None,
                                   suppressor=spec.suppressor if top else None)
        alarms[entry.name] = created.alarm
        made.append(created)
    return made
