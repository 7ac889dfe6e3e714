"""The router Lambda with its DLQ, state table (de-duplication, groups, open pages), flush queue and
least-privilege role, subscribed to the three severity topics. Environment variables carry secret NAMES only;
values are read at run time."""
from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from aws_cdk import (
    ArnFormat,
    Aws,
    Duration,
    IgnoreMode,
    RemovalPolicy,
    Stack,
    aws_dynamodb as dynamodb,
    aws_iam as iam,
    aws_kms as kms,
    aws_lambda as lambda_,
    aws_lambda_event_sources as event_sources,
    aws_logs as logs,
    aws_sns as sns,
    aws_sqs as sqs,
)
from constructs import Construct

from config.schema import SEVERITIES, EnvironmentConfig
from stacks.cfn import cfn_child, cfn_resource
from stacks.logs.log_alarms import SIGNAL as LOG_ALARM_SIGNAL, log_group_of
from stacks.nag import suppress
from stacks.naming import resource_name, service_label
from stacks.routing.layers import router_layers

__all__ = ["AlertRouter", "router_environment", "ROUTER_PACKAGE", "SECRET_FIELDS"]

LAMBDAS = Path(__file__).resolve().parents[2] / "lambdas"
ROUTER_PACKAGE = "alert_router"
SECRET_FIELDS = {"slack": "slack_secret", "pagerduty": "pagerduty_secret", "teams": "teams_secret"}


def _routes(cfg: EnvironmentConfig) -> dict[str, dict[str, str | None]]:
    routes: dict[str, dict[str, str | None]] = {}
    for severity in SEVERITIES:
        endpoints = cfg.notifications.for_severity(severity)
        channels: dict[str, str | None] = {}
        for channel, field in SECRET_FIELDS.items():
            if getattr(endpoints, field):
                channels[channel] = getattr(endpoints, field)
        if endpoints.emails:
            channels["email"] = None  # the e-mail topic's subscriptions hold the addresses
        if channels:
            routes[severity] = channels
    return routes


def _reads_log_lines(cfg: EnvironmentConfig) -> bool:
    return cfg.log_alarms.enabled and cfg.log_alarms.log_lines > 0


def log_line_groups(cfg: EnvironmentConfig) -> list[str]:
    """The log groups the environment's log alarms query (every listed and discovered function's), sorted.

    Example
    -------
    >>> from config.loader import load_config
    >>> log_line_groups(load_config("dev"))
    ['/aws/lambda/watchtower-dev-demo-api']
    """
    from plan.deploy_time import is_deploy_time
    from plan.discovery import service_resources

    # A function named at deploy has no log alarm (its log group is unnamed at synth).
    return sorted({log_group_of(fn) for service in cfg.services for fn in service_resources(service).functions
                   if not is_deploy_time(fn.name)})


