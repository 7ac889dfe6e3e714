"""A log group with the environment's retention (config holds days; CDK's enum wants names)."""
from __future__ import annotations

from aws_cdk import RemovalPolicy, aws_logs as logs
from constructs import Construct

from stacks.cfn import cfn_resource

__all__ = ["retained_log_group"]


def retained_log_group(scope: Construct, construct_id: str, name: str, days: int) -> logs.LogGroup:
    """A log group named ``name`` keeping events ``days`` days (config validated it is a CloudWatch value).

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> stack = Stack(App(), "Example")
    >>> retained_log_group(stack, "Logs", "/aws/lambda/f", 14).node.id
    'Logs'
    """
    group = logs.LogGroup(scope, construct_id, log_group_name=name, removal_policy=RemovalPolicy.DESTROY)
    cfn_resource(group, logs.CfnLogGroup).retention_in_days = days
    return group
