"""``<app>-<env>-Routing``: the alert router, subscribed to the alerting stack's severity topics, and the
alarms that watch it."""
from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Stack, aws_kms as kms, aws_lambda as lambda_, aws_sns as sns, aws_ssm as ssm
from constructs import Construct

from config.schema import EnvironmentConfig
from dashboards.model import AlarmRef
from stacks.nag import suppress
from stacks.routing import AlertRouter, RouterHealthAlarms
from stacks.routing.health_alarms import ROUTER_SERVICE, RUNBOOK_FAMILY
from stacks.wiring import local_key, local_topic, local_topics

__all__ = ["RoutingStack"]


class RoutingStack(Stack):
    """Composes the router and its health alarms; ``observability_layer_parameter`` (the SSM name holding the
    observability layer's ARN) adds that layer to the function, ``layer_build_id`` re-reads it when it changes.
    Exposes ``router``, ``health``, ``alarm_refs`` (for dashboards), ``function_name`` and ``dlq_name``.

    Example
    -------
    >>> from aws_cdk import App
    >>> from config.loader import load_config
    >>> app, cfg = App(), load_config("dev")
    >>> from stacks.alerting_stack import AlertingStack
    >>> alerting = AlertingStack(app, "watchtower-dev-Alerting", cfg=cfg)
    >>> routing = RoutingStack(app, "watchtower-dev-Routing", cfg=cfg, topics=alerting.topics,
    ...                        email_topic=alerting.email_topic, ops_topic=alerting.ops_topic, key=alerting.key)
    >>> routing.function_name
    'watchtower-dev-alert-router'
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, topics: Mapping[str, sns.ITopic],
                 email_topic: sns.ITopic, ops_topic: sns.ITopic, key: kms.IKey,
                 observability_layer_parameter: str | None = None, layer_build_id: str = "", **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        # Topics by name and the key by its SSM parameter: no export that would freeze them in the alerting stack.
        topics, key = local_topics(self, topics), local_key(self, cfg, key)
        email_topic, ops_topic = local_topic(self, email_topic), local_topic(self, ops_topic)
        observability_layer = None
        if observability_layer_parameter:
            # The layer stack publishes its ARN in SSM; reading it at deploy time keeps the stacks loosely coupled.
            arn = ssm.StringParameter.value_for_string_parameter(self, observability_layer_parameter)
            observability_layer = lambda_.LayerVersion.from_layer_version_arn(self, "ObservabilityLayer", arn)
        self.router = AlertRouter(self, "Router", cfg=cfg, topics=topics, email_topic=email_topic, key=key,
                                  observability_layer=observability_layer)
        if layer_build_id:
            # A new layer build changes this template, so CloudFormation re-reads the layer ARN from SSM.
            self.router.function.add_environment("OBSERVABILITY_LAYER_BUILD", layer_build_id)
        self.health = RouterHealthAlarms(self, "Health", cfg=cfg, function=self.router.function, dlq=self.router.dlq,
                                         ops_topic=ops_topic)
        # Sending to the KMS-encrypted dead-letter queue: CDK's queue grant adds SQS's documented key actions
        # (GenerateDataKey*, ReEncrypt*) on the one alert key.
        for action in ("kms:GenerateDataKey*", "kms:ReEncrypt*"):
            suppress(self.router.role.node.find_child("DefaultPolicy"), f"AwsSolutions-IAM5[Action::{action}]",
                     "SQS needs these key actions to encrypt dead letters; the resource is the alert key only")
        self.function_name = self.router.function_name
        self.dlq_name = f"{self.router.function_name}-dlq"
        self.alarm_refs = [
            AlarmRef(name=self.health.names[signal], arn=alarm.alarm_arn, service=ROUTER_SERVICE, severity="critical",
                     kind="metric", family=RUNBOOK_FAMILY, resource="router", threshold=0.0)
            for signal, alarm in self.health.alarms.items()
        ]
