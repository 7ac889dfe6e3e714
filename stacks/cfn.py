"""Reach the CloudFormation (L1) resource under an L2 construct, typed.

CDK types ``node.default_child`` as an optional ``IConstruct``, so every override written through it is unchecked;
these helpers say which L1 class is expected and fail at synth, naming the construct, when it is not there.
"""
from __future__ import annotations

from typing import TypeVar

from aws_cdk import CfnResource
from constructs import IConstruct

__all__ = ["cfn_child", "cfn_resource"]

_Cfn = TypeVar("_Cfn", bound=CfnResource)


def cfn_resource(construct: IConstruct, kind: type[_Cfn]) -> _Cfn:
    """The L1 resource ``construct`` wraps, as ``kind``.

    Example
    -------
    >>> from aws_cdk import App, Stack, aws_sqs as sqs
    >>> queue = sqs.Queue(Stack(App(), "Example"), "Queue")
    >>> type(cfn_resource(queue, sqs.CfnQueue)).__name__
    'CfnQueue'
    >>> cfn_resource(queue, sqs.CfnQueuePolicy)
    Traceback (most recent call last):
    ...
    TypeError: Example/Queue: expected a CfnQueuePolicy under it, found CfnQueue
    """
    child = construct.node.default_child
    if not isinstance(child, kind):
        found = type(child).__name__ if child is not None else "nothing"
        raise TypeError(f"{construct.node.path}: expected a {kind.__name__} under it, found {found}")
    return child


def cfn_child(construct: IConstruct, child_id: str, kind: type[_Cfn]) -> _Cfn:
    """The L1 resource of ``construct``'s child ``child_id`` (e.g. a role's ``DefaultPolicy``), as ``kind``.

    Example
    -------
    >>> from aws_cdk import App, Stack, aws_iam as iam
    >>> role = iam.Role(Stack(App(), "Example"), "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    >>> role.add_to_policy(iam.PolicyStatement(actions=["sqs:SendMessage"], resources=["*"]))
    True
    >>> type(cfn_child(role, "DefaultPolicy", iam.CfnPolicy)).__name__
    'CfnPolicy'
    """
    return cfn_resource(construct.node.find_child(child_id), kind)
