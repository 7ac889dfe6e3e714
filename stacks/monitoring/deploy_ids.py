"""Metric keys read at deploy: a plan's ``DeployTimeName`` becomes a value CloudFormation resolves.

For each resource whose key is made at deploy, the monitoring stack gets one ``AwsCustomResource`` that calls
CloudFormation ``DescribeStackResource`` (a read) for that logical id of the service's stack, on create and on
update; the metric key is ``Fn::Select`` over ``Fn::Split`` of the physical id it returns (plan/deploy_time.py
says how per type).

One custom resource per resource rather than one per stack: ``DescribeStackResource`` answers exactly one
logical id with a fixed response path (``StackResourceDetail.PhysicalResourceId``), while the stack-wide
``DescribeStackResources`` answers a list whose order is not part of the API, so picking an entry by index
could silently read the wrong resource. All of them share CDK's one provider function per stack, and each adds
one policy statement scoped to the service stack's ARN (``stack/NAME/*``: CloudFormation puts the stack's id
after its name), so the read is least privilege. The resource's definition in the template is hashed into the
custom resource's physical id, so replacing the resource (a changed definition) updates the read as well.

Example
-------
>>> from aws_cdk import App, Stack, Token
>>> from plan.deploy_time import deploy_time_name
>>> stack = Stack(App(), "Example")
>>> value = resolve_key(stack, deploy_time_name("AWS::CloudFront::Distribution", "shop-prod", "Cdn"), "eu-west-1")
>>> Token.is_unresolved(value)
True
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from typing import Any

from aws_cdk import Aws, Fn, Stack, Token, custom_resources as cr
from constructs import Construct

from config.errors import InputError
from plan.deploy_time import DeployTimeKey, DeployTimeName, is_deploy_time
from plan.signals import MathSpec, MetricLike, MetricSpec
from stacks.nag import suppress

__all__ = ["DeployTimeError", "DeployTimeIds", "resolve_key", "resolve_spec", "RESPONSE_FIELD"]

RESPONSE_FIELD = "StackResourceDetail.PhysicalResourceId"
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9]")


class DeployTimeError(InputError):
    """A key read at deploy cannot be read from where it is rendered; the message is one line."""


class DeployTimeIds(Construct):
    """The deploy-time reads of one monitoring stack, one custom resource per (service stack, logical id)."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self._reads: dict[tuple[str, str, str], cr.AwsCustomResource] = {}

    @classmethod
    def of(cls, scope: Construct) -> "DeployTimeIds":
        """The stack's one set of reads (made on first use)."""
        stack = Stack.of(scope)
        found = stack.node.try_find_child("DeployTimeIds")
        return found if isinstance(found, DeployTimeIds) else cls(stack, "DeployTimeIds")

    def physical_id(self, key: DeployTimeKey, default_region: str | None) -> str:
        """The physical id of ``key``'s resource, as a token resolved at deploy."""
        region = key.region or default_region
        home = Stack.of(self).region
        if region is None and not Token.is_unresolved(home):
            # A stack pinned to a region (CloudFront's us-east-1) would read its own region's stacks.
            raise DeployTimeError(f"{key.logical_id} of stack '{key.stack}' is read at deploy from a stack pinned to "
                                  f"{home}, but the environment names no region: give the environment (or the "
                                  "service) a region")
        found = self._reads.get((key.stack, key.logical_id, region or ""))
        if found is None:
            # The stack's id follows its name in the ARN and is made at create: the one wildcard the read needs.
            stack_arn = (f"arn:{Aws.PARTITION}:cloudformation:{region or Aws.REGION}:{Aws.ACCOUNT_ID}:stack/"
                         f"{key.stack}/*")
            revision = key.revision or hashlib.sha256(json.dumps([key.resource_type]).encode()).hexdigest()[:12]
            call = cr.AwsSdkCall(
                service="CloudFormation", action="describeStackResource",
                parameters={"StackName": key.stack, "LogicalResourceId": key.logical_id}, region=region,
                physical_resource_id=cr.PhysicalResourceId.of(f"{key.stack}/{key.logical_id}/{revision}"),
                output_paths=[RESPONSE_FIELD])
            node_id = _ID_UNSAFE.sub("", f"{key.stack.title()}{key.logical_id}{(region or '').title()}")[:200]
            found = cr.AwsCustomResource(
                self, node_id, on_create=call, on_update=call, install_latest_aws_sdk=False,
                policy=cr.AwsCustomResourcePolicy.from_sdk_calls(resources=[stack_arn]))
            shown = f"arn:<AWS::Partition>:cloudformation:{region or '<AWS::Region>'}:<AWS::AccountId>:stack/" \
                    f"{key.stack}/*"
            policy = found.node.try_find_child("CustomResourcePolicy")
            if policy is not None:
                suppress(policy, f"AwsSolutions-IAM5[Resource::{shown}]", "DescribeStackResource on the one "
                         "service stack it reads; the wildcard is the stack id CloudFormation appends at create")
            self._reads[(key.stack, key.logical_id, region or "")] = found
            _acknowledge(self)
        return found.get_response_field(RESPONSE_FIELD)


