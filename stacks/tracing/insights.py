"""EventBridge rule that turns X-Ray insight events into notifications on the warning topic."""
from __future__ import annotations

from aws_cdk import aws_events as events, aws_events_targets as targets, aws_sns as sns
from constructs import Construct

from config.schema import EnvironmentConfig
from stacks.naming import resource_name

__all__ = ["InsightNotifications", "INSIGHT_EVENT_PATTERN"]

INSIGHT_EVENT_PATTERN = {"source": ["aws.xray"], "detail-type": ["AWS X-Ray Insight Update"]}


class InsightNotifications(Construct):
    """Every X-Ray insight update of this account and region (groups with notifications on) goes to ``topic``.

    Example
    -------
    >>> from aws_cdk import App, Stack, aws_sns as sns
    >>> from config.loader import load_config
    >>> stack, cfg = Stack(App(), "Example"), load_config("prod")
    >>> topic = sns.Topic(stack, "Warning")
    >>> insights = InsightNotifications(stack, "Insights", cfg=cfg, topic=topic)
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, topic: sns.ITopic) -> None:
        super().__init__(scope, construct_id)
        self.rule = events.Rule(
            self,
            "Rule",
            rule_name=resource_name(cfg, "xray-insights"),
            description=f"{cfg.app} {cfg.env}: X-Ray insight updates to the warning topic",
            event_pattern=events.EventPattern(source=INSIGHT_EVENT_PATTERN["source"],
                                              detail_type=INSIGHT_EVENT_PATTERN["detail-type"]),
        )
        self.rule.add_target(targets.SnsTopic(topic))
