"""The alert topics of one extra region, and the home router's permission to be invoked by them.

CloudWatch alarms notify SNS topics of their own region only. So each extra region (a canary region, or the
region a pinned resource kind publishes metrics to) gets topics per severity like the home region, on a KMS key
of that region, and the home region's alert router subscribes to them across regions: an alarm there pages,
groups and de-duplicates like every other alarm. The pieces, and where each must live:

- the subscriptions are made in the topic's region (SNS: "the subscription command must be executed in the
  Region where Amazon SNS is hosted"), with the router's ARN in the home region as endpoint;
- their dead-letter queue is in that region too (SNS: "the subscription and Amazon SQS queue must be under the
  same AWS account and Region"), encrypted with the region's key; its depth alarm e-mails the critical
  recipients through the region's ``ops`` topic, since the router it failed to reach cannot tell anyone;
- the router's resource policy is in the home region (``RegionalRouterInvoke``): one ``lambda:InvokeFunction``
  grant per regional topic, SourceArn that topic's ARN (``sns.<region>.amazonaws.com`` for opt-in regions).

The router reads each topic's severity from the name's ``-critical``/``-warning``/``-info`` suffix, as it does
for any topic missing from its TOPIC_SEVERITIES map.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import (
    ArnFormat,
    Aws,
    Duration,
    Fn,
    Stack,
    Token,
    aws_cloudwatch as cloudwatch,
    aws_iam as iam,
    aws_kms as kms,
    aws_lambda as lambda_,
    aws_sns as sns,
    aws_sns_subscriptions as subs,
    aws_sqs as sqs,
)
from constructs import Construct

from config.schema import SEVERITIES, EnvironmentConfig
from plan.catalog import Threshold
from plan.enums import Comparison, MissingData
from plan.regions import regional_topic_name, sns_principal
from stacks.alerting.topics import source_conditions
from stacks.monitoring.alarm_factory import AlarmSpec, create_alarm
from stacks.monitoring.metrics.common import CdkSignal
from stacks.nag import suppress
from stacks.naming import resource_name

__all__ = ["RegionalAlertTopics", "RegionalRouterInvoke", "router_function_name",
           "REGIONAL_SERVICE"]

REGIONAL_SERVICE = "alerting"  # alarms about the alerting path, like the router's own
_REGIONAL_PUBLISHERS = ("cloudwatch.amazonaws.com", "events.amazonaws.com")  # budgets and anomalies are home-only


def router_function_name(cfg: EnvironmentConfig) -> str:
    """The home router's function name (stacks/routing names it the same way)."""
    return resource_name(cfg, "alert-router")


