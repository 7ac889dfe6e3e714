"""An alert topic in an extra canary region. CloudWatch alarms notify SNS topics in their own region only, so
alarms of extra-region canaries notify this topic, which e-mails the environment's critical recipients."""
from __future__ import annotations

from aws_cdk import Aws, Duration, aws_iam as iam, aws_kms as kms, aws_sns as sns, aws_sns_subscriptions as subs
from constructs import Construct

from config.schema import EnvironmentConfig
from stacks.naming import resource_name

__all__ = ["RegionalAlertTopic"]


class RegionalAlertTopic(Construct):
    """KMS-encrypted, TLS-only topic that CloudWatch (this account only) may publish to.

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> from config.loader import load_config
    >>> stack, cfg = Stack(App(), "Example"), load_config("prod")
    >>> RegionalAlertTopic(stack, "Alerts", cfg=cfg, region="us-east-1").topic.node.id
    'Topic'
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, region: str) -> None:
        super().__init__(scope, construct_id)
        principal = iam.ServicePrincipal("cloudwatch.amazonaws.com")
        self.key = kms.Key(self, "Key", enable_key_rotation=True, pending_window=Duration.days(30),
                           description=f"Encrypts the {cfg.app} {cfg.env} canary alert topic in {region}")
        # Only this account's alarms (the confused-deputy guard); in a key policy "*" is this key.
        from_our_alarms = {
            "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID},
            "ArnLike": {"aws:SourceArn": f"arn:{Aws.PARTITION}:cloudwatch:{Aws.REGION}:{Aws.ACCOUNT_ID}:alarm:*"},
        }
        self.key.add_to_resource_policy(iam.PolicyStatement(
            sid="AllowCloudwatchToUseKey", principals=[principal],
            actions=["kms:Decrypt", "kms:GenerateDataKey*"], resources=["*"], conditions=from_our_alarms))
        self.topic = sns.Topic(self, "Topic", topic_name=resource_name(cfg, "canary-alerts", region),
                               display_name=f"{cfg.app} {cfg.env} canary alerts {region}"[:100],
                               master_key=self.key, enforce_ssl=True)
        self.topic.add_to_resource_policy(iam.PolicyStatement(
            sid="AllowCloudwatchPublish", principals=[principal], actions=["sns:Publish"],
            resources=[self.topic.topic_arn], conditions=from_our_alarms))
        for address in cfg.notifications.critical.emails:
            self.topic.add_subscription(subs.EmailSubscription(address))
