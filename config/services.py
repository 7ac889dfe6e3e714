"""What to monitor: services, the resources they run on, threshold overrides, maintenance windows and SLOs.

A service lists its resources by name or ARN, or points at its synthesized CloudFormation template
(``template:``) from which the resources are discovered at synth (plan/discovery.py).
Thresholds come from the alarm catalog (plan/catalog.py); ``overrides`` change them per service
or per resource, keyed ``Family`` (every severity) or ``Family.severity`` (one).
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator

from config.base import StrictModel
from config.kinds import (
    EXTRA_KINDS,
    REFS as EXTRA_REFS,
    AppSyncApiRef,
    AuroraClusterRef,
    BucketRef,
    CloudFrontDistributionRef,
    EcsServiceRef,
    FirehoseStreamRef,
    KinesisStreamRef,
    LoadBalancerRef,
    PipeRef,
    ScheduleGroupRef,
    SesConfigurationSetRef,
    WebSocketApiRef,
)
from config.telemetry import CanaryConfig, TracingConfig
from config.templates import TemplateReadError, read_service_template
from config.windows import ServiceMaintenanceWindow

__all__ = [
    "RESOURCE_KINDS",
    "AlarmOverride",
    "FunctionRef",
    "RestApiRef",
    "HttpApiRef",
    "TableRef",
    "QueueRef",
    "StateMachineRef",
    "EventRuleRef",
    "TopicRef",
    "ApiRouteRef",
    "ServiceResources",
    "SloConfig",
    "ServiceConfig",
]

RESOURCE_KINDS: tuple[str, ...] = (
    "functions", "rest_apis", "http_apis", "tables", "queues", "state_machines", "event_rules", "topics",
    # api_routes: one per route listed under an API's routes (derived, never written in config)
    "api_routes", *EXTRA_KINDS,
)
REPO_ROOT = Path(__file__).resolve().parent.parent
_OVERRIDE_KEY = re.compile(r"^(?P<family>[A-Za-z0-9]+)(\.(?P<severity>critical|warning|info))?$")
_NAME = r"^[A-Za-z0-9_.:/$-]{1,256}$"
_STACK_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,127}$")  # CloudFormation's stack-name rule


class AlarmOverride(StrictModel):
    """Changes to one catalog default. Unset fields keep the default; ``enabled: false`` drops the alarm."""

    enabled: bool = True
    threshold: float | None = None
    period_seconds: int | None = Field(default=None, ge=10, le=86400)
    evaluation_periods: int | None = Field(default=None, ge=1, le=1440)
    datapoints_to_alarm: int | None = Field(default=None, ge=1, le=1440)
    min_requests: int | None = Field(default=None, ge=0)
    min_bad_events: int | None = Field(
        default=None, ge=0,
        description="bad events (errors, failed executions, throttled requests) a period needs before a rate or "
                    "count alarm may fire; default: the catalog's (0 where the catalog sets no floor)")

    @field_validator("period_seconds")
    @classmethod
    def _valid_period(cls, period: int | None) -> int | None:
        if period is not None and period not in (10, 20, 30) and period % 60:
            raise ValueError("period_seconds must be 10, 20, 30 or a multiple of 60 (CloudWatch alarm periods)")
        return period


def _check_override_key(key: str) -> str:
    """One override key; checked key by key, so every bad key of a mapping is reported, each on its own line.

    The families are the catalog's, imported here rather than at module import: the plan imports config, and
    by the time a config is validated both are loaded.
    """
    from plan.catalog import FAMILIES as ALARM_FAMILIES

    match = _OVERRIDE_KEY.match(key)
    family = match["family"] if match else key.split(".", 1)[0]
    if match and family in ALARM_FAMILIES:
        return key
    guess = difflib.get_close_matches(family, ALARM_FAMILIES, n=1)
    hint = f"did you mean '{guess[0]}'? " if guess and guess[0] != family else ""
    if family in ALARM_FAMILIES:  # the family is right, the severity is not
        raise ValueError(f"override key '{key}': the severity after the dot must be critical, warning or info")
    raise ValueError(f"override key '{key}' must be Family or Family.severity of a known family; {hint}"
                     f"families: {', '.join(ALARM_FAMILIES)}")


Overrides = dict[Annotated[str, AfterValidator(_check_override_key)], AlarmOverride]
for _ref_model in EXTRA_REFS.values():  # their ``overrides`` field is this mapping (config/kinds.py)
    _ref_model.model_rebuild(_types_namespace={"Overrides": Overrides})


def _name_from_arn(value: Any, marker: str) -> Any:
    """``arn:...<marker>NAME`` -> NAME, so config accepts a name or an ARN for the same resource."""
    if isinstance(value, str) and value.startswith("arn:"):
        if marker not in value:
            raise ValueError(f"'{value}' is not an ARN of this resource kind (expected '...{marker}NAME')")
        return value.rsplit(marker, 1)[1]
    return value


class _ResourceRef(StrictModel):
    """A monitored resource: its name (an ARN is accepted and reduced to the name) and its overrides."""

    name: str = Field(pattern=_NAME)
    overrides: Overrides = {}

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        # A bare string in YAML is the resource's name or ARN.
        return {"name": value} if isinstance(value, str) else value


class FunctionRef(_ResourceRef):
    """A Lambda function. ``timeout_seconds`` enables DurationNearTimeout; the flags enable the alarms of
    stream sources (IteratorAge) and asynchronous invocation (AsyncFailures)."""

    timeout_seconds: int | None = Field(default=None, ge=1, le=900)
    stream_source: bool = False
    async_invoked: bool = False
    log_group: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_./#-]{1,512}$")

    @field_validator("name", mode="before")
    @classmethod
    def _arn(cls, value: Any) -> Any:
        return _name_from_arn(value, ":function:")


_ROUTE = re.compile(r"^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) (/[A-Za-z0-9._~{}+/-]*)$")


def _check_routes(routes: tuple[str, ...]) -> tuple[str, ...]:
    for route in routes:
        if not _ROUTE.match(route):
            raise ValueError(f"route '{route}' must be 'METHOD /path' (METHOD one of GET POST PUT PATCH DELETE HEAD "
                             "OPTIONS ANY), e.g. 'POST /orders'")
    if len(set(routes)) != len(routes):
        raise ValueError(f"routes list a route twice: {', '.join(sorted(r for r in routes if routes.count(r) > 1))}")
    return routes


_ROUTES_DESCRIPTION = ("routes with their own error-rate, success-rate and latency alarms, as 'METHOD /path' "
                       "(e.g. 'POST /orders'), so a critical path can page on its own; they need the stage's "
                       "detailed (per-method or per-route) CloudWatch metrics on. Default none")


class RestApiRef(_ResourceRef):
    """An API Gateway REST API, by its name (the ApiName metric dimension), and the stage to watch."""

    stage: str = Field(default="prod", pattern=r"^[A-Za-z0-9_-]{1,128}$")
    routes: tuple[str, ...] = Field(default=(), description=_ROUTES_DESCRIPTION)

    @field_validator("routes")
    @classmethod
    def _valid_routes(cls, routes: tuple[str, ...]) -> tuple[str, ...]:
        return _check_routes(routes)


class HttpApiRef(_ResourceRef):
    """An API Gateway HTTP API. Its metrics are keyed by ApiId, so ``api_id`` is required; ``name`` labels it."""

    api_id: str = Field(pattern=r"^[a-z0-9]{10}$")
    stage: str = Field(default="$default", pattern=r"^[A-Za-z0-9_$-]{1,128}$")
    routes: tuple[str, ...] = Field(default=(), description=_ROUTES_DESCRIPTION)

    @field_validator("routes")
    @classmethod
    def _valid_routes(cls, routes: tuple[str, ...]) -> tuple[str, ...]:
        return _check_routes(routes)


class ApiRouteRef(_ResourceRef):
    """One route of a REST or HTTP API with its own alarms, derived from the API's ``routes`` (never listed
    under ``resources:`` directly). REST routes are keyed by Resource and Method, HTTP routes by Route.

    Example
    -------
    >>> ApiRouteRef.of(RestApiRef(name="orders-api", routes=("POST /orders",)), "POST /orders").name
    'orders-api-POST-orders'
    """

    api: str
    api_id: str | None = None
    stage: str
    method: str
    path: str

    @classmethod
    def of(cls, api: "RestApiRef | HttpApiRef", route: str) -> "ApiRouteRef":
        method, path = route.split(" ", 1)
        slug = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "root"
        return cls(name=f"{api.name}-{method}-{slug}"[:256], overrides=api.overrides, api=api.name,
                   api_id=getattr(api, "api_id", None), stage=api.stage, method=method, path=path)

    @property
    def route(self) -> str:
        return f"{self.method} {self.path}"


class TableRef(_ResourceRef):
    """A DynamoDB table."""

    @field_validator("name", mode="before")
    @classmethod
    def _arn(cls, value: Any) -> Any:
        return _name_from_arn(value, ":table/")


class QueueRef(_ResourceRef):
    """An SQS queue and, optionally, its dead-letter queue (name or ARN)."""

    dlq: str | None = Field(default=None, pattern=_NAME)

    @field_validator("name", "dlq", mode="before")
    @classmethod
    def _arn(cls, value: Any) -> Any:
        return value.rsplit(":", 1)[1] if isinstance(value, str) and value.startswith("arn:") else value

    @model_validator(mode="after")
    def _not_its_own_dlq(self) -> "QueueRef":
        # Its DLQ alarm would watch the live queue: every message waiting would warn, and no dead letter would.
        if self.dlq is not None and self.dlq == self.name:
            raise ValueError(f"queue '{self.name}' names itself as its dlq: give the name of its dead-letter queue")
        return self


class StateMachineRef(_ResourceRef):
    """A Step Functions state machine (the ARN is built in the monitoring stack's account and region)."""

    @field_validator("name", mode="before")
    @classmethod
    def _arn(cls, value: Any) -> Any:
        return _name_from_arn(value, ":stateMachine:")


class EventRuleRef(_ResourceRef):
    """An EventBridge rule on ``event_bus`` (default: the account's default bus)."""

    event_bus: str = Field(default="default", pattern=r"^[A-Za-z0-9/_.-]{1,256}$")

    @field_validator("name", mode="before")
    @classmethod
    def _arn(cls, value: Any) -> Any:
        return _name_from_arn(value, "/") if isinstance(value, str) and value.startswith("arn:") else value


class TopicRef(_ResourceRef):
    """An SNS topic."""

    @field_validator("name", mode="before")
    @classmethod
    def _arn(cls, value: Any) -> Any:
        return value.rsplit(":", 1)[1] if isinstance(value, str) and value.startswith("arn:") else value


class ServiceResources(StrictModel):
    """The resources of one service, by kind."""

    functions: tuple[FunctionRef, ...] = ()
    rest_apis: tuple[RestApiRef, ...] = ()
    http_apis: tuple[HttpApiRef, ...] = ()
    tables: tuple[TableRef, ...] = ()
    queues: tuple[QueueRef, ...] = ()
    state_machines: tuple[StateMachineRef, ...] = ()
    event_rules: tuple[EventRuleRef, ...] = ()
    topics: tuple[TopicRef, ...] = ()
    api_routes: tuple[ApiRouteRef, ...] = Field(default=(), description=(
        "derived from the APIs' routes; not written in config"))
    kinesis_streams: tuple[KinesisStreamRef, ...] = ()
    firehose_streams: tuple[FirehoseStreamRef, ...] = ()
    appsync_apis: tuple[AppSyncApiRef, ...] = ()
    websocket_apis: tuple[WebSocketApiRef, ...] = ()
    load_balancers: tuple[LoadBalancerRef, ...] = ()
    ecs_services: tuple[EcsServiceRef, ...] = ()
    aurora_clusters: tuple[AuroraClusterRef, ...] = ()
    cloudfront_distributions: tuple[CloudFrontDistributionRef, ...] = ()
    buckets: tuple[BucketRef, ...] = ()
    schedule_groups: tuple[ScheduleGroupRef, ...] = ()
    pipes: tuple[PipeRef, ...] = ()
    ses_configuration_sets: tuple[SesConfigurationSetRef, ...] = ()

    @model_validator(mode="after")
    def _derive_routes(self) -> "ServiceResources":
        # Each listed route is a resource of its own (its own alarms), derived here so the kinds stay one list.
        # Given explicitly (a part of a split service, a merge), api_routes is taken as it is.
        if "api_routes" not in self.model_fields_set:
            apis: list[RestApiRef | HttpApiRef] = [*self.rest_apis, *self.http_apis]
            object.__setattr__(self, "api_routes", tuple(
                ApiRouteRef.of(api, route) for api in apis for route in api.routes))
        return self

    def count(self) -> int:
        """How many resources are listed, all kinds together."""
        return sum(len(getattr(self, kind)) for kind in RESOURCE_KINDS)

    def merged(self, other: "ServiceResources") -> "ServiceResources":
        """These resources plus ``other``'s, without repeating a name within a kind (these win)."""
        merged: dict[str, tuple] = {}
        for kind in RESOURCE_KINDS:
            mine = getattr(self, kind)
            names = {r.name for r in mine}
            merged[kind] = mine + tuple(r for r in getattr(other, kind) if r.name not in names)
        return ServiceResources(**merged)


class SloConfig(StrictModel):
    """Availability and latency objectives of a service, over ``period_days``.

    ``source`` names the API or function whose traffic defines the SLO (default: the first API, else the first
    function). Latency is the share of requests answered within ``latency_threshold_ms``.
    """

    availability: float | None = Field(default=99.9, gt=50, lt=100)
    latency: float | None = Field(default=99.9, gt=50, lt=100)
    latency_threshold_ms: int = Field(default=1000, ge=1, le=900_000)
    min_bad_events: int = Field(
        default=5, ge=1, le=10_000,
        description="bad events a burn-rate window needs before its ratio counts (default 5), on top of the "
                    "volume floor of more than 1/threshold requests: two or three failures in a quiet hour are "
                    "noise, not a burning budget")
    period_days: Literal[30] = 30
    source: str | None = None
    native: bool = Field(default=True, description=(
        "also create each SLO as an Application Signals SLO (attainment, budget and burn rates in the console); "
        "default true"))
    warning_threshold: float = Field(default=50, gt=0, lt=100, description=(
        "the console marks the native SLO as warning when less than this percent of its budget is left; "
        "default 50 (Application Signals' own default)"))
    alarms_on: Literal["burn_rate", "native"] = Field(default="burn_rate", description=(
        "what the burn-rate alarms read: 'burn_rate' (our own metric math, the default and the only one built)"))

    @field_validator("alarms_on")
    @classmethod
    def _native_alarms_unsupported(cls, value: str) -> str:
        # The names of the burn-rate metrics Application Signals publishes are not in its documentation; an
        # alarm on a guessed metric name would sit in INSUFFICIENT_DATA forever and never page.
        if value == "native":
            raise ValueError("alarms_on 'native' is not supported yet: the burn-rate metrics Application Signals "
                             "publishes are not named in its documentation (allowed: burn_rate)")
        return value


def _discovery_pending(info: ValidationInfo) -> bool:
    """True while make discover reads the config: a discovered service's resources are not known yet."""
    return bool(info.context and info.context.get("discovery_pending"))


class ServiceConfig(StrictModel):
    """One monitored service: who owns it, what it runs on, and how it is alarmed."""

    name: str = Field(pattern=r"^[a-z][a-z0-9-]{0,39}$")
    owner: str = Field(default="platform-team", min_length=1, max_length=128)
    tier: Literal[1, 2, 3] = 2
    runbook_base_url: str | None = Field(default=None, pattern=r"^https://\S+[^/]$")
    resources: ServiceResources = ServiceResources()
    template: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_./-]+\.(json|ya?ml|template)$",
                                 description="the service's CloudFormation template, JSON or YAML (short-form tags "
                                             "such as !Ref work), relative to the repository root; default none")
    stack: str | None = Field(default=None, description=(
        "the deployed CloudFormation stack name of ``template``: with it, resources whose metric keys are made at "
        "deploy (AppSync, WebSocket and HTTP API ids, load balancers and target groups, CloudFront distributions, "
        "functions, tables, queues and topics without a literal name) are monitored too, their keys read from "
        "the stack at deploy (DescribeStackResource, read-only); default none: those are reported as skipped"))
    metrics_namespace: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_./#:-]{1,255}$")
    discover: bool = Field(default=False, description=(
        "also monitor the resources tagged with the discovery tag (default key 'service') whose value is this "
        "service's name, as `make discover` wrote them to config/discovered/ENV.yaml; default false"))
    overrides: Overrides = {}
    maintenance_windows: tuple[ServiceMaintenanceWindow, ...] = ()  # the syntax: config/windows.py
    slo: SloConfig | None = SloConfig()
    canary: CanaryConfig | None = None  # declared in config/telemetry.py
    tracing: TracingConfig = TracingConfig()  # declared in config/telemetry.py
    # Where the service runs, with an organization: section (config/organization.py).
    account: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9-]{0,19}$", description=(
        "name of the source account the service runs in, one of organization.accounts; default none: the "
        "environment's (monitoring) account, and alarm names without an account part"))
    region: str | None = Field(default=None, pattern=r"^[a-z]{2}(-gov)?-[a-z]+-\d$", description=(
        "region the service runs in, one of organization.regions; default the environment's region"))

    @model_validator(mode="before")
    @classmethod
    def _no_log_filter_in_another_account(cls, data: Any) -> Any:
        # ErrorLogs counts log lines with a metric filter on the function's log group, which only the group's own
        # account can create: for a service in a source account it is off (its error metrics still alarm).
        if isinstance(data, dict) and data.get("account") and isinstance(data.get("overrides", {}), dict):
            overrides = data.get("overrides", {})
            keys = [k for k in overrides if str(k).split(".")[0] == "ErrorLogs"]
            if any(not isinstance(overrides[k], dict) or overrides[k].get("enabled", True) for k in keys):
                raise ValueError(f"{', '.join(map(str, keys))}: ErrorLogs cannot be enabled for a service in another "
                                 "account (its log groups' metric filters can only be created there)")
            if not keys:
                return {**data, "overrides": {**overrides, "ErrorLogs": {"enabled": False}}}
        return data

    @field_validator("template")
    @classmethod
    def _template_exists(cls, template: str | None) -> str | None:
        if template is None:
            return template
        path = REPO_ROOT / template
        if not path.is_file():
            raise ValueError(f"template '{template}' does not exist (paths are relative to the repository root)")
        try:
            read_service_template(path, template)
        except TemplateReadError as exc:
            raise ValueError(str(exc)) from None
        return template

    @field_validator("stack")
    @classmethod
    def _stack_name(cls, stack: str | None) -> str | None:
        if stack is not None and not _STACK_NAME.match(stack):
            raise ValueError(f"stack '{stack}' is not a CloudFormation stack name (a letter, then up to 127 letters, "
                             "digits and hyphens)")
        return stack

    @model_validator(mode="after")
    def _stack_needs_its_template(self) -> "ServiceConfig":
        # The stack is where the template's resources are read at deploy: it means nothing without the template,
        # and the monitoring account cannot read another account's stacks.
        if self.stack is not None and self.template is None:
            raise ValueError(f"service '{self.name}' has stack: '{self.stack}' but no template: stack names the "
                             "deployed stack of the service's template")
        if self.stack is not None and self.account is not None:
            raise ValueError(f"service '{self.name}' runs in account '{self.account}': stack: cannot be read from "
                             "the monitoring account; list the generated ids under resources: or use discover: true")
        return self

    @model_validator(mode="after")
    def _slo_source_is_listed(self, info: ValidationInfo) -> "ServiceConfig":
        # With a template the source may be discovered at synth; without one it must be listed here (or, while
        # make discover reads the config to find them, be among the resources it is about to discover).
        if self.discover and _discovery_pending(info):
            return self
        if self.slo is not None and self.slo.source is not None and self.template is None:
            names = [r.name for kind in ("rest_apis", "http_apis", "functions") for r in getattr(self.resources, kind)]
            if self.slo.source not in names:
                raise ValueError(f"slo.source '{self.slo.source}' is not one of the service's APIs or functions "
                                 f"({', '.join(names) or 'none listed'})")
        return self

    @model_validator(mode="after")
    def _something_to_monitor(self, info: ValidationInfo) -> "ServiceConfig":
        if self.resources.count() == 0 and self.template is None:
            if self.discover and _discovery_pending(info):
                return self
            if self.discover:
                raise ValueError(f"service '{self.name}' has discover: true but no resources were discovered for "
                                 f"it: tag its resources with the discovery tag (value '{self.name}') and run "
                                 "make discover ENV=.., or list them under resources:")
            raise ValueError(f"service '{self.name}' lists no resources: give resources: or template:")
        return self

    @property
    def powertools_namespace(self) -> str:
        """Namespace of the service's Powertools metrics (POWERTOOLS_METRICS_NAMESPACE); default: its name."""
        return self.metrics_namespace or self.name
