"""The fleet safety net: Metrics Insights query alarms in the monitoring account over every linked account.

One alarm per family and region, split into contributors by ``GROUP BY AWS.AccountId, <resource>``: a function or
API nobody listed still alerts, and the time series in ALARM names its account and resource.

What the queries rely on, and where it is written:

- Syntax (CloudWatch user guide, 'Metrics Insights query components and syntax'): ``SELECT FUNCTION(metric) FROM
  SCHEMA("namespace", dimension) [WHERE ...] [GROUP BY label, ...] [ORDER BY FUNCTION() DESC] [LIMIT n]``, LIMIT at
  most 500. WHERE matches a label with ``=`` and ``!=`` (joined by AND) only: no LIKE, so a query cannot select
  queues by a name pattern, and there is no dead-letter-queue family.
- A multi-time-series alarm (one contributor per series) needs GROUP BY and ORDER BY ('Create an alarm based on a
  Multi Time Series Metrics Insights query').
- Across accounts ('Alarms on CloudWatch Metrics Insights queries'): in a monitoring account the query sees the
  linked source accounts and the monitoring account itself, and results can be grouped by account id (the WHERE
  and GROUP BY sections). The label key ``AWS.AccountId`` is the one AWS's cross-account examples use; the copy
  of the syntax page stored with this project predates cross-account queries and does not spell it, so it is
  the one part of these queries checked only against examples. The query carries no AccountId property: that
  would pin it to one account.
- Limits ('Limits that apply to alarms based on Metrics Insights queries'): 200 such alarms per account and region
  by default (config counts them against ``query_alarm_quota``), only the last 3 hours of data evaluated (config
  bounds period x evaluation periods), at most 100 contributors in ALARM, PARTIAL_DATA beyond 500 series returned
  or 10,000 metrics matched (hence ORDER BY ... DESC LIMIT 500: the worst 500 are kept).
- Price: billed per metric the query analyzes; the price per metric is not in the docs stored here, so the cost
  estimate marks it unverified.
"""
from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Stack, aws_cloudwatch as cloudwatch
from constructs import Construct

from config.organization import FleetAlarm, OrganizationConfig
from config.schema import EnvironmentConfig
from stacks.monitoring.alarm_factory import describe, runbook_url
from stacks.naming import resource_name

__all__ = ["FLEET_QUERIES", "FleetQuery", "FleetAlarms", "fleet_query", "fleet_alarm_name"]

METRICS_ANALYZED_KEY = "watchtower:metrics-analyzed"
# The L1 alarm takes CloudFormation's spelling of ComparisonOperator.GREATER_THAN_THRESHOLD and
# TreatMissingData.NOT_BREACHING (a quiet fleet, or a resource with no data, is healthy).
GREATER_THAN, NOT_BREACHING = "GreaterThanThreshold", "notBreaching"
# Series a query returns at most: beyond 500 an alarm evaluates PARTIAL_DATA.
SERIES_LIMIT = 500


@dataclass(frozen=True)
class FleetQuery:
    """One family's query: the metric, its aggregate, and the dimension that names a contributor."""

    title: str
    namespace: str
    metric: str
    function: str
    dimension: str
    runbook: str


FLEET_QUERIES: dict[str, FleetQuery] = {
    "lambda_errors": FleetQuery("Lambda errors", "AWS/Lambda", "Errors", "SUM", "FunctionName", "HighErrorRate"),
    "lambda_throttles": FleetQuery("Lambda throttles", "AWS/Lambda", "Throttles", "SUM", "FunctionName",
                                   "Throttles"),
    "api_5xx": FleetQuery("API 5xx", "AWS/ApiGateway", "5XXError", "SUM", "ApiName", "HighErrorRate"),
}


def fleet_query(key: str, org: OrganizationConfig) -> str:
    """The Metrics Insights query of family ``key``, one series per account and resource.

    Example
    -------
    >>> query = fleet_query("lambda_errors", OrganizationConfig(monitoring_account="111111111111",
    ...                                                         accounts={"a": "222222222222"}))
    >>> query.startswith('SELECT SUM(Errors) FROM SCHEMA("AWS/Lambda", FunctionName) GROUP BY AWS.AccountId')
    True
    """
    q = FLEET_QUERIES[key]
    return (f'SELECT {q.function}({q.metric}) FROM SCHEMA("{q.namespace}", {q.dimension}) '
            f"GROUP BY AWS.AccountId, {q.dimension} ORDER BY {q.function}() DESC LIMIT {SERIES_LIMIT}")


def fleet_alarm_name(cfg: EnvironmentConfig, key: str, severity: str) -> str:
    """``{app}-{env}-fleet-<family>-<severity>`` (one per region: alarm names are regional)."""
    return resource_name(cfg, "fleet", key.replace("_", "-"), severity)


class FleetAlarms(Construct):
    """The enabled fleet alarms of one region, notifying ``topic_arn`` (that region's severity topic)."""

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, org: OrganizationConfig,
                 topic_arn: str) -> None:
        super().__init__(scope, construct_id)
        fleet = org.fleet_alarms
        self.alarms: dict[str, cloudwatch.CfnAlarm] = {}
        region = Stack.of(self).region
        for key, settings in fleet.families().items():
            self.alarms[key] = self._alarm(cfg, org, key, settings, topic_arn, region)

    def _alarm(self, cfg: EnvironmentConfig, org: OrganizationConfig, key: str, settings: FleetAlarm,
               topic_arn: str, region: str) -> cloudwatch.CfnAlarm:
        q = FLEET_QUERIES[key]
        severity = org.fleet_alarms.severity
        summary = (f"Fleet safety net of {cfg.app} {cfg.env} in {region}: {q.title} above {settings.threshold:g} "
                   f"per {settings.period_seconds // 60} min in any linked account. Each {q.dimension} is a "
                   f"contributor: the one in ALARM (its account id and {q.dimension}) is named in the alarm's "
                   "contributors, also for resources no service lists")
        alarm = cloudwatch.CfnAlarm(
            self, key.title().replace("_", ""),
            alarm_name=fleet_alarm_name(cfg, key, severity),
            alarm_description=describe(summary, runbook_url(cfg.runbook_base_url, q.runbook)),
            metrics=[cloudwatch.CfnAlarm.MetricDataQueryProperty(
                id="q1", expression=fleet_query(key, org), period=settings.period_seconds, return_data=True)],
            comparison_operator=GREATER_THAN,
            threshold=settings.threshold,
            evaluation_periods=settings.evaluation_periods,
            datapoints_to_alarm=settings.evaluation_periods,
            treat_missing_data=NOT_BREACHING,
            alarm_actions=[topic_arn], ok_actions=[topic_arn],
        )
        # A query alarm is billed per metric it analyzes, which the template cannot tell: the estimate reads this.
        alarm.add_metadata(METRICS_ANALYZED_KEY, org.fleet_alarms.estimated_metrics_per_query)
        return alarm
