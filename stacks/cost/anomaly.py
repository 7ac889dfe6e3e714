"""Cost Anomaly Detection: a SERVICE monitor, a monitor on one cost-allocation tag, and one IMMEDIATE subscription
that notifies an SNS topic when an anomaly's absolute impact reaches the configured amount.

CE resources are global (served from us-east-1) but CloudFormation creates them from a stack in any region.
"""
from __future__ import annotations

import json
from decimal import Decimal

from aws_cdk import aws_ce as ce, aws_sns as sns
from constructs import Construct

from config.schema import EnvironmentConfig
from stacks.naming import resource_name

__all__ = ["AnomalyDetection", "threshold_expression", "usd"]


def usd(amount: float) -> str:
    """A dollar amount as plain decimal text, without a float's trailing noise.

    Example
    -------
    >>> usd(50.0), usd(12.5)
    ('50', '12.5')
    """
    text = format(Decimal(str(amount)).normalize(), "f")
    return text


def threshold_expression(min_impact_usd: float) -> str:
    """The subscription's ThresholdExpression: total absolute impact >= ``min_impact_usd`` (JSON text).

    Example
    -------
    >>> json.loads(threshold_expression(100))["Dimensions"]["Key"]
    'ANOMALY_TOTAL_IMPACT_ABSOLUTE'
    """
    return json.dumps(
        {
            "Dimensions": {
                "Key": "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
                "MatchOptions": ["GREATER_THAN_OR_EQUAL"],
                "Values": [usd(min_impact_usd)],
            }
        },
        sort_keys=True,
    )


class AnomalyDetection(Construct):
    """Monitors and the subscription of one environment. ``monitors`` lists what was created.

    Example
    -------
    >>> from aws_cdk import App, Stack, aws_sns as sns
    >>> from config.loader import load_config
    >>> stack, cfg = Stack(App(), "Example"), load_config("prod")
    >>> topic = sns.Topic(stack, "Warning")
    >>> anomaly = AnomalyDetection(stack, "Anomaly", cfg=cfg, topic=topic)
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, topic: sns.ITopic) -> None:
        super().__init__(scope, construct_id)
        settings = cfg.cost.anomaly
        self.monitors: list[ce.CfnAnomalyMonitor] = []
        if settings.service_monitor:
            self.monitors.append(
                ce.CfnAnomalyMonitor(
                    self,
                    "ServiceMonitor",
                    monitor_name=resource_name(cfg, "cost", "services"),
                    monitor_type="DIMENSIONAL",
                    monitor_dimension="SERVICE",
                )
            )
        tag_value = cfg.tags.as_dict()[settings.tag_key]
        self.monitors.append(
            ce.CfnAnomalyMonitor(
                self,
                "TagMonitor",
                monitor_name=resource_name(cfg, "cost", "tag", settings.tag_key),
                monitor_type="CUSTOM",
                monitor_specification=json.dumps({"Tags": {"Key": settings.tag_key, "Values": [tag_value]}}),
            )
        )
        # SNS subscribers are only accepted with IMMEDIATE frequency (DAILY/WEEKLY are e-mail digests).
        self.subscription = ce.CfnAnomalySubscription(
            self,
            "Subscription",
            subscription_name=resource_name(cfg, "cost", "anomalies"),
            frequency="IMMEDIATE",
            monitor_arn_list=[m.attr_monitor_arn for m in self.monitors],
            subscribers=[ce.CfnAnomalySubscription.SubscriberProperty(type="SNS", address=topic.topic_arn)],
            threshold_expression=threshold_expression(settings.min_impact_usd),
        )
