"""The service's SLOs as Application Signals SLO objects, so attainment and error budget show in the console.

Each configured SLI becomes one request-based ``AWS::ApplicationSignals::ServiceLevelObjective`` on the same
metrics the burn-rate alarms read (plan/slo.py): total = the source's request count, bad = its error
count (availability) or the requests slower than the threshold (latency, from ``PR(0:threshold)``). Same
objective and rolling 30-day interval; one burn-rate look-back window per window of our burn-rate pairs; the
service's maintenance windows become exclusion windows. An SLO object raises no alarm of its own: paging stays
with the multi-window burn-rate alarms.
"""
from __future__ import annotations

from aws_cdk import aws_applicationsignals as appsignals
from constructs import Construct

from config.schema import EnvironmentConfig
from config.services import ServiceConfig, ServiceResources
from plan.naming import native_slo_name
from plan.slo import BURN_PAIRS, SliSource, pick_source
from stacks.slo.exclusions import exclusion_windows

__all__ = ["NativeSlos", "LOOK_BACK_MINUTES", "SLI_PERIOD_SECONDS"]

# Every window of every burn-rate pair, in minutes: 5, 30, 60, 120, 360, 1440, 4320 (at most 10 allowed).
LOOK_BACK_MINUTES: tuple[int, ...] = tuple(sorted({w // 60 for p in BURN_PAIRS
                                                    for w in (p.long_window, p.short_window)}))
SLI_PERIOD_SECONDS = 60  # the SLI's data points: one a minute, the finest our source metrics have

_Query = appsignals.CfnServiceLevelObjective.MetricDataQueryProperty


def _stat(source: SliSource, query_id: str, metric_name: str, stat: str, returned: bool) -> _Query:
    metric = appsignals.CfnServiceLevelObjective.MetricProperty(
        namespace=source.namespace, metric_name=metric_name,
        dimensions=[appsignals.CfnServiceLevelObjective.DimensionProperty(name=k, value=v)
                    for k, v in source.dimensions])
    return _Query(id=query_id, return_data=returned, metric_stat=appsignals.CfnServiceLevelObjective.MetricStatProperty(
        metric=metric, period=SLI_PERIOD_SECONDS, stat=stat))


def sli_queries(source: SliSource, sli: str, latency_threshold_ms: int) -> tuple[list[_Query], list[_Query]]:
    """``(total, bad)`` metric queries of ``sli``: what the burn-rate alarms divide, as counts.

    Example
    -------
    >>> total, bad = sli_queries(SliSource("f", "AWS/Lambda", (("FunctionName", "f"),), "Invocations", "Errors",
    ...                          "Duration"), "availability", 1000)
    >>> bad[0].metric_stat.metric.metric_name
    'Errors'
    """
    total = [_stat(source, "requests", source.requests, "Sum", True)]
    if sli == "availability":
        return total, [_stat(source, "bad", source.errors, "Sum", True)]
    # PR(0:t) is the percent of requests at or under t ms; the rest, times the request count, are the slow ones.
    return total, [
        _stat(source, "requests", source.requests, "Sum", False),
        _stat(source, "within", source.latency, f"PR(0:{latency_threshold_ms})", False),
        _Query(id="bad", return_data=True,
               expression="FILL(requests, 0) * (100 - FILL(within, 100)) / 100"),
    ]


class NativeSlos(Construct):
    """One Application Signals SLO per configured SLI of ``service``; ``slos`` maps sli -> resource.

    Nothing is created when the service has no SLO, no source to measure it at, or ``slo.native`` is false.

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> from config.loader import load_config
    >>> cfg = load_config("dev")
    >>> svc, stack = cfg.services[0], Stack(App(), "Example")
    >>> native = NativeSlos(stack, "NativeSlo", cfg=cfg, service=svc, resources=svc.resources)
    >>> sorted(native.slos)
    ['availability', 'latency']
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, service: ServiceConfig,
                 resources: ServiceResources) -> None:
        super().__init__(scope, construct_id)
        self.slos: dict[str, appsignals.CfnServiceLevelObjective] = {}
        slo = service.slo
        if slo is None or not slo.native:
            return
        source = pick_source(service.name, slo, resources)
        if source is None:
            return
        from dataclasses import replace

        from stacks.monitoring.deploy_ids import resolve_key  # a source keyed at deploy is read from its stack
        source = replace(source, dimensions=tuple((k, resolve_key(self, v, cfg.region)) for k, v in source.dimensions))
        exclusions = [w.as_cfn() for w in exclusion_windows(service.name, service.maintenance_windows)]
        for sli, objective in (("availability", slo.availability), ("latency", slo.latency)):
            if objective is None:
                continue
            total, bad = sli_queries(source, sli, slo.latency_threshold_ms)
            what = ("failed requests" if sli == "availability"
                    else f"requests slower than {slo.latency_threshold_ms} ms")
            self.slos[sli] = appsignals.CfnServiceLevelObjective(
                self, sli.title(),
                name=native_slo_name(cfg, service.name, sli),
                description=(f"{sli} of service {service.name} at {source.resource}: {objective:g}% of requests "
                             f"good over a rolling {slo.period_days} days (bad = {what}). Pages come from the "
                             f"{sli} burn-rate alarms, not from this SLO."),
                request_based_sli=appsignals.CfnServiceLevelObjective.RequestBasedSliProperty(
                    request_based_sli_metric=appsignals.CfnServiceLevelObjective.RequestBasedSliMetricProperty(
                        total_request_count_metric=total,
                        monitored_request_count_metric=appsignals.CfnServiceLevelObjective
                        .MonitoredRequestCountMetricProperty(bad_count_metric=bad))),
                goal=appsignals.CfnServiceLevelObjective.GoalProperty(
                    attainment_goal=objective, warning_threshold=slo.warning_threshold,
                    interval=appsignals.CfnServiceLevelObjective.IntervalProperty(
                        rolling_interval=appsignals.CfnServiceLevelObjective.RollingIntervalProperty(
                            duration=slo.period_days, duration_unit="DAY"))),
                burn_rate_configurations=[
                    appsignals.CfnServiceLevelObjective.BurnRateConfigurationProperty(look_back_window_minutes=m)
                    for m in LOOK_BACK_MINUTES],
                exclusion_windows=exclusions or None,
            )
