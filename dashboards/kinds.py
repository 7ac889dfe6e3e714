"""Overview and performance widgets of the resource kinds beyond the serverless core (streams, GraphQL and
WebSocket APIs, load balancers, containers, databases, the CDN, buckets, schedules, pipes and e-mail).

Every metric a widget draws is one the plan's signal of that resource reads (``plan.metrics_estate``): the
same namespace, name, dimensions and statistic the alarms use, so a graph and its alarm cannot disagree. All
resources of one kind share a widget (split only at CloudWatch's metrics-per-widget cap), which keeps a
service's share of a dashboard body small however many resources it lists. Thresholds are drawn only on a
graph that plots the alarm's own value (a latency, an age, a utilization, a rate), and only the thresholds of
that kind's resources. A service in another account or region of the organization gets ``accountId`` and
``region`` on every metric; CloudFront's metrics are read in us-east-1, the only region that has them.

Example
-------
>>> from config.schema import EnvironmentConfig
>>> from plan.build import plan_environment
>>> cfg = EnvironmentConfig.model_validate({"app": "acme", "env": "dev", "powertools_layer_version": 1,
...     "tags": {"Project": "acme", "Environment": "dev", "Owner": "o", "CostCenter": "c"},
...     "services": [{"name": "clicks", "resources": {"kinesis_streams": ["clicks"]}}]})
>>> plan = plan_environment(cfg)
>>> [w["properties"]["title"] for w in kind_widgets(cfg, plan.service("clicks"), [], "performance")]
['clicks: Kinesis iterator age (max)']
"""
from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from config.kinds import EXTRA_KINDS
from config.schema import EnvironmentConfig
from dashboards.common import region_of, threshold_lines
from dashboards.model import AlarmRef
from dashboards.widgets import expression, grouped_graphs, metric
from plan.build import resource_labels
from plan.catalog import Threshold
from plan.metrics_estate import ESTATE_FACTORIES
from plan.model import AlarmPlan, Plan, ServicePlan
from plan.regions import REGION_PINNED_KINDS
from plan.signals import MathSpec, MetricSpec, Signal

__all__ = ["alarms_by_service", "refs_by_service", "Panel", "PANELS", "Board", "KindResource", "kind_resources",
           "kind_labels", "kind_widgets", "placement", "named", "DASHBOARD_PERIOD"]

Board = Literal["overview", "performance"]
DASHBOARD_PERIOD = 300  # seconds per point on these graphs, as on the core graphs
Select = Callable[[MetricSpec], bool]


def named(*patterns: str, target_group: bool | None = None) -> Select:
    """Metrics whose name matches one of ``patterns`` (shell-style); ``target_group`` True or False keeps only
    the ones with or without a TargetGroup dimension (a load balancer's own metrics against its groups')."""
    def select(spec: MetricSpec) -> bool:
        if target_group is not None and ("TargetGroup" in spec.dimensions_map) != target_group:
            return False
        return any(fnmatch.fnmatchcase(spec.name, p) for p in patterns)
    return select


@dataclass(frozen=True)
class Panel:
    """One widget of one kind: which of the kind's signal metrics it draws, on which dashboard, in what unit.

    ``rate`` (bad, total) draws ``100 * sum(bad) / total`` per resource instead of the metrics themselves;
    ``percent`` draws ``100 * metric`` (a ratio SES publishes as 0..1). ``families`` names the alarm families
    whose thresholds the graph can show, because it plots the very value those alarms compare.
    """

    kind: str
    board: Board
    title: str
    unit: str
    select: Select
    stat: str = "Sum"
    families: tuple[str, ...] = ()
    rate: tuple[Select, Select] | None = None
    percent: bool = False
    y_max: float | None = None


