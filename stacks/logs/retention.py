"""Hot retention on log groups this app does not own (they belong to the services' own stacks):
``logs.LogRetention`` sets the policy on an existing group, or creates the group if it is missing."""
from __future__ import annotations

from aws_cdk import ArnFormat, CfnResource, Stack, aws_iam as iam, aws_logs as logs
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
            _only_these_groups(Stack.of(self), log_groups)


def _only_these_groups(stack: Stack, log_groups: list[str]) -> None:
    """CDK gives its retention provider logs:PutRetentionPolicy/DeleteRetentionPolicy on every log group of the
    account (``Resource: *``); it only ever sets the groups listed here, so its policy names exactly those (the
    group's ARN, and the ``:*`` form CloudWatch Logs reports for the same group)."""
    provider = stack.node.try_find_child(_PROVIDER_ID)
    if provider is None:
        return
    policy = provider.node.find_child("ServiceRole").node.find_child("DefaultPolicy")
    arns = []
    for group in log_groups:
        arn = stack.format_arn(service="logs", resource="log-group", resource_name=group,
                               arn_format=ArnFormat.COLON_RESOURCE_NAME)
        arns += [arn, f"{arn}:*"]
        suppress(policy, f"AwsSolutions-IAM5[Resource::{_shown(stack, arn)}:*]",
                 "the ':*' form of the one log group this retention provider manages (CloudWatch Logs' own ARN)")
    cfn = cfn_resource(policy, iam.CfnPolicy)
    document = stack.resolve(cfn.policy_document)  # complete: every LogRetention of the stack exists
    for statement in document["Statement"]:
        if statement.get("Resource") == "*":
            statement["Resource"] = stack.resolve(arns)
    cfn.policy_document = document


def _shown(stack: Stack, arn: str) -> str:
    """``arn`` as cdk-nag prints it in a finding: tokens as ``<AWS::Region>`` and the like."""
    resolved = stack.resolve(arn)
    if isinstance(resolved, str):
        return resolved
    parts = resolved["Fn::Join"][1]
    return "".join(p if isinstance(p, str) else f"<{p['Ref']}>" for p in parts)


def _acknowledge_provider(stack: Stack) -> None:
    """CDK's LogRetention provider (one Lambda per stack) is CDK-managed: accept its findings, on it only."""
    provider = stack.node.try_find_child(_PROVIDER_ID)
    if provider is None:
        return
    role = provider.node.find_child("ServiceRole")
    suppress(role, "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                   "AWSLambdaBasicExecutionRole]",
             "CDK's LogRetention provider logs through AWSLambdaBasicExecutionRole; the function is CDK-managed")
    # CDK adds both a GetAtt and an explicit DependsOn on the role; cfn-lint W3005 flags the redundancy.
    cfn_resource(provider, CfnResource).add_metadata("cfn-lint", {"config": {"ignore_checks": ["W3005"]}})