def _acknowledge(reads: DeployTimeIds) -> None:
    """The findings of CDK's shared provider function, which this module does not write (once per stack)."""
    stack = Stack.of(reads)
    provider = stack.node.try_find_child("AWS679f53fac002430cb0da5b7982bd2287")
    if provider is None or getattr(reads, "_acknowledged", False):
        return
    object.__setattr__(reads, "_acknowledged", True)
    suppress(provider, "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
             "AWSLambdaBasicExecutionRole]", "CDK's AwsCustomResource provider role: the basic execution policy "
             "only lets it write its own logs")
    suppress(provider, "AwsSolutions-L1", "CDK's AwsCustomResource provider runtime is chosen by the CDK version "
             "pinned in package.json, not by this app")
    # CDK also lists the role in DependsOn, which its GetAtt of the role already enforces (cfn-lint W3005).
    function = provider.node.default_child
    if function is not None:
        function.add_deletion_override("DependsOn")  # type: ignore[attr-defined]


def resolve_key(scope: Construct, value: Any, default_region: str | None = None) -> Any:
    """``value`` as CloudFormation should see it: a ``DeployTimeName`` becomes the deploy-time token of its
    key (Fn::Select over Fn::Split of the physical id), anything else is returned as it is."""
    if not isinstance(value, DeployTimeName):
        return value
    key = value.key
    physical = DeployTimeIds.of(scope).physical_id(key, default_region)
    derived = physical if key.split is None else Fn.select(key.index, Fn.split(key.split, physical))
    return key.prefix + derived if key.prefix else derived


def resolve_spec(scope: Construct, spec: MetricLike, default_region: str | None = None) -> MetricLike:
    """``spec`` with every dimension value read at deploy replaced by this stack's token (a plain string to
    the renderer); a spec without one is returned as it is, so rendering can share it.

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> from plan.signals import metric
    >>> spec = metric("AWS/Lambda", "Errors", {"FunctionName": "orders"}, "Sum", 60)
    >>> resolve_spec(Stack(App(), "Example"), spec) is spec
    True
    """
    if isinstance(spec, MathSpec):
        using = tuple((k, _resolved(scope, m, default_region)) for k, m in spec.using)
        changed = any(new is not old for (_, new), (_, old) in zip(using, spec.using, strict=True))
        return replace(spec, using=using) if changed else spec
    return _resolved(scope, spec, default_region)


def _resolved(scope: Construct, spec: MetricSpec, default_region: str | None) -> MetricSpec:
    if not any(is_deploy_time(v) for _, v in spec.dimensions):
        return spec
    return replace(spec, dimensions=tuple((k, resolve_key(scope, v, default_region)) for k, v in spec.dimensions))
