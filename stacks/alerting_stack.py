"""``<app>-<env>-Alerting``: the alerting backbone every other stack publishes to."""
from __future__ import annotations

from aws_cdk import Stack
from constructs import Construct

from config.schema import EnvironmentConfig
from stacks.alerting import AlertTopics

__all__ = ["AlertingStack"]


class AlertingStack(Stack):
    """Composes the alert topics. Other stacks receive ``topics``, ``email_topic``, ``ops_topic`` and ``key``.

    Example
    -------
    >>> from aws_cdk import App
    >>> from config.loader import load_config
    >>> app, cfg = App(), load_config("dev")
    >>> sorted(AlertingStack(app, "watchtower-dev-Alerting", cfg=cfg).topics)
    ['critical', 'info', 'warning']
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.alert_topics = AlertTopics(self, "Topics", cfg=cfg)
        self.topics = self.alert_topics.topics
        self.email_topic = self.alert_topics.email_topic
        self.ops_topic = self.alert_topics.ops_topic
        self.key = self.alert_topics.key