PANELS: tuple[Panel, ...] = (
    Panel("kinesis_streams", "overview", "Kinesis records in and throttled writes", "Count",
          named("IncomingRecords", "WriteProvisionedThroughputExceeded")),
    Panel("kinesis_streams", "performance", "Kinesis iterator age (max)", "Milliseconds",
          named("GetRecords.IteratorAgeMilliseconds"), stat="Maximum", families=("StreamConsumerLag",)),
    Panel("firehose_streams", "overview", "Firehose records in and throttled", "Count",
          named("IncomingRecords", "ThrottledRecords")),
    Panel("firehose_streams", "performance", "Firehose delivery freshness (max)", "Seconds",
          named("DeliveryTo*.DataFreshness"), stat="Maximum", families=("DeliveryFreshness",)),
    Panel("appsync_apis", "overview", "AppSync requests and 5xx", "Count", named("Requests", "5XXError")),
    Panel("appsync_apis", "overview", "AppSync 5xx %", "Percent", named(), families=("HighErrorRate",),
          rate=(named("5XXError"), named("Requests"))),
    Panel("appsync_apis", "performance", "AppSync latency p99", "Milliseconds", named("Latency"), stat="p99",
          families=("Latency",)),
    Panel("websocket_apis", "overview", "WebSocket messages and errors", "Count",
          named("MessageCount", "IntegrationError", "ExecutionError")),
    Panel("websocket_apis", "overview", "WebSocket failed messages %", "Percent", named(),
          families=("HighErrorRate",), rate=(named("IntegrationError", "ExecutionError"), named("MessageCount"))),
    Panel("websocket_apis", "performance", "WebSocket integration latency p99", "Milliseconds",
          named("IntegrationLatency"), stat="p99", families=("Latency",)),
    Panel("load_balancers", "overview", "ALB requests and 5xx", "Count",
          named("RequestCount", "HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count", target_group=False)),
    Panel("load_balancers", "overview", "ALB 5xx %", "Percent", named(), families=("HighErrorRate",),
          rate=(named("HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count", target_group=False),
                named("RequestCount", target_group=False))),
    Panel("load_balancers", "overview", "ALB healthy and unhealthy hosts", "Count",
          named("HealthyHostCount", "UnHealthyHostCount"), stat="Maximum"),
    Panel("load_balancers", "overview", "ALB Lambda target errors", "Count",
          named("LambdaUserError", "LambdaInternalError")),
    Panel("load_balancers", "performance", "ALB target response time p99", "Seconds",
          named("TargetResponseTime"), stat="p99", families=("Latency",)),
    Panel("ecs_services", "overview", "ECS running tasks (min)", "Count", named("RunningTaskCount"),
          stat="Minimum", families=("RunningTasks",)),
    Panel("ecs_services", "performance", "ECS CPU and memory", "Percent",
          named("CPUUtilization", "MemoryUtilization"), stat="Average",
          families=("CpuUtilization", "MemoryUtilization"), y_max=100),
    Panel("aurora_clusters", "overview", "Aurora capacity used of max ACUs", "Percent", named("ACUUtilization"),
          stat="Maximum", families=("DatabaseCapacity",), y_max=100),
    Panel("aurora_clusters", "performance", "Aurora CPU (max)", "Percent", named("CPUUtilization"),
          stat="Maximum", families=("CpuUtilization",), y_max=100),
    Panel("cloudfront_distributions", "overview", "CloudFront requests", "Count", named("Requests")),
    Panel("cloudfront_distributions", "overview", "CloudFront 5xx %", "Percent", named("5xxErrorRate"),
          stat="Average", families=("HighErrorRate",)),
    Panel("cloudfront_distributions", "performance", "CloudFront origin latency p99", "Milliseconds",
          named("OriginLatency"), stat="p99", families=("Latency",)),
    Panel("buckets", "overview", "S3 requests and 5xx", "Count", named("AllRequests", "5xxErrors")),
    Panel("buckets", "overview", "S3 5xx %", "Percent", named(), families=("BucketServerErrors",),
          rate=(named("5xxErrors"), named("AllRequests"))),
    Panel("buckets", "overview", "S3 stored bytes (daily)", "Bytes", named("BucketSizeBytes"), stat="Average"),
    Panel("schedule_groups", "overview", "Scheduler attempts and dropped", "Count",
          named("InvocationAttemptCount", "InvocationDroppedCount")),
    Panel("pipes", "overview", "Pipes invocations and failures", "Count",
          named("Invocations", "ExecutionFailed", "ExecutionTimeout")),
    Panel("ses_configuration_sets", "overview", "SES bounce and complaint rate", "Percent",
          named("Reputation.BounceRate", "Reputation.ComplaintRate"), stat="Maximum", percent=True,
          families=("EmailBounceRate", "EmailComplaintRate")),
)


