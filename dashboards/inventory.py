"""What each service runs on, read from the config: the one place that knows the services schema.

Dashboards ask this module for a service's functions, APIs and tables and never read ServiceConfig fields
themselves, so a change in the monitoring config (config/services.py) is absorbed here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from config.schema import EnvironmentConfig

__all__ = ["Api", "ServiceView", "SliSource", "services_of", "view_of", "DEFAULT_OBJECTIVE",
           "DEFAULT_RUNBOOK_BASE_URL", "runbook_base_url"]

DEFAULT_OBJECTIVE = 99.9  # percent over 30 days, as the SLO alarms default to
DEFAULT_RUNBOOK_BASE_URL = "https://github.com/acme/watchtower/blob/main/docs/runbooks"


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
class SliSource:
    """Where a service's SLO events come from, chosen as the SLO alarms choose it (stacks/slo/signals.py):
    ``slo.source`` by name, else the first REST API, then HTTP API, then function.

    Example
    -------
    >>> SliSource("f", "AWS/Lambda", (("FunctionName", "f"),), "Invocations", "Errors", "Duration").errors
    'Errors'
    """

    label: str
    namespace: str
    dimensions: tuple[tuple[str, str], ...]
    requests: str
    errors: str
    latency: str


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

    @property
    def namespace(self) -> str:
        """Where the layer (Powertools) writes this service's metrics: configured, else the service name."""
        return self.metrics_namespace or self.name


def _names(items: Any) -> tuple[str, ...]:
    return tuple(getattr(item, "name", item) for item in items or ())


def _sli_source(slo: Any, resources: Any) -> SliSource | None:
    rest = [(a.name, (("ApiName", a.name), ("Stage", a.stage)), "AWS/ApiGateway", "Count", "5XXError", "Latency")
            for a in getattr(resources, "rest_apis", ())]
    http = [(a.name, (("ApiId", a.api_id), ("Stage", a.stage)), "AWS/ApiGateway", "Count", "5xx", "Latency")
            for a in getattr(resources, "http_apis", ())]
    functions = [(f.name, (("FunctionName", f.name),), "AWS/Lambda", "Invocations", "Errors", "Duration")
                 for f in getattr(resources, "functions", ())]
    candidates = rest + http + functions
    wanted = getattr(slo, "source", None)
    if wanted is not None:
        candidates = [c for c in candidates if c[0] == wanted]
    if not candidates:
        return None
    label, dims, namespace, requests, errors, latency = candidates[0]
    return SliSource(label, namespace, dims, requests, errors, latency)


def view_of(service: Any) -> ServiceView:
    """A ServiceView of one ``config.services.ServiceConfig``.

    Example
    -------
    >>> view_of(cfg.services[0]).name  # doctest: +SKIP
    'orders'
    """
    resources = getattr(service, "resources", None)
    apis = tuple(Api(api.name, (("ApiName", api.name), ("Stage", api.stage)))
                 for api in getattr(resources, "rest_apis", ()))
    apis += tuple(Api(api.name, (("ApiId", api.api_id), ("Stage", api.stage)), http=True)
                  for api in getattr(resources, "http_apis", ()))
    slo = getattr(service, "slo", None)
    availability = getattr(slo, "availability", None)
    return ServiceView(
        name=service.name,
        functions=_names(getattr(resources, "functions", ())),
        log_groups=tuple(getattr(f, "log_group", None) or f"/aws/lambda/{f.name}"
                         for f in getattr(resources, "functions", ())),
        apis=apis,
        tables=_names(getattr(resources, "tables", ())),
        queues=_names(getattr(resources, "queues", ())),
        dlqs=tuple(q.dlq for q in getattr(resources, "queues", ()) if getattr(q, "dlq", None)),
        state_machines=_names(getattr(resources, "state_machines", ())),
        objective=float(availability) if availability else DEFAULT_OBJECTIVE,
        latency_threshold_ms=getattr(slo, "latency_threshold_ms", None),
        metrics_namespace=getattr(service, "metrics_namespace", None) or "",
        slo_source=_sli_source(slo, resources) if slo is not None else None,
        availability_slo=availability,
        latency_slo=getattr(slo, "latency", None),
        native_slos=bool(getattr(slo, "native", False)),
    )


def services_of(cfg: EnvironmentConfig) -> tuple[ServiceView, ...]:
    """The services of ``cfg`` in config order, as dashboards see them.

    Example
    -------
    >>> [s.name for s in services_of(cfg)]  # doctest: +SKIP
    ['orders', 'payments']
    """
    return tuple(view_of(service) for service in cfg.services)


def runbook_base_url(cfg: EnvironmentConfig) -> str:
    """Where docs/runbooks/<family>.md is read, without a trailing '/' (the same base alarm descriptions use).

    Example
    -------
    >>> runbook_base_url(cfg)  # doctest: +SKIP
    'https://github.com/acme/watchtower/blob/main/docs/runbooks'
    """
    return str(getattr(cfg, "runbook_base_url", None) or DEFAULT_RUNBOOK_BASE_URL).rstrip("/")