def router_environment(cfg: EnvironmentConfig, *, topics: Mapping[str, sns.ITopic], email_topic: sns.ITopic,
                       dlq_url: str, table_name: str, scope: Construct, flush_queue_url: str = "") -> dict[str, str]:
    """The router's environment variables (see lambdas/alert_router/settings.py): names and numbers only.

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> from config.loader import load_config
    >>> stack, cfg = Stack(App(), "Example"), load_config("prod")
    >>> from stacks.alerting import AlertTopics
    >>> alerting = AlertTopics(stack, "Topics", cfg=cfg)
    >>> env = router_environment(cfg, topics=alerting.topics, email_topic=alerting.email_topic,
    ...                          dlq_url="https://sqs/dlq", table_name="dedup", scope=stack)
    >>> env["DEDUP_WINDOW_SECONDS"]
    '300'
    """
    routing = cfg.routing
    stack = Stack.of(scope)
    return {
        "ROUTES": json.dumps(_routes(cfg), separators=(",", ":"), sort_keys=True),
        "TOPIC_SEVERITIES": stack.to_json_string({topics[s].topic_arn: s for s in SEVERITIES}),
        "DLQ_URL": dlq_url,
        "EMAIL_TOPIC_ARN": email_topic.topic_arn,
        "DEDUP_TABLE_NAME": table_name,
        "DEDUP_WINDOW_SECONDS": str(routing.dedup_window_seconds),
        "MAINTENANCE_WINDOWS": routing.maintenance_json(),
        "RETRY_MAX_ATTEMPTS": str(routing.retry.max_attempts),
        "RETRY_BASE_DELAY_MS": str(routing.retry.base_delay_ms),
        "RETRY_MAX_DELAY_MS": str(routing.retry.max_delay_ms),
        "HTTP_TIMEOUT_MS": str(routing.retry.http_timeout_ms),
        "SECRET_CACHE_SECONDS": str(routing.secret_cache_seconds),
        "ROUTER_NAME": f"{cfg.app}-{cfg.env} alert router",
        # Grouping needs the flush queue; without one the router sends every notification at once.
        "GROUP_WINDOW_SECONDS": str(routing.grouping.window_seconds if flush_queue_url else 0),
        "FLUSH_QUEUE_URL": flush_queue_url,
        "GROUP_CHANNELS": json.dumps(list(routing.grouping.channels), separators=(",", ":")),
        "ALARM_PREFIX": f"{cfg.app}-{cfg.env}-",
        "SERVICES": json.dumps(sorted(service_label(cfg, s.name) for s in cfg.services), separators=(",", ":")),
        "INHIBIT_WARNINGS_WHILE_PAGED": "true" if routing.inhibition.warnings_while_paged else "false",
        "PAGE_OPEN_MAX_SECONDS": str(routing.inhibition.max_page_open_minutes * 60),
        # Log alarms: the router reads their matching lines (none when log alarms are off or show no lines).
        "LOG_ALARM_SIGNALS": json.dumps([LOG_ALARM_SIGNAL] if _reads_log_lines(cfg) else [], separators=(",", ":")),
        "LOG_LINES_MAX": str(min(cfg.log_alarms.log_lines, 10)),
        "POWERTOOLS_SERVICE_NAME": "alert-router",
        "POWERTOOLS_LOG_LEVEL": "INFO",
    }