@dataclass(frozen=True)
class KindResource:
    """One resource of a kind beyond the core: its ``label`` (as alarm names spell it) and the distinct metrics
    its signals read, in the order the signals name them."""

    kind: str
    name: str
    label: str
    metrics: tuple[MetricSpec, ...]


def _specs(signal: Signal) -> list[MetricSpec]:
    spec = signal.metric
    return [m for _, m in spec.using] if isinstance(spec, MathSpec) else [spec]


def _metrics_of(kind: str, ref: Any, planned: dict[str, Signal]) -> tuple[MetricSpec, ...]:
    """The metrics of every family ``ref`` has: the planned alarm's signal where there is one (its period), else
    the factory's signal at the dashboard period (a pinned kind, a family no alarm was made for)."""
    found: dict[tuple[str, str, tuple[tuple[str, str], ...], str], MetricSpec] = {}
    for family, build in ESTATE_FACTORIES[kind](ref).items():
        signal = planned.get(family) or build(Threshold(0, period=DASHBOARD_PERIOD))
        for spec in _specs(signal):
            found.setdefault((spec.namespace, spec.name, spec.dimensions, spec.statistic), spec)
    return tuple(found.values())


def _all_resources(service: ServicePlan) -> Any:
    """What the service lists and discovers, for the kinds the plan keeps out of its home resources (pinned to
    another region): read again only for a service with a template, whose discovered resources count too."""
    from plan.discovery import service_resources

    config = service.config
    return service_resources(config) if getattr(config, "template", None) else config.resources


def alarms_by_service(plan: Plan) -> dict[str, list[AlarmPlan]]:
    """The plan's alarms by service, read once per dashboard: one with a thousand services must not scan them
    per service.

    Example
    -------
    >>> from config.loader import load_config; from plan.build import plan_environment
    >>> len(alarms_by_service(plan_environment(load_config("prod")))["orders"]) > 0
    True
    """
    found: dict[str, list[AlarmPlan]] = {}
    for alarm in plan.alarms:
        found.setdefault(alarm.service, []).append(alarm)
    return found


def refs_by_service(refs: Iterable[AlarmRef]) -> dict[str, list[AlarmRef]]:
    """``refs`` by service, in their order: per-service views read their own without scanning everyone's.

    Example
    -------
    >>> [r.name for r in refs_by_service([AlarmRef("a", "arn:a", "orders", "warning", "metric", "Latency")])["orders"]]
    ['a']
    """
    found: dict[str, list[AlarmRef]] = {}
    for ref in refs:
        found.setdefault(ref.service, []).append(ref)
    return found


def kind_resources(service: ServicePlan, planned: Iterable[AlarmPlan] = ()) -> list[KindResource]:
    """The service's resources of the kinds beyond the core, with their metrics, in kind order.

    ``planned`` are the plan's alarms (AlarmPlan) of the service, whose signals are reused as they are.
    """
    refs = [(r.kind, r.ref, r.label) for r in service.resources if r.kind in EXTRA_KINDS]
    pinned = [kind for kind in REGION_PINNED_KINDS if kind in EXTRA_KINDS]
    if pinned and not any(kind in pinned for kind, _, _ in refs):  # pinned to the home region: planned already
        resources = _all_resources(service)
        if any(getattr(resources, kind, ()) for kind in pinned):
            labels = resource_labels(resources)
            refs += [(kind, ref, labels[(kind, ref.name)]) for kind in pinned for ref in getattr(resources, kind)]
    if not refs:
        return []
    signals: dict[tuple[str, str], dict[str, Signal]] = {}
    for alarm in planned:
        if alarm.signal is not None and alarm.kind in EXTRA_KINDS:
            signals.setdefault((alarm.kind, alarm.resource), {}).setdefault(alarm.family, alarm.signal)
    order = {kind: i for i, kind in enumerate(EXTRA_KINDS)}
    refs.sort(key=lambda item: order[item[0]])
    return [KindResource(kind, ref.name, label, _metrics_of(kind, ref, signals.get((kind, label), {})))
            for kind, ref, label in refs]


def kind_labels(resources: Iterable[KindResource]) -> frozenset[str]:
    """The alarm-name labels of ``resources``: what keeps their thresholds off the core graphs."""
    return frozenset(r.label for r in resources)


