"""The ErrorLogs family as CloudWatch log alarms (``AWS::CloudWatch::LogAlarm``, L1 only): a Logs Insights query
run on a schedule counts a function's ERROR and CRITICAL lines, and the alarm fires when M of the last N runs
exceed the threshold, with the matching lines in its notification. It replaces the metric filter plus metric
alarm pair (no custom metric to pay for, and the lines that broke come with the alert).

A log alarm is not made a child of the service's composites (AWS documents composite children as metric and
composite alarms); it notifies the given topic itself, on ALARM and on OK. Its name uses the signal
``ErrorLogLines`` so that switching a function over never reuses the name of the metric alarm it replaces.
"""
from __future__ import annotations

from aws_cdk import ArnFormat, Stack, aws_cloudwatch as cloudwatch, aws_iam as iam, aws_sns as sns
from constructs import Construct

from config.schema import EnvironmentConfig
from config.services import FunctionRef
from dashboards.model import AlarmRef
from plan.catalog import GT, NOT_BREACHING, Threshold
from stacks.monitoring.alarm_factory import describe, runbook_url, tag_alarm
from stacks.nag import suppress
from stacks.naming import alarm_name

__all__ = ["ERROR_LINES_QUERY", "ErrorLogAlarm", "error_log_alarm", "log_group_of", "FAMILY", "SIGNAL"]

FAMILY = "ErrorLogs"  # the runbook and override family stay ErrorLogs
SIGNAL = "ErrorLogLines"
# Powertools JSON logs carry the level in the 'level' field (Logs Insights discovers JSON fields).
ERROR_LINES_QUERY = ('fields @timestamp, level, message, @logStream | filter level = "ERROR" or level = "CRITICAL" '
                     '| sort @timestamp desc')
_ROLE_ID = "ErrorLogAlarmQueryRole"


def log_group_of(fn: FunctionRef) -> str:
    """The function's log group: configured, else Lambda's default.

    Example
    -------
    >>> log_group_of(FunctionRef(name="orders-create"))
    '/aws/lambda/orders-create'
    """
    return fn.log_group or f"/aws/lambda/{fn.name}"


class ErrorLogAlarm:
    """One created log alarm and its dashboard reference."""

    def __init__(self, alarm: cloudwatch.CfnLogAlarm, ref: AlarmRef) -> None:
        self.alarm = alarm
        self.ref = ref


class _QueryRole(Construct):
    """A role the alarms' scheduled queries run as, and that fetches the matching lines, for up to
    ``GROUPS_PER_ROLE`` log groups (an inline role policy holds at most 10,240 characters)."""

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig) -> None:
        super().__init__(scope, construct_id)
        self.groups: list[str] = []
        self._reads: iam.PolicyStatement | None = None
        self.role = iam.Role(
            self, "Role",
            description=f"{cfg.app} {cfg.env}: runs the ErrorLogs log alarms' Logs Insights queries and reads "
                        "the matching lines for their notifications",
            # The log-alarm docs name "the CloudWatch Alarms service" without its principal; the scheduled
            # query itself is a CloudWatch Logs feature. Both are trusted, for this role's read-only rights.
            assumed_by=iam.CompositePrincipal(iam.ServicePrincipal("cloudwatch.amazonaws.com"),
                                              iam.ServicePrincipal("logs.amazonaws.com")))
        # StopQuery and GetQueryResults take no resource: a query id is not a log group.
        self.role.add_to_policy(iam.PolicyStatement(actions=["logs:GetQueryResults", "logs:StopQuery"],
                                                    resources=["*"]))
        suppress(self.role, "AwsSolutions-IAM5[Resource::*]",
                 "logs:GetQueryResults and logs:StopQuery act on query ids and accept no resource other than *")

    def allow(self, group: str) -> None:
        if group in self.groups:
            return
        self.groups.append(group)
        stack = Stack.of(self)
        arn = stack.format_arn(service="logs", resource="log-group", resource_name=f"{group}:*",
                               arn_format=ArnFormat.COLON_RESOURCE_NAME)
        # log-group:NAME:* is how IAM names a log group and its streams.
        suppress(self.role, f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:"
                            f"<AWS::AccountId>:log-group:{group}:*]",
                 "read-only query and read rights on one monitored function's own log group and its streams")
        if self._reads is None:  # one statement for every group keeps the inline policy small
            self._reads = iam.PolicyStatement(
                actions=["logs:StartQuery", "logs:GetLogEvents", "logs:FilterLogEvents", "logs:DescribeLogGroups"],
                resources=[arn])
            self.role.add_to_policy(self._reads)
        else:
            self._reads.add_resources(arn)