class RegionalAlertTopics(Construct):
    """Key, severity ``topics``, ``ops_topic``, the subscriptions' ``dlq`` and its depth alarm in ``region``.

    ``home_region`` is where the router runs; ``router=False`` leaves the subscriptions out (a construct test).

    Example
    -------
    >>> from aws_cdk import App, Environment, Stack
    >>> from config.loader import load_config
    >>> stack = Stack(App(), "Example", env=Environment(account="123456789012", region="us-east-1"))
    >>> regional = RegionalAlertTopics(stack, "Alerts", cfg=load_config("prod"), region="us-east-1",
    ...                                home_region="eu-west-1")
    >>> sorted(regional.topics)
    ['critical', 'info', 'warning']
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, region: str,
                 home_region: str, router: bool = True) -> None:
        super().__init__(scope, construct_id)
        self.region = region
        self.key = kms.Key(self, "Key", alias=f"alias/{resource_name(cfg, 'alerts', region)}",
                           description=f"Encrypts the {cfg.app} {cfg.env} alert topics and dead letters in {region}",
                           enable_key_rotation=True, pending_window=Duration.days(30))
        for service in _REGIONAL_PUBLISHERS:
            self.key.add_to_resource_policy(iam.PolicyStatement(
                sid=f"Allow{service.split('.')[0].capitalize()}ToUseKey", principals=[iam.ServicePrincipal(service)],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"], resources=["*"],  # in a key policy "*" is this key
                conditions=source_conditions(service)))
        self.topics: dict[str, sns.Topic] = {
            severity: self._topic(cfg, severity, f"{cfg.app} {cfg.env} {severity} alerts in {region}")
            for severity in SEVERITIES}
        self.ops_topic = self._topic(cfg, "ops", f"{cfg.app} {cfg.env} alerting-path health in {region}")
        for address in cfg.notifications.critical.emails:
            self.ops_topic.add_subscription(subs.EmailSubscription(address))
        # SNS encrypts what it dead-letters with this key, for these topics only (names: a Ref would be a cycle).
        topic_arns = [Stack.of(self).format_arn(service="sns", resource=resource_name(cfg, "alerts", region, "*"))]
        self.key.add_to_resource_policy(iam.PolicyStatement(
            sid="AllowSnsToDeadLetterWithKey", principals=[iam.ServicePrincipal("sns.amazonaws.com")],
            actions=["kms:Decrypt", "kms:GenerateDataKey*"], resources=["*"],
            conditions=source_conditions("sns.amazonaws.com", topic_arns)))
        self.dlq = sqs.Queue(self, "DeadLetters", queue_name=resource_name(cfg, "alert-router", region, "dlq"),
                             retention_period=Duration.days(cfg.routing.dlq_retention_days),
                             encryption=sqs.QueueEncryption.KMS, encryption_master_key=self.key, enforce_ssl=True)
        suppress(self.dlq, "AwsSolutions-SQS3",
                 "this queue is itself the dead-letter queue of the cross-region router subscriptions")
        self.router_arn = Stack.of(self).format_arn(service="lambda", region=home_region, resource="function",
                                                    resource_name=router_function_name(cfg),
                                                    arn_format=ArnFormat.COLON_RESOURCE_NAME)
        if Token.is_unresolved(Stack.of(self).account):
            # An environment-agnostic stack's account is a token, which format_arn joins in (Fn::Join, which
            # cfn-lint flags: W3694); the same ARN as one Fn::Sub.
            self.router_arn = Fn.sub(f"arn:${{AWS::Partition}}:lambda:{home_region}:${{AWS::AccountId}}:function:"
                                     f"{router_function_name(cfg)}")
        if router:
            for severity, topic in self.topics.items():
                # In the topic's region, endpoint the router in the home region: SNS delivers across regions.
                sns.Subscription(self, f"{severity.capitalize()}RouterSubscription", topic=topic,
                                 endpoint=self.router_arn, protocol=sns.SubscriptionProtocol.LAMBDA,
                                 dead_letter_queue=self.dlq)
        self.dead_letters = self._dead_letter_alarm(cfg)

    def _topic(self, cfg: EnvironmentConfig, name: str, display_name: str) -> sns.Topic:
        topic = sns.Topic(self, f"{name.capitalize()}Topic", topic_name=regional_topic_name(cfg, self.region, name),
                          display_name=display_name[:100], master_key=self.key, enforce_ssl=True)
        for service in _REGIONAL_PUBLISHERS:
            topic.add_to_resource_policy(iam.PolicyStatement(
                sid=f"Allow{service.split('.')[0].capitalize()}Publish", principals=[iam.ServicePrincipal(service)],
                actions=["sns:Publish"], resources=[topic.topic_arn], conditions=source_conditions(service)))
        return topic

    def _dead_letter_alarm(self, cfg: EnvironmentConfig) -> cloudwatch.Alarm:
        # One dead letter is an alert that never reached the router: e-mail the critical recipients directly.
        created = create_alarm(
            self, "DeadLetterAlarm", cfg=cfg, runbook_base_url=cfg.runbook_base_url, notify=self.ops_topic,
            spec=AlarmSpec(service=REGIONAL_SERVICE, resource=f"router-{self.region}", family="alert-router",
                           signal_name="DeadLetters", severity="critical",
                           signal=CdkSignal(self.dlq.metric_approximate_number_of_messages_visible(
                               period=Duration.minutes(5), statistic="Maximum")),
                           threshold=Threshold(0, period=300), comparison=Comparison.GREATER_THAN_THRESHOLD,
                           treat_missing=MissingData.NOT_BREACHING,
                           what=f"alerts from {self.region} that SNS could not deliver to the home router"))
        return created.alarm


class RegionalRouterInvoke(Construct):
    """In the router's stack: let each extra region's severity topics invoke ``function``.

    Example
    -------
    >>> from aws_cdk import App
    >>> from config.loader import load_config
    >>> routing_stack = Stack(App(), "Routing")
    >>> router = lambda_.Function.from_function_arn(routing_stack, "Router",
    ...                                             "arn:aws:lambda:eu-west-1:123456789012:function:router")
    >>> invoke = RegionalRouterInvoke(routing_stack, "RegionalTopics", cfg=load_config("prod"), function=router,
    ...                               regions=["us-east-1"])
    >>> sorted(invoke.source_arns)
    ['us-east-1/critical', 'us-east-1/info', 'us-east-1/warning']
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig,
                 function: lambda_.IFunction, regions: Sequence[str]) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.source_arns: Mapping[str, str] = {
            f"{region}/{severity}": stack.format_arn(service="sns", region=region,
                                                     resource=regional_topic_name(cfg, region, severity))
            for region in regions for severity in SEVERITIES}
        for key, arn in self.source_arns.items():
            region = key.split("/", 1)[0]
            lambda_.CfnPermission(self, "".join(p.capitalize() for p in key.replace("/", "-").split("-")),
                                  action="lambda:InvokeFunction", function_name=function.function_arn,
                                  principal=sns_principal(region), source_arn=arn, source_account=Aws.ACCOUNT_ID)
