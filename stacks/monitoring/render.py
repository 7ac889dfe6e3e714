"""Plan specs as CDK objects: a MetricSpec becomes a ``cloudwatch.Metric``, a MathSpec a ``MathExpression``.

``${AWS::Partition}``, ``${AWS::Region}`` and ``${AWS::AccountId}`` in a dimension value become the stack's
pseudo parameters, resolved at deploy (the plan is pure data and knows no account).
"""
from __future__ import annotations

import re
from functools import lru_cache

from aws_cdk import Aws, Duration, aws_cloudwatch as cloudwatch

from plan.signals import MathSpec, MetricLike, MetricSpec

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


# One CDK object per distinct spec: metrics are immutable values rendered into each alarm that uses them, and
# the warning and critical alarms of one family (and the math of several families) share their metrics, so
# each repeat would be another object built in the jsii runtime.
@lru_cache(maxsize=None)
def _metric(spec: MetricSpec) -> cloudwatch.Metric:
    return cloudwatch.Metric(namespace=spec.namespace, metric_name=spec.name,
                             dimensions_map={k: _value(v) for k, v in spec.dimensions},
                             statistic=spec.statistic, period=seconds(spec.period), label=spec.label,
                             account=spec.account_id, region=spec.region)


def render_metric(spec: MetricLike) -> cloudwatch.IMetric:
    """The CDK metric of a plan spec.

    Example
    -------
    >>> from plan.signals import metric
    >>> render_metric(metric("AWS/Lambda", "Errors", {"FunctionName": "f"}, "Sum", 60)).period.to_seconds()
    60
    """
    return _math(spec) if isinstance(spec, MathSpec) else _metric(spec)


@lru_cache(maxsize=None)
def _math(spec: MathSpec) -> cloudwatch.MathExpression:
    return cloudwatch.MathExpression(expression=spec.expression,
                                     using_metrics={k: _metric(m) for k, m in spec.using},
                                     label=spec.label, period=seconds(spec.period))
