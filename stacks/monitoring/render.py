"""Plan specs as CDK objects: a MetricSpec becomes a ``cloudwatch.Metric``, a MathSpec a ``MathExpression``.

``${AWS::Partition}``, ``${AWS::Region}`` and ``${AWS::AccountId}`` in a dimension value become the stack's
pseudo parameters, resolved at deploy (the plan is pure data and knows no account).
"""
from __future__ import annotations

import re
from functools import lru_cache

from aws_cdk import Aws, Duration, aws_cloudwatch as cloudwatch
from constructs import Construct

from plan.deploy_time import is_deploy_time
from plan.signals import MathSpec, MetricLike, MetricSpec
from stacks.monitoring.deploy_ids import resolve_key

__all__ = ["render_metric", "seconds"]

_PSEUDO = re.compile(r"\$\{(AWS::Partition|AWS::Region|AWS::AccountId)\}")
_TOKENS = {"AWS::Partition": Aws.PARTITION, "AWS::Region": Aws.REGION, "AWS::AccountId": Aws.ACCOUNT_ID}


@lru_cache(maxsize=None)
def seconds(value: int) -> Duration:
    """A shared Duration per period: each new one is a round trip to the jsii runtime, which adds up at
    thousands of alarms."""
    return Duration.seconds(value)


def _value(text: str) -> str:
    # Concatenating the pseudo-parameter tokens gives the same Fn::Join an f-string of them gives.
    return _PSEUDO.sub(lambda m: _TOKENS[m.group(1)], text)


def _metric(spec: MetricSpec, scope: Construct | None = None, region: str | None = None) -> cloudwatch.Metric:
    return cloudwatch.Metric(namespace=spec.namespace, metric_name=spec.name,
                             dimensions_map={k: _dimension(v, scope, region) for k, v in spec.dimensions},
                             statistic=spec.statistic, period=seconds(spec.period), label=spec.label,
                             account=spec.account_id, region=spec.region)


def _dimension(value: str, scope: Construct | None, region: str | None) -> str:
    # A key made at deploy (plan/deploy_time.py) is read from the service's stack by the rendering stack.
    if is_deploy_time(value):
        if scope is None:
            raise ValueError(f"the dimension value {value!r} is read at deploy: render it with its stack's scope")
        return resolve_key(scope, value, region)
    return _value(value)


def render_metric(spec: MetricLike, scope: Construct | None = None, region: str | None = None) -> cloudwatch.IMetric:
    """The CDK metric of a plan spec; ``scope`` (a construct of the rendering stack) and ``region`` (where
    services without their own region run) are needed for dimension values read at deploy.

    Example
    -------
    >>> from plan.signals import metric
    >>> render_metric(metric("AWS/Lambda", "Errors", {"FunctionName": "f"}, "Sum", 60)).period.to_seconds()
    60
    """
    if isinstance(spec, MathSpec):
        return cloudwatch.MathExpression(expression=spec.expression,
                                         using_metrics={k: _metric(m, scope, region) for k, m in spec.using},
                                         label=spec.label, period=seconds(spec.period))
    return _metric(spec, scope, region)
