"""Severity topics (critical, warning, info), the e-mail delivery topic and the ops topic, on one KMS key."""
from __future__ import annotations

from aws_cdk import (
    Aws,
    CfnOutput,
    Duration,
    Stack,
    aws_iam as iam,
    aws_kms as kms,
    aws_sns as sns,
    aws_sns_subscriptions as subs,
    aws_ssm as ssm,
)
from constructs import Construct

from config.schema import SEVERITIES, EnvironmentConfig
from stacks.naming import resource_name, ssm_path
from stacks.wiring import key_arn_parameter

__all__ = ["AlertTopics", "PUBLISHING_SERVICES", "source_conditions"]

# Services that publish alarms and notifications to our topics, and the source ARN each one sends (the resource
# that published, checked with ArnLike; None: the service is not documented here to send one, so only the
# account is checked). Every grant is conditioned on aws:SourceAccount so another account's alarm, rule, budget
# or anomaly subscription cannot use these topics or the key (the confused-deputy guard).
PUBLISHING_SERVICES: dict[str, str | None] = {
    "cloudwatch.amazonaws.com": "arn:{partition}:cloudwatch:{region}:{account}:alarm:*",
    "events.amazonaws.com": "arn:{partition}:events:{region}:{account}:rule/*",
    "budgets.amazonaws.com": "arn:{partition}:budgets::{account}:*",
    "costalerts.amazonaws.com": None,
}


def source_conditions(service: str, topic_arns: list[str] | None = None) -> dict:
    """The condition block a service principal gets on our topics and key: this account, and (where the service
    sends one) a source ARN of this account; ``topic_arns`` is the source for SNS itself (dead-lettering).

    Example
    -------
    >>> sorted(source_conditions("cloudwatch.amazonaws.com"))
    ['ArnLike', 'StringEquals']
    """
    conditions: dict = {"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}}
    if topic_arns is not None:
        conditions["ArnLike"] = {"aws:SourceArn": topic_arns}
        return conditions
    pattern = PUBLISHING_SERVICES.get(service)
    if pattern:
        conditions["ArnLike"] = {"aws:SourceArn": pattern.format(
            partition=Aws.PARTITION, region=Aws.REGION, account=Aws.ACCOUNT_ID)}
    return conditions


class AlertTopics(Construct):
    """The KMS key and topics of one environment.

    - ``topics[severity]``: where alarms publish; the alert router subscribes to all three.
    - ``email_topic``: the router publishes readable e-mails here with a ``severity`` message attribute; each
      configured address subscribes with a filter on the severities it is listed under.
    - ``ops_topic``: alarms about the alerting path itself (router errors, DLQ depth) publish here directly,
      bypassing the router; every address listed under ``critical`` subscribes unfiltered.

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> from config.loader import load_config
    >>> stack, cfg = Stack(App(), "Example"), load_config("prod")
    >>> topics = AlertTopics(stack, "Topics", cfg=cfg)
    >>> sorted(topics.topics)
    ['critical', 'info', 'warning']
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig) -> None:
        super().__init__(scope, construct_id)
        self.key = kms.Key(
            self,
            "Key",
            alias=f"alias/{resource_name(cfg, 'alerts')}",
            description=f"Encrypts the {cfg.app} {cfg.env} alert topics",
            enable_key_rotation=True,
            pending_window=Duration.days(30),
        )
        for service in PUBLISHING_SERVICES:
            self.key.add_to_resource_policy(
                iam.PolicyStatement(
                    sid=f"Allow{service.split('.')[0].capitalize()}ToUseKey",
                    principals=[iam.ServicePrincipal(service)],
                    actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                    resources=["*"],  # in a key policy, "*" is this key
                    conditions=source_conditions(service),
                )
            )

        self.topics: dict[str, sns.Topic] = {
            severity: self._topic(cfg, severity, f"{cfg.app} {cfg.env} {severity} alerts") for severity in SEVERITIES
        }
        self.email_topic = self._topic(cfg, "email", f"{cfg.app} {cfg.env} alert e-mails (formatted by the router)")
        self.ops_topic = self._topic(cfg, "ops", f"{cfg.app} {cfg.env} alerting-path health")
        # SNS itself encrypts what it dead-letters into the router's queue (on this key) for our topics only.
        # ARNs spelled from the names: a Ref would make the key wait for the topics that wait for the key.
        topic_arns = [Stack.of(self).format_arn(service="sns", resource=resource_name(cfg, "alerts", "*"))]
        self.key.add_to_resource_policy(iam.PolicyStatement(
            sid="AllowSnsToDeadLetterWithKey", principals=[iam.ServicePrincipal("sns.amazonaws.com")],
            actions=["kms:Decrypt", "kms:GenerateDataKey*"], resources=["*"],
            conditions=source_conditions("sns.amazonaws.com", topic_arns)))
        self._subscribe_emails(cfg)
        self._publish_arns(cfg)

    def _topic(self, cfg: EnvironmentConfig, name: str, display_name: str) -> sns.Topic:
        topic = sns.Topic(
            self,
            f"{name.capitalize()}Topic",
            topic_name=resource_name(cfg, "alerts", name),
            display_name=display_name[:100],
            master_key=self.key,
            enforce_ssl=True,  # adds a Deny on aws:SecureTransport=false
        )
        for service in PUBLISHING_SERVICES:
            topic.add_to_resource_policy(
                iam.PolicyStatement(
                    sid=f"Allow{service.split('.')[0].capitalize()}Publish",
                    principals=[iam.ServicePrincipal(service)],
                    actions=["sns:Publish"],
                    resources=[topic.topic_arn],
                    conditions=source_conditions(service),
                )
            )
        return topic

    def _subscribe_emails(self, cfg: EnvironmentConfig) -> None:
        severities_by_address: dict[str, list[str]] = {}
        for severity in SEVERITIES:
            for address in cfg.notifications.for_severity(severity).emails:
                severities_by_address.setdefault(address, []).append(severity)
        for address, severities in severities_by_address.items():
            self.email_topic.add_subscription(
                subs.EmailSubscription(
                    address,
                    filter_policy={"severity": sns.SubscriptionFilter.string_filter(allowlist=severities)},
                )
            )
            if "critical" in severities:
                self.ops_topic.add_subscription(subs.EmailSubscription(address))

    def _publish_arns(self, cfg: EnvironmentConfig) -> None:
        """Named exports and SSM parameters of the topic ARNs: a contract for OTHER apps (their alarms publish
        here). This app's own stacks never import them; they rebuild the ARNs from the names (stacks/wiring.py).
        The key's ARN has a random id, so it goes to SSM for the router stack to read at deploy time."""
        ssm.StringParameter(
            self, "KeyArnParameter", parameter_name=key_arn_parameter(cfg), string_value=self.key.key_arn,
            description=f"ARN of the {cfg.app} {cfg.env} alert key (topics and the router's dead-letter queue)")
        named = {**self.topics, "email": self.email_topic, "ops": self.ops_topic}
        for name, topic in named.items():
            CfnOutput(
                self,
                f"{name.capitalize()}TopicArn",
                value=topic.topic_arn,
                description=f"ARN of the {name} alert topic",
                export_name=resource_name(cfg, name, "topic-arn"),
            )
            ssm.StringParameter(
                self,
                f"{name.capitalize()}TopicArnParameter",
                parameter_name=ssm_path(cfg, "topics", f"{name}-arn"),
                string_value=topic.topic_arn,
                description=f"ARN of the {cfg.app} {cfg.env} {name} alert topic",
            )
