"""Hot retention on log groups this app does not own (they belong to the services' own stacks):
``logs.LogRetention`` sets the policy on an existing group, or creates the group if it is missing."""
from __future__ import annotations

from aws_cdk import CfnResource, Stack, aws_logs as logs
from constructs import Construct

from stacks.cfn import cfn_resource
from stacks.nag import suppress

__all__ = ["FunctionLogRetention", "retention_days_enum"]

_BY_DAYS = {
    1: "ONE_DAY", 3: "THREE_DAYS", 5: "FIVE_DAYS", 7: "ONE_WEEK", 14: "TWO_WEEKS", 30: "ONE_MONTH",
    60: "TWO_MONTHS", 90: "THREE_MONTHS", 120: "FOUR_MONTHS", 150: "FIVE_MONTHS", 180: "SIX_MONTHS",
    365: "ONE_YEAR", 400: "THIRTEEN_MONTHS", 545: "EIGHTEEN_MONTHS", 731: "TWO_YEARS", 1096: "THREE_YEARS",
    1827: "FIVE_YEARS", 2192: "SIX_YEARS", 2557: "SEVEN_YEARS", 2922: "EIGHT_YEARS", 3288: "NINE_YEARS",
    3653: "TEN_YEARS",
}
# The singleton Lambda CDK adds to every stack that uses LogRetention.
_PROVIDER_ID = "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a"


def retention_days_enum(days: int) -> logs.RetentionDays:
    """The CDK enum member for ``days`` (one of CloudWatch's allowed values).

    Example
    -------
    >>> retention_days_enum(30)
    <RetentionDays.ONE_MONTH: 'ONE_MONTH'>
    """
    if days not in _BY_DAYS:
        raise ValueError(f"{days} is not a CloudWatch Logs retention; allowed: {', '.join(map(str, _BY_DAYS))}")
    return getattr(logs.RetentionDays, _BY_DAYS[days])


class FunctionLogRetention(Construct):
    """``retention`` maps log group name to its LogRetention custom resource.

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> stack = Stack(App(), "Example")
    >>> retention = FunctionLogRetention(stack, "Retention", log_groups=["/aws/lambda/orders-create"], days=30)
    """

    def __init__(self, scope: Construct, construct_id: str, *, log_groups: list[str], days: int) -> None:
        super().__init__(scope, construct_id)
        self.retention: dict[str, logs.LogRetention] = {}
        for index, group in enumerate(log_groups):
            self.retention[group] = logs.LogRetention(
                self, f"Group{index}", log_group_name=group, retention=retention_days_enum(days)
            )
        if log_groups:
            _acknowledge_provider(Stack.of(self))


def _acknowledge_provider(stack: Stack) -> None:
    """CDK's LogRetention provider (one Lambda per stack) is CDK-managed: accept its findings, on it only."""
    provider = stack.node.try_find_child(_PROVIDER_ID)
    if provider is None:
        return
    role = provider.node.find_child("ServiceRole")
    suppress(role, "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                   "AWSLambdaBasicExecutionRole]",
             "CDK's LogRetention provider logs through AWSLambdaBasicExecutionRole; the function is CDK-managed")
    suppress(role, "AwsSolutions-IAM5[Resource::*]",
             "CDK's LogRetention provider sets retention on log groups named at deploy time, so it needs "
             "logs:PutRetentionPolicy/DeleteRetentionPolicy on log groups it cannot know in advance")
    # CDK adds both a GetAtt and an explicit DependsOn on the role; cfn-lint W3005 flags the redundancy.
    cfn_resource(provider, CfnResource).add_metadata("cfn-lint", {"config": {"ignore_checks": ["W3005"]}})