class AlertRouter(Construct):
    """``function`` (named ``<app>-<env>-alert-router``), ``dlq``, ``table``, ``flush_queue`` (None when grouping
    is off) and ``role``.

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> from config.loader import load_config
    >>> stack, cfg = Stack(App(), "Example"), load_config("prod")
    >>> from stacks.alerting import AlertTopics
    >>> alerting = AlertTopics(stack, "Topics", cfg=cfg)
    >>> router = AlertRouter(stack, "Router", cfg=cfg, topics=alerting.topics, email_topic=alerting.email_topic,
    ...                      key=alerting.key)
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        cfg: EnvironmentConfig,
        topics: Mapping[str, sns.ITopic],
        email_topic: sns.ITopic,
        key: kms.IKey,
        observability_layer: lambda_.ILayerVersion | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        name = resource_name(cfg, "alert-router")
        self.function_name = name
        self.dlq = sqs.Queue(
            self, "DeadLetters",
            queue_name=f"{name}-dlq",  # RoutingStack.dlq_name repeats this for dashboards
            retention_period=Duration.days(cfg.routing.dlq_retention_days),
            # The alert path's customer key: dead letters hold alert contents like the topics do.
            encryption=sqs.QueueEncryption.KMS, encryption_master_key=key,
            enforce_ssl=True,
        )
        suppress(
            self.dlq,
            "AwsSolutions-SQS3",
            "this queue is itself the dead-letter queue of the router (function, subscriptions and failed deliveries)",
        )
        self.table = dynamodb.Table(
            self, "Dedup",
            table_name=resource_name(cfg, "alert-dedup"),
            partition_key=dynamodb.Attribute(name="dedup_id", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            time_to_live_attribute="expires_at",
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True),
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            # Only de-duplication state lives here (minutes of TTL): nothing to keep when the stack goes.
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.flush_queue = self._flush_queue(cfg, name, key) if cfg.routing.grouping.window_seconds > 0 else None
        self.log_group = logs.LogGroup(self, "Logs", log_group_name=f"/aws/lambda/{name}",
                                       removal_policy=RemovalPolicy.DESTROY)
        cfn_resource(self.log_group, logs.CfnLogGroup).retention_in_days = cfg.log_retention_days
        self.role = self._role(cfg, name, email_topic, key)
        self.function = lambda_.Function(
            self, "Function",
            function_name=name,
            description="Routes alerts from the severity topics to Slack, PagerDuty, Teams and e-mail",
            runtime=lambda_.Runtime.PYTHON_3_12,
            architecture=lambda_.Architecture.ARM_64,
            handler=f"{ROUTER_PACKAGE}.app.handler",
            code=lambda_.Code.from_asset(str(LAMBDAS), exclude=_others(), ignore_mode=IgnoreMode.GIT),
            layers=router_layers(self, cfg, observability_layer),
            memory_size=cfg.routing.function.memory_mb,
            timeout=Duration.seconds(cfg.routing.function.timeout_seconds),
            reserved_concurrent_executions=cfg.routing.function.reserved_concurrency,
            role=self.role,
            log_group=self.log_group,
            environment=router_environment(cfg, topics=topics, email_topic=email_topic, dlq_url=self.dlq.queue_url,
                                           table_name=self.table.table_name, scope=self,
                                           flush_queue_url=self.flush_queue.queue_url if self.flush_queue else ""),
        )
        cfn_function = cfn_resource(self.function, lambda_.CfnFunction)
        # Crashes and timeouts (the handler itself never raises on bad input) land in the same DLQ, after Lambda's
        # default two async retries. Set on the L1: the L2 option re-adds a DependsOn on the role (cfn-lint W3005);
        # the role already may send to the queue.
        cfn_function.dead_letter_config = lambda_.CfnFunction.DeadLetterConfigProperty(target_arn=self.dlq.queue_arn)
        # Lambda makes the function DependsOn the role, which the Role GetAtt already implies (cfn-lint W3005);
        # keep only the wait for the role's policy, so the first invocation can already read secrets.
        policy = cfn_child(self.role, "DefaultPolicy", iam.CfnPolicy)
        cfn_function.add_override("DependsOn", [Stack.of(self).get_logical_id(policy)])
        suppress(self.function, "AwsSolutions-L1",
                 "python3.12 is the project's pinned Lambda runtime (docs/DEVELOPING.md); upgrades go through review")
        self._subscribe(topics)
        self._allow_alarm_actions(cfg)
        if self.flush_queue is not None:
            # One group per invocation (each gets the whole timeout for its retries), and few at a time: the
            # flushes of a storm are what would otherwise hit the webhooks all at once (the storm benchmark runs
            # three router instances too).
            self.function.add_event_source(event_sources.SqsEventSource(self.flush_queue, batch_size=1,
                                                                        max_concurrency=3))

    def _flush_queue(self, cfg: EnvironmentConfig, name: str, key: kms.IKey) -> sqs.Queue:
        # Each message ends one grouping window (sent with DelaySeconds = the window). Lambda's SQS guidance: a
        # visibility timeout of six times the function timeout, so a slow flush is not handed out twice.
        return sqs.Queue(
            self, "Flush",
            queue_name=f"{name}-flush",
            visibility_timeout=Duration.seconds(6 * cfg.routing.function.timeout_seconds),
            retention_period=Duration.days(1),
            # Flush messages name a group of alerts: the alert path's customer key, like the DLQ and the topics.
            encryption=sqs.QueueEncryption.KMS, encryption_master_key=key,
            enforce_ssl=True,
            # A flush that keeps crashing ends in the router's DLQ; the group itself stays in the table (a day).
            dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=5, queue=self.dlq),
        )

    def _role(self, cfg: EnvironmentConfig, name: str, email_topic: sns.ITopic, key: kms.IKey) -> iam.Role:
        role = iam.Role(self, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                        description=f"{name}: read its secrets, write dedup items, publish e-mails, dead-letter")
        self.log_group.grant_write(role)
        self.dlq.grant_send_messages(role)
        # Item-level calls only (no Scan or Query): de-duplication puts, group and page updates, the flush's
        # read, move (a transaction of a put and a delete) and delete.
        self.table.grant(role, "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:GetItem", "dynamodb:DeleteItem")
        if self.flush_queue is not None:
            self.flush_queue.grant_send_messages(role)
        role.add_to_policy(iam.PolicyStatement(actions=["sns:Publish"], resources=[email_topic.topic_arn]))
        # Publishing to a KMS-encrypted topic needs the key; an identity policy avoids a cross-stack key-policy edit.
        role.add_to_policy(iam.PolicyStatement(actions=["kms:GenerateDataKey", "kms:Decrypt"], resources=[key.key_arn]))
        secret_names = sorted({getattr(cfg.notifications.for_severity(s), f)
                               for s in SEVERITIES for f in SECRET_FIELDS.values()} - {None})
        if secret_names:
            role.add_to_policy(iam.PolicyStatement(
                actions=["secretsmanager:GetSecretValue"],
                # Secrets Manager appends 6 random characters to every secret ARN.
                resources=[f"arn:{Aws.PARTITION}:secretsmanager:{Aws.REGION}:{Aws.ACCOUNT_ID}:secret:{n}-??????"
                           for n in secret_names],
            ))
        if _reads_log_lines(cfg):
            self._allow_log_lines(cfg, role)
        return role

    def _allow_log_lines(self, cfg: EnvironmentConfig, role: iam.Role) -> None:
        # A log alarm's message shows its matching lines: the router looks the alarm up (its log groups and query
        # window) and reads the ERROR/CRITICAL lines of those groups, read-only.
        stack = Stack.of(self)
        # This environment's alarms only (the naming contract); a refused lookup sends the message without lines.
        role.add_to_policy(iam.PolicyStatement(
            actions=["cloudwatch:DescribeAlarms"],
            resources=[f"arn:{stack.partition}:cloudwatch:{stack.region}:{stack.account}:alarm:{cfg.app}-{cfg.env}-*"]))
        suppress(role, f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:"
                       f"alarm:{cfg.app}-{cfg.env}-*]",
                 "read-only DescribeAlarms on this environment's own alarms, whose names share its prefix")
        groups = log_line_groups(cfg)
        arns = [stack.format_arn(service="logs", resource="log-group", resource_name=group,
                                 arn_format=ArnFormat.COLON_RESOURCE_NAME) for group in groups]
        if arns:
            role.add_to_policy(iam.PolicyStatement(actions=["logs:FilterLogEvents"], resources=arns))

    def _subscribe(self, topics: Mapping[str, sns.ITopic]) -> None:
        # Subscriptions live in this stack (not via topic.add_subscription) so the alerting stack never
        # depends on the router stack.
        for severity in SEVERITIES:
            topic = topics[severity]
            sns.Subscription(self, f"{severity.capitalize()}Subscription", topic=topic,
                             endpoint=self.function.function_arn, protocol=sns.SubscriptionProtocol.LAMBDA,
                             dead_letter_queue=self.dlq)
            self.function.add_permission(
                f"Invoke{severity.capitalize()}",
                principal=iam.ServicePrincipal("sns.amazonaws.com"),
                source_arn=topic.topic_arn,
            )

    def _allow_alarm_actions(self, cfg: EnvironmentConfig) -> None:
        # An alarm can name the router as its action and invoke it directly (the router reads that payload). Only
        # this environment's alarms, in this account and region, may do so.
        stack = Stack.of(self)
        self.function.add_permission(
            "InvokeFromAlarms",
            principal=iam.ServicePrincipal("lambda.alarms.cloudwatch.amazonaws.com"),
            action="lambda:InvokeFunction",
            source_account=stack.account,
            source_arn=f"arn:{stack.partition}:cloudwatch:{stack.region}:{stack.account}:alarm:{cfg.app}-{cfg.env}-*",
        )


def _others() -> list[str]:
    """Asset exclusions: everything under lambdas/ except the router package (anchored, git-ignore style)."""
    return [f"/{p.name}" for p in LAMBDAS.iterdir() if p.name != ROUTER_PACKAGE] + ["__pycache__", "*.pyc"]
