"""Monthly usage of what the templates deploy, as (price key, quantity, how it was counted) lines."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from config.cost import EstimateAssumptions
from tools.cost_estimate.fleet import is_query_alarm, query_alarm_usages
from tools.cost_estimate.inventory import canary_runs, count_alarms, functions, resources
from tools.cost_estimate.paid_metrics import S3_REQUEST_METRICS_PER_CONFIGURATION, s3_request_metric_configurations

__all__ = ["Usage", "UsageReport", "measure", "PRICED_TYPES"]

# Types priced below; every other type is listed under "not priced" with its count.
PRICED_TYPES = {
    "AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm", "AWS::CloudWatch::Dashboard",
    "AWS::Logs::MetricFilter", "AWS::CloudWatch::InsightRule", "AWS::Lambda::Function", "AWS::Synthetics::Canary",
    "AWS::XRay::Group", "AWS::KMS::Key", "AWS::Budgets::Budget", "AWS::CE::AnomalyMonitor",
    "AWS::ApplicationSignals::ServiceLevelObjective", "AWS::SNS::Topic",
}
_ALARM_PRICE = {
    "standard": "cloudwatch.alarm.standard", "math": "cloudwatch.alarm.standard",
    "anomaly detection": "cloudwatch.alarm.standard", "high-resolution": "cloudwatch.alarm.high_resolution",
    "math high-resolution": "cloudwatch.alarm.high_resolution",
    "anomaly detection high-resolution": "cloudwatch.alarm.high_resolution",
}
_GB = Decimal(1_000_000)  # KB per GB (decimal units, as AWS bills data)


@dataclass(frozen=True)
class Usage:
    """One bill line before pricing.

    Example
    -------
    >>> Usage("cloudwatch.dashboard", "Dashboards", Decimal(2), "2 dashboards").quantity
    Decimal('2')
    """

    price_key: str
    item: str
    quantity: Decimal
    detail: str


@dataclass
class UsageReport:
    """Priced usage, the resource types left unpriced (with counts), and notes on what was assumed."""

    usages: list[Usage] = field(default_factory=list)
    not_priced: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def measure(templates: dict[str, dict[str, Any]], assumptions: EstimateAssumptions, config_functions: int = 0) -> UsageReport:
    """Count the monthly usage of everything in ``templates`` under ``assumptions``.

    ``config_functions`` is the number of service functions listed in config, which run the observability layer
    outside this app's templates: their layer metrics are priced too.

    Example
    -------
    >>> measure({"S": {"Resources": {"D": {"Type": "AWS::CloudWatch::Dashboard"}}}}, EstimateAssumptions()).usages[0].item
    'Dashboards'
    """
    days = assumptions.days_per_month
    everything = list(resources(templates))
    by_type: dict[str, list] = {}
    for resource in everything:
        by_type.setdefault(resource.type, []).append(resource)
    report = UsageReport(not_priced=dict(sorted(Counter(r.type for r in everything if r.type not in PRICED_TYPES).items())))
    add = report.usages.append

    metric_alarms = by_type.get("AWS::CloudWatch::Alarm", [])
    report.usages.extend(query_alarm_usages(metric_alarms))  # billed per metric analyzed (tools/cost_estimate/fleet)
    alarms = count_alarms([a for a in metric_alarms if not is_query_alarm(a.props)])
    for kind in sorted(alarms.metrics):
        add(Usage(_ALARM_PRICE[kind], f"Alarms: {kind}", Decimal(alarms.metrics[kind]),
                  f"{alarms.alarms[kind]} alarm(s), {alarms.metrics[kind]} alarm metric(s)"))
    composites = len(by_type.get("AWS::CloudWatch::CompositeAlarm", []))
    if composites:
        add(Usage("cloudwatch.alarm.composite", "Composite alarms", Decimal(composites), f"{composites} composite(s)"))
    dashboards = len(by_type.get("AWS::CloudWatch::Dashboard", []))
    if dashboards:
        free = 3 if assumptions.dashboard_free_tier else 0
        billed = max(dashboards - free, 0)
        add(Usage("cloudwatch.dashboard", "Dashboards", Decimal(billed),
                  f"{dashboards} dashboard(s)" + (f", {free} free" if free else ", free tier not counted")))

    _slos(report, by_type, days)
    fns = functions(everything, assumptions.invocations_per_function, assumptions.custom_metrics_per_function, days)
    _metrics(report, fns, by_type, assumptions, config_functions)
    _logs_and_traces(report, fns, by_type, assumptions, days)

    ce_requests = sum((f.invocations * f.ce_requests_per_invocation for f in fns), Decimal(0))
    if ce_requests:
        add(Usage("ce.api_request", "Cost Explorer API requests", ce_requests,
                  "one paginated query per checker run (more pages cost more)"))
    for price_key, resource_type, item in (("kms.key", "AWS::KMS::Key", "KMS keys"),
                                           ("budgets.budget", "AWS::Budgets::Budget", "Budgets"),
                                           ("ce.anomaly_monitor", "AWS::CE::AnomalyMonitor", "Anomaly monitors"),
                                           ("sns.topic", "AWS::SNS::Topic", "SNS topics")):
        count = len(by_type.get(resource_type, []))
        if count:
            add(Usage(price_key, item, Decimal(count), f"{count} resource(s)"))
    report.notes.append(
        "Not priced: Lambda requests and duration, SNS deliveries, DynamoDB and SQS usage, log storage and Logs "
        "Insights queries, canary Lambda time and artifacts, and the account-wide free tiers (except dashboards "
        "when configured)."
    )
    return report


def _slos(report: UsageReport, by_type: dict, days: int) -> None:
    """Application Signals SLOs: 2 signals per SLI period (the period of the SLI's metric queries)."""
    parts, signals = [], Decimal(0)
    for slo in by_type.get("AWS::ApplicationSignals::ServiceLevelObjective", []):
        sli = ((slo.props.get("RequestBasedSli") or {}).get("RequestBasedSliMetric") or {})
        periods = [int((q.get("MetricStat") or {}).get("Period", 60)) for q in sli.get("TotalRequestCountMetric") or []]
        period = min(periods or [60])
        signals += Decimal(2 * days * 86400 // period)
        parts.append(period)
    if parts:
        report.usages.append(Usage("applicationsignals.signal", "Application Signals SLOs", signals,
                                   f"{len(parts)} SLO(s) x 2 signals per {min(parts)} s SLI period x {days} days"))


def _metrics(report: UsageReport, fns: list, by_type: dict, assumptions: EstimateAssumptions, config_functions: int) -> None:
    parts, total = [], 0
    for f in fns:
        if f.custom_metrics:
            total += f.custom_metrics
            parts.append(f"{f.resource.stack}/{f.resource.logical_id} {f.custom_metrics} ({f.custom_metrics_source})")
    if config_functions and assumptions.custom_metrics_per_function:
        layer = config_functions * assumptions.custom_metrics_per_function
        total += layer
        parts.append(f"{config_functions} config-listed function(s) x {assumptions.custom_metrics_per_function} (layer, assumption)")
    filters = sum(len(r.props.get("MetricTransformations", []) or []) for r in by_type.get("AWS::Logs::MetricFilter", []))
    if filters:
        total += filters
        parts.append(f"{filters} log metric filter(s)")
    s3 = s3_request_metric_configurations(r.props for r in by_type.get("AWS::CloudWatch::Alarm", []))
    if s3:  # S3 request metrics, billed like custom metrics
        total += len(s3) * S3_REQUEST_METRICS_PER_CONFIGURATION
        parts.append(f"{len(s3)} S3 request-metrics configuration(s) x {S3_REQUEST_METRICS_PER_CONFIGURATION}")
    if total:
        report.usages.append(Usage("cloudwatch.custom_metric", "Custom metrics", Decimal(total), "; ".join(parts)))
    rules = len(by_type.get("AWS::CloudWatch::InsightRule", []))
    if rules:
        report.usages.append(Usage("cloudwatch.contributor_insights_rule", "Contributor Insights rules", Decimal(rules),
                                   f"{rules} rule(s)"))


def _logs_and_traces(report: UsageReport, fns: list, by_type: dict, assumptions: EstimateAssumptions, days: int) -> None:
    invocations = sum((f.invocations for f in fns), Decimal(0))
    if fns:
        gb = invocations * Decimal(str(assumptions.log_kb_per_invocation)) / _GB
        report.usages.append(Usage("logs.ingest", "Log ingestion", gb,
                                   f"{len(fns)} function(s), {_n(invocations)} invocations x "
                                   f"{assumptions.log_kb_per_invocation:g} KB"))
    canaries = by_type.get("AWS::Synthetics::Canary", [])
    runs = {f"{c.stack}/{c.logical_id}": canary_runs(c, days) for c in canaries}
    if canaries:
        report.usages.append(Usage("synthetics.canary_run", "Canary runs", sum(runs.values(), Decimal(0)),
                                   ", ".join(f"{k} {_n(v)}" for k, v in runs.items())))
    rate = Decimal(str(assumptions.xray_sampling_rate))
    traced_fn = sum((f.invocations for f in fns if f.traced), Decimal(0)) * rate
    traced_canaries = sum((runs[f"{c.stack}/{c.logical_id}"] for c in canaries
                           if (c.props.get("RunConfig") or {}).get("ActiveTracing") is True), Decimal(0))
    traces = traced_fn + traced_canaries
    if traces:
        report.usages.append(Usage("xray.trace_recorded", "X-Ray traces recorded", traces,
                                   f"{_n(traced_fn)} from traced functions (sampling {assumptions.xray_sampling_rate:g}), "
                                   f"{_n(traced_canaries)} from traced canary runs"))
        insights = [g for g in by_type.get("AWS::XRay::Group", [])
                    if ((g.props.get("InsightsConfiguration") or {}).get("InsightsEnabled")) is True]
        if insights:
            report.usages.append(Usage("xray.insights_trace", "X-Ray Insights", traces,
                                       f"{len(insights)} group(s) with Insights; every recorded trace processed once"))


def _n(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:.2f}"
