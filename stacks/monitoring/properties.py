"""A CloudFormation resource's properties read from the jsii runtime in one round trip.

The generated property getters cost a round trip each, and one more for every field of a struct they return and
of every struct inside it (about forty for a metric-math alarm's queries). Code that reads alarms after they are
built (the source-account rewrite, the cross-region actions, the warm-up) reads them here instead: at a few
thousand alarms those round trips were most of an organization's synth.
"""
from __future__ import annotations

from typing import Any

import jsii
from aws_cdk import CfnResource, Stack
from jsii._kernel import _callback_till_result
from jsii._kernel.types import GetRequest, GetResponse, ObjRef

__all__ = ["properties", "plain"]


class _ByRef:
    """A jsii object reference handed back to the runtime as it came (no Python proxy, no field reads)."""

    __jsii_type__ = "Object"

    def __init__(self, ref: ObjRef) -> None:
        self.__jsii_ref__ = ref


def _by_ref(value: Any) -> Any:
    if isinstance(value, ObjRef):
        return _ByRef(value)
    if isinstance(value, list):
        return [_by_ref(v) for v in value]
    if isinstance(value, dict):
        return {k: _by_ref(v) for k, v in value.items()}
    return value


def _pascal(value: Any) -> Any:
    # Resolved structs keep their jsii (camelCase) keys; CloudFormation's are the same words capitalized
    # (metricStat -> MetricStat, accountId -> AccountId); intrinsics (Ref, Fn::Join) are capitalized already.
    if isinstance(value, list):
        return [_pascal(v) for v in value]
    if isinstance(value, dict):
        return {k[:1].upper() + k[1:]: _pascal(v) for k, v in value.items()}
    return value


def _has_ref(value: Any) -> bool:
    if isinstance(value, ObjRef):
        return True
    if isinstance(value, list):
        return any(_has_ref(v) for v in value)
    return isinstance(value, dict) and any(_has_ref(v) for v in value.values())


def properties(node: CfnResource) -> dict[str, Any]:
    """Every property of ``node`` as the jsii runtime holds it, in one round trip: plain values as they are (jsii
    names), tokens as token strings, objects of the runtime (structs, resolvables) as references, which
    ``plain`` turns into values.

    Example
    -------
    >>> from aws_cdk import aws_cloudwatch as cloudwatch
    >>> alarm = cloudwatch.CfnAlarm(Stack(), "A", metric_name="Errors", namespace="AWS/Lambda", period=60,
    ...                             comparison_operator="GreaterThanThreshold", evaluation_periods=1)
    >>> {k: v for k, v in properties(alarm).items() if k in ("metricName", "period")}
    {'metricName': 'Errors', 'period': 60}
    """
    ref: ObjRef = node.__jsii_ref__  # type: ignore[attr-defined]  # every jsii proxy has one; stubs omit it
    response = jsii.kernel.provider.get(GetRequest(objref=ref, property="cfnProperties"))
    raw = response.value if isinstance(response, GetResponse) else _callback_till_result(
        jsii.kernel, response, GetResponse)  # a getter that calls into Python first (none of CloudWatch's)
    return dict(raw or {})


def plain(stack: Stack, value: Any) -> Any:
    """A value of ``properties`` with CloudFormation keys, references resolved in the runtime (one round trip,
    none when there is no reference).

    Example
    -------
    >>> from aws_cdk import App
    >>> plain(Stack(App(), "S"), [{"name": "FunctionName", "value": "f"}])
    [{'Name': 'FunctionName', 'Value': 'f'}]
    """
    return _pascal(stack.resolve(_by_ref(value)) if _has_ref(value) else value)
