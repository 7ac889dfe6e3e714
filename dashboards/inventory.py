"""What each service runs on, read from the plan: the one place dashboards learn a service's resources.

Dashboards ask this module for a service's functions, APIs and tables (listed in config or discovered from its
``template:``), log groups and SLI source, as the plan resolved them, so nothing is decided twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from config.schema import EnvironmentConfig
from plan.model import Plan, ServicePlan
from plan.slo import SliSource

__all__ = ["Api", "ServiceView", "SliSource", "services_of", "view_of", "DEFAULT_OBJECTIVE", "runbook_base_url"]

DEFAULT_OBJECTIVE = 99.9  # percent over 30 days, as the SLO alarms default to


@dataclass(frozen=True)
class Api:
    """One API Gateway stage: its metric dimensions and the names of its server- and client-error metrics.

    Example
    -------
    >>> Api("orders-api", (("ApiName", "orders-api"), ("Stage", "prod"))).server_errors
    '5XXError'
    """

    label: str
    dimensions: tuple[tuple[str, str], ...]
    http: bool = False

    @property
    def server_errors(self) -> str:
        """5XXError for REST APIs, 5xx for HTTP APIs."""
        return "5xx" if self.http else "5XXError"


@dataclass(frozen=True)
class ServiceView:
    """One service as dashboards see it: resource names by kind, objectives, and its layer namespace.

    Example
    -------
    >>> ServiceView(name="orders", functions=("orders-api",)).namespace
    'orders'
    """

    name: str
    functions: tuple[str, ...] = ()
    log_groups: tuple[str, ...] = ()  # the functions' log groups
    apis: tuple[Api, ...] = ()
    tables: tuple[str, ...] = ()
    queues: tuple[str, ...] = ()
    dlqs: tuple[str, ...] = ()
    state_machines: tuple[str, ...] = ()
    objective: float = DEFAULT_OBJECTIVE
    latency_threshold_ms: float | None = None
    metrics_namespace: str = ""
    slo_source: SliSource | None = None
    availability_slo: float | None = None  # percent; None: no availability SLO
    latency_slo: float | None = None  # percent of requests within latency_threshold_ms; None: no latency SLO
    native_slos: bool = False  # the SLOs also exist as Application Signals SLOs (linked from the SLO dashboard)
    runbook_base_url: str = ""  # where this service's alarms link their runbooks (the plan's, per service)

    @property
    def namespace(self) -> str:
        """Where the layer (Powertools) writes this service's metrics: configured, else the service name."""
        return self.metrics_namespace or self.name


def _refs(service: ServicePlan, kind: str) -> list[Any]:
    return [r.ref for r in service.resources if r.kind == kind]


def view_of(service: ServicePlan) -> ServiceView:
    """A ServiceView of one planned service: its listed and discovered resources, its functions' log groups and
    its SLI source exactly as the plan resolved them.

    Example
    -------
    >>> from config.loader import load_config
    >>> from plan.build import plan_environment
    >>> view = view_of(plan_environment(load_config("prod")).service("orders"))
    >>> view.functions[:1], view.log_groups[:1], view.slo_source.resource
    (('orders-create',), ('/aws/lambda/orders-create',), 'orders-api')
    """
    apis = tuple(Api(api.name, (("ApiName", api.name), ("Stage", api.stage))) for api in _refs(service, "rest_apis"))
    apis += tuple(Api(api.name, (("ApiId", api.api_id), ("Stage", api.stage)), http=True)
                  for api in _refs(service, "http_apis"))
    functions = [r for r in service.resources if r.kind == "functions"]
    objectives = service.objectives
    availability = objectives.availability if objectives else None
    slo = getattr(service.config, "slo", None)
    return ServiceView(
        name=service.name,
        functions=tuple(r.name for r in functions),
        log_groups=tuple(r.log_group for r in functions if r.log_group),
        apis=apis,
        tables=tuple(r.name for r in service.resources if r.kind == "tables"),
        queues=tuple(r.name for r in service.resources if r.kind == "queues"),
        dlqs=tuple(q.dlq for q in _refs(service, "queues") if getattr(q, "dlq", None)),
        state_machines=tuple(r.name for r in service.resources if r.kind == "state_machines"),
        objective=float(availability) if availability else DEFAULT_OBJECTIVE,
        latency_threshold_ms=objectives.latency_threshold_ms if objectives else None,
        metrics_namespace=getattr(service.config, "metrics_namespace", None) or "",
        slo_source=service.sli_source if objectives else None,
        availability_slo=availability,
        latency_slo=objectives.latency if objectives else None,
        native_slos=bool(getattr(slo, "native", False)),
        runbook_base_url=service.runbook_base_url,
    )


def services_of(plan: Plan) -> tuple[ServiceView, ...]:
    """The planned services in config order, as dashboards see them.

    Example
    -------
    >>> from config.loader import load_config
    >>> from plan.build import plan_environment
    >>> [s.name for s in services_of(plan_environment(load_config("prod")))][:2]
    ['orders', 'payments']
    """
    return tuple(view_of(service) for service in plan.services)


def runbook_base_url(cfg: EnvironmentConfig) -> str:
    """Where the environment's runbooks (docs/runbooks/<family>.md) are read, without a trailing '/': the
    config's base, which the plan gives every alarm of a service without its own.

    Example
    -------
    >>> from config.loader import load_config
    >>> runbook_base_url(load_config("prod"))
    'https://github.com/acme/watchtower/blob/main/docs/runbooks'
    """
    return cfg.runbook_base_url.rstrip("/")
