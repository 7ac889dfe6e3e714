"""Alarms on the router itself: errors, throttles and DLQ depth. They notify the ops topic directly,
bypassing the router, because a broken router cannot deliver its own alarms."""
from __future__ import annotations

from aws_cdk import Duration, Tags, aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as actions
from aws_cdk import aws_lambda as lambda_, aws_sns as sns, aws_sqs as sqs
from constructs import Construct

from config.schema import EnvironmentConfig
from stacks.naming import alarm_name

__all__ = ["RouterHealthAlarms", "ROUTER_SERVICE", "RUNBOOK_FAMILY"]

ROUTER_SERVICE = "alerting"
RUNBOOK_FAMILY = "alert-router"


class RouterHealthAlarms(Construct):
    """``alarms`` (and their plain ``names``) by signal: ``Errors``, ``Throttles``, ``DeadLetters``; each notifies
    ``ops_topic`` on ALARM and OK.

    Example
    -------
    >>> RouterHealthAlarms(stack, "Health", cfg=cfg, function=router.function, dlq=router.dlq,
    ...                    ops_topic=alerting.ops_topic).alarms["Errors"].alarm_name  # doctest: +SKIP
    'watchtower-dev-alerting-router-Errors-critical'
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, function: lambda_.IFunction,
                 dlq: sqs.IQueue, ops_topic: sns.ITopic) -> None:
        super().__init__(scope, construct_id)
        runbook = f"{cfg.runbook_base_url}/{RUNBOOK_FAMILY}.md"
        period = Duration.minutes(5)
        signals = {
            "Errors": (function.metric_errors(period=period, statistic="Sum"),
                       "The router Lambda failed (crash or timeout); failed events go to its DLQ."),
            "Throttles": (function.metric_throttles(period=period, statistic="Sum"),
                          "The router hit its reserved concurrency; SNS retries, but alerts are delayed."),
            "DeadLetters": (dlq.metric_approximate_number_of_messages_visible(period=period, statistic="Maximum"),
                            "Notifications wait in the router DLQ (failed delivery or unparseable); replay with make redrive."),
        }
        self.alarms: dict[str, cloudwatch.Alarm] = {}
        self.names: dict[str, str] = {}
        for signal, (metric, why) in signals.items():
            self.names[signal] = alarm_name(cfg, ROUTER_SERVICE, "router", signal, "critical")
            alarm = cloudwatch.Alarm(
                self, signal,
                alarm_name=self.names[signal],
                alarm_description=f"{why} Runbook: {runbook}",
                metric=metric,
                threshold=0,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                evaluation_periods=1,
                datapoints_to_alarm=1,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            )
            alarm.add_alarm_action(actions.SnsAction(ops_topic))
            alarm.add_ok_action(actions.SnsAction(ops_topic))
            # Same tags as the service alarms, so one tag query finds every alarm of the environment.
            for key, value in (("service", ROUTER_SERVICE), ("severity", "critical"), ("env", cfg.env)):
                Tags.of(alarm).add(key, value)
            self.alarms[signal] = alarm