def placement(cfg: EnvironmentConfig, service: ServicePlan) -> tuple[str | None, str | None]:
    """(account id, region) a service's metrics must be read from, each None when it is the dashboard's own.

    Example
    -------
    >>> from config.loader import load_config; from plan.build import plan_environment
    >>> cfg = load_config("prod"); placement(cfg, plan_environment(cfg).services[0])
    (None, None)
    """
    config = service.config
    account = getattr(config, "account", None)
    org = cfg.organization
    account_id = org.accounts.get(account) if org is not None and account else None
    region = getattr(config, "region", None)
    return account_id, (region if region and region != cfg.region else None)


def _label(resource: KindResource, spec: MetricSpec) -> str:
    group = spec.dimensions_map.get("TargetGroup")
    return f"{resource.name}{' ' + group.split('/')[1] if group else ''} {spec.name}"


def _entry(spec: MetricSpec, where: dict[str, str], **options: Any) -> list[Any]:
    # A daily metric (S3 storage) keeps its own period: at the graph's five minutes it would draw nothing.
    period = spec.period if spec.period > DASHBOARD_PERIOD else None
    return metric(spec.namespace, spec.name, spec.dimensions_map, stat=spec.statistic, period=period,
                  **options, **where)


def _groups(panel: Panel, resources: Sequence[KindResource], where: dict[str, str]) -> list[list[list[Any]]]:
    """Per resource, the entries ``panel`` draws for it (a rate's inputs stay with their expression)."""
    groups: list[list[list[Any]]] = []
    for i, resource in enumerate(resources):
        if panel.rate is not None:
            bad_of, total_of = panel.rate
            bad = [m for m in resource.metrics if bad_of(m)]
            total = [m for m in resource.metrics if total_of(m)]
            if not bad or len(total) != 1:
                continue
            ids = [f"b{i}x{j}" for j in range(len(bad))]
            entries = [_entry(m, where, id=k, visible=False) for m, k in zip(bad, ids, strict=True)]
            entries.append(_entry(total[0], where, id=f"t{i}", visible=False))
            # SUM over the bad series, as the core error-rate graphs write it: a period with one of them missing
            # still counts the others.
            entries.append(expression(f"100*SUM([{','.join(ids)}])/t{i}", f"{resource.name} %", f"p{i}"))
            groups.append(entries)
            continue
        chosen = [m for m in resource.metrics if panel.select(m)]
        if panel.percent:
            entries = []
            for j, m in enumerate(chosen):
                entries.append(_entry(m, where, id=f"m{i}x{j}", visible=False))
                entries.append(expression(f"100 * m{i}x{j}", f"{_label(resource, m)} %", f"q{i}x{j}"))
        else:
            entries = [_entry(m, where, label=_label(resource, m)) for m in chosen]
        if entries:
            groups.append(entries)
    return groups


def kind_widgets(cfg: EnvironmentConfig, service: ServicePlan, refs: Sequence[AlarmRef], board: Board,
                 resources: Sequence[KindResource] | None = None) -> list[dict[str, Any]]:
    """The ``board`` widgets of ``service``'s kinds beyond the core, in kind order (empty when it has none).

    ``refs`` are the service's alarms; a graph draws the thresholds of its own kind's resources only.
    """
    resources = kind_resources(service) if resources is None else resources
    if not resources:
        return []
    account_id, service_region = placement(cfg, service)
    widgets: list[dict[str, Any]] = []
    for panel in PANELS:
        if panel.board != board:
            continue
        of_kind = [r for r in resources if r.kind == panel.kind]
        if not of_kind:
            continue
        region = REGION_PINNED_KINDS.get(panel.kind) or service_region
        where = {k: v for k, v in (("accountId", account_id), ("region", region)) if v}
        groups = _groups(panel, of_kind, where)
        if not groups:
            continue
        labels = kind_labels(of_kind)
        lines = threshold_lines([r for r in refs if r.resource in labels], service.name, panel.families)
        widgets += grouped_graphs(f"{service.name}: {panel.title}", groups, unit=panel.unit,
                                  region=region or region_of(cfg), stat=panel.stat, annotations=lines,
                                  y_max=panel.y_max)
    return widgets
