"""Alarms on the router itself: errors, throttles and DLQ depth. They notify the ops topic directly,
bypassing the router, because a broken router cannot deliver its own alarms.

Each reaches people, so each fires on something worth an e-mail:

- ``Errors``: failed invocations in 3 of 3 periods of 5 minutes. One notification that crashes the router runs
  three times (Lambda retries an asynchronous event twice, about one and two minutes apart) and then lands in
  the DLQ, which ``DeadLetters`` reports; only a router failing for a quarter of an hour is a broken router.
- ``Throttles``: throttled invocations in 2 of 3 periods (Lambda keeps retrying throttled async events, so a
  moment of throttling only delays alerts).
- ``DeadLetters``: a notification in the DLQ is a lost alert, so one message opens it. It has no OK action:
  the DLQ empties because someone replayed it (make redrive), who needs no e-mail about it.
"""
from __future__ import annotations

from aws_cdk import (
    Duration,
    aws_cloudwatch as cloudwatch,
    aws_cloudwatch_actions as actions,
    aws_lambda as lambda_,
    aws_sns as sns,
    aws_sqs as sqs,
)
from constructs import Construct

from config.schema import EnvironmentConfig
from plan.catalog import Threshold
from plan.enums import Comparison, MissingData
from stacks.monitoring.alarm_factory import AlarmSpec, create_alarm
from stacks.monitoring.metrics.common import CdkSignal

__all__ = ["RouterHealthAlarms", "ROUTER_SERVICE", "RUNBOOK_FAMILY"]

ROUTER_SERVICE = "alerting"
RUNBOOK_FAMILY = "alert-router"


class RouterHealthAlarms(Construct):
    """``alarms`` (and their plain ``names``) by signal: ``Errors``, ``Throttles``, ``DeadLetters``; each notifies
    ``ops_topic`` on ALARM, the first two also on OK.

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> from config.loader import load_config
    >>> stack, cfg = Stack(App(), "Example"), load_config("dev")
    >>> from stacks.alerting import AlertTopics
    >>> from stacks.routing import AlertRouter
    >>> alerting = AlertTopics(stack, "Topics", cfg=cfg)
    >>> router = AlertRouter(stack, "Router", cfg=cfg, topics=alerting.topics, email_topic=alerting.email_topic,
    ...                      key=alerting.key)
    >>> health = RouterHealthAlarms(stack, "Health", cfg=cfg, function=router.function, dlq=router.dlq,
    ...                             ops_topic=alerting.ops_topic)
    >>> health.names["Errors"]
    'watchtower-dev-alerting-router-Errors-critical'
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, function: lambda_.IFunction,
                 dlq: sqs.IQueue, ops_topic: sns.ITopic) -> None:
        super().__init__(scope, construct_id)
        period = Duration.minutes(5)
        signals = {
            "Errors": (function.metric_errors(period=period, statistic="Sum"),
                       "failed invocations (crash or timeout; the failed events go to its DLQ)",
                       Threshold(0, period=300, evaluation_periods=3, datapoints_to_alarm=3), True),
            "Throttles": (function.metric_throttles(period=period, statistic="Sum"),
                          "throttled invocations (concurrency reached; Lambda retries, alerts are late)",
                          Threshold(0, period=300, evaluation_periods=3, datapoints_to_alarm=2), True),
            "DeadLetters": (dlq.metric_approximate_number_of_messages_visible(period=period, statistic="Maximum"),
                            "notifications waiting in the DLQ (undeliverable or unparseable; replay with make redrive)",
                            Threshold(0, period=300), False),
        }
        self.alarms: dict[str, cloudwatch.Alarm] = {}
        self.names: dict[str, str] = {}
        for signal, (metric, what, threshold, notify_ok) in signals.items():
            # The one alarm factory names, describes (runbook link last) and tags it like every other alarm.
            created = create_alarm(
                self, signal, cfg=cfg, runbook_base_url=cfg.runbook_base_url, notify=ops_topic,
                spec=AlarmSpec(service=ROUTER_SERVICE, resource="router", family=RUNBOOK_FAMILY, signal_name=signal,
                               severity="critical", signal=CdkSignal(metric), threshold=threshold,
                               comparison=Comparison.GREATER_THAN_THRESHOLD,
                               treat_missing=MissingData.NOT_BREACHING,
                               what=what),
            )
            if notify_ok:
                created.alarm.add_ok_action(actions.SnsAction(ops_topic))  # so the ops inbox sees recovery too
            self.names[signal] = created.ref.name
            self.alarms[signal] = created.alarm