GROUPS_PER_ROLE = 40


def _query_role(scope: Construct, cfg: EnvironmentConfig, group: str) -> iam.Role:
    """The stack's query role with room for ``group`` (a new one every GROUPS_PER_ROLE log groups)."""
    stack = Stack.of(scope)
    index = 1
    while True:
        holder = stack.node.try_find_child(f"{_ROLE_ID}{index}")
        if holder is None:
            holder = _QueryRole(stack, f"{_ROLE_ID}{index}", cfg=cfg)
        assert isinstance(holder, _QueryRole)
        if group in holder.groups or len(holder.groups) < GROUPS_PER_ROLE:
            holder.allow(group)
            return holder.role
        index += 1


def error_log_alarm(scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, service: str, resource: str,
                    fn: FunctionRef, threshold: Threshold, severity: str, topic: sns.ITopic | None,
                    runbook_base_url: str, log_lines: int) -> ErrorLogAlarm:
    """A log alarm counting ``fn``'s ERROR/CRITICAL lines per period: ALARM when more than ``threshold.value``
    lines arrive in ``threshold.datapoints`` of the last ``threshold.evaluation_periods`` query runs.

    Example
    -------
    >>> from aws_cdk import App
    >>> from config.loader import load_config
    >>> cfg = load_config("prod")
    >>> made = error_log_alarm(Stack(App(), "Example"), "OrdersCreateErrorLogs", cfg=cfg, service="orders",
    ...                        resource="orders-create", fn=FunctionRef(name="orders-create"),
    ...                        threshold=Threshold(10, period=300), severity="warning", topic=None,
    ...                        runbook_base_url=cfg.runbook_base_url, log_lines=10)
    >>> made.ref.name
    'watchtower-prod-orders-orders-create-ErrorLogLines-warning'
    """
    group = log_group_of(fn)
    role = _query_role(scope, cfg, group)
    name = alarm_name(cfg, service, resource, SIGNAL, severity)
    minutes = max(threshold.period // 60, 1)
    summary = (f"{severity.upper()} {FAMILY}: more than {threshold.value:g} ERROR/CRITICAL log lines of {resource} "
               f"(service {service}, log group {group}) in {threshold.datapoints} of {threshold.evaluation_periods} "
               f"query run(s) of {minutes} min; the notification carries up to {log_lines} matching lines. "
               f"Logs Insights: {ERROR_LINES_QUERY}")
    actions = [topic.topic_arn] if topic is not None else None
    alarm = cloudwatch.CfnLogAlarm(
        scope, construct_id,
        alarm_name=name,
        alarm_description=describe(summary, runbook_url(runbook_base_url, FAMILY)),
        comparison_operator=GT.value,
        threshold=threshold.value,
        query_results_to_evaluate=threshold.evaluation_periods,
        query_results_to_alarm=threshold.datapoints,
        treat_missing_data=NOT_BREACHING.value,
        scheduled_query_configuration=cloudwatch.CfnLogAlarm.ScheduledQueryConfigurationProperty(
            query_string=ERROR_LINES_QUERY,
            aggregation_expression="count(*)",
            log_group_identifiers=[group],
            schedule_configuration=cloudwatch.CfnLogAlarm.ScheduleConfigurationProperty(
                schedule_expression=f"rate({minutes} minute{'s' if minutes > 1 else ''})",
                start_time_offset=minutes * 60),
            scheduled_query_role_arn=role.role_arn),
        action_log_line_count=log_lines,
        action_log_line_role_arn=role.role_arn if log_lines else None,
        alarm_actions=actions,
        ok_actions=actions,
    )
    tag_alarm(alarm, cfg, service, severity)
    ref = AlarmRef(name=name, arn=alarm.attr_arn, service=service, severity=severity, kind="log", family=FAMILY,
                   resource=resource)
    return ErrorLogAlarm(alarm, ref)
