"""The synthetics, tracing and logs stacks of one environment, built in one call from
``build_environment`` so that file keeps one short block per concern."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aws_cdk import App, Environment, Stack, aws_cloudwatch as cloudwatch, aws_sns as sns

from config.schema import EnvironmentConfig
from config.services import ServiceConfig
from config.telemetry import CanaryConfig
from plan.build import demo_canary
from plan.discovery import service_resources
from stacks.demo_service_stack import DemoServiceStack
from stacks.logs import monitored_functions
from stacks.logs_stack import LogsStack
from stacks.naming import stack_name
from stacks.synthetics.targets import canary_targets
from stacks.synthetics_stack import SyntheticsStack
from stacks.tracing_stack import TracingStack

__all__ = ["TelemetryStacks", "build_telemetry", "demo_telemetry"]


@dataclass
class TelemetryStacks:
    """What ``build_telemetry`` made: ``stacks`` by concern, and canary alarms for the service composites."""

    stacks: dict[str, Stack] = field(default_factory=dict)
    canary_children: dict[str, list[tuple[cloudwatch.IAlarm, str]]] = field(default_factory=dict)
    canaries: dict[str, Any] = field(default_factory=dict)  # service -> CanaryRef, for its monitoring stack


def demo_telemetry(cfg: EnvironmentConfig, demo: DemoServiceStack) -> tuple[ServiceConfig, CanaryConfig, str]:
    """The dev demo service as a traced, logged, canaried service: (service, canary, SSM parameter holding the
    API URL).

    Its log group belongs to the demo stack (created there with retention), so only filters, archive,
    insights and queries are added for it.

    Example
    -------
    >>> service, canary, url_parameter = demo_telemetry(cfg, stacks["DemoService"])  # doctest: +SKIP
    """
    names = demo.names
    service = ServiceConfig(name=names.service, resources={
        "functions": [{"name": names.function, "log_group": names.log_group}],
        "rest_apis": [{"name": names.api, "stage": names.stage}]})
    return service, demo_canary(), demo.api_url_parameter  # the plan watches this canary


def build_telemetry(app: App, cfg: EnvironmentConfig, *, topics: Mapping[str, sns.ITopic],
                    props: Callable[[str], dict], resources_of: Callable[[Any], Any] | None = None,
                    demo: DemoServiceStack | None = None) -> TelemetryStacks:
    """Synthetics (home region plus one stack per extra region), Tracing and Logs.

    ``canary_children`` only holds services of ``cfg.services`` (the ones with composites); other canaries
    (the demo service's, when ``demo`` is its DemoServiceStack) notify ``topics`` directly.

    Example
    -------
    >>> made = build_telemetry(app, cfg, topics=alerting.topics, props=props)  # doctest: +SKIP
    >>> sorted(made.stacks)  # doctest: +SKIP
    ['Logs', 'Synthetics', 'Synthetics-us-east-1', 'Tracing']
    """
    made = TelemetryStacks()
    configured = {s.name for s in cfg.services}
    services, url_parameters, extra_canaries, retained_elsewhere = list(cfg.services), {}, {}, []
    if demo is not None:
        service, canary, url_parameter = demo_telemetry(cfg, demo)
        listed = next((s for s in cfg.services if s.name == service.name), None)
        if listed is None:  # not in config: trace and log it here
            services.append(service)
        if listed is None or listed.canary is None:  # config may bring its own canary; the URL is the API's
            extra_canaries[service.name] = canary
        url_parameters[service.name] = url_parameter
        retained_elsewhere.append(demo.names.log_group)
    targets = canary_targets(cfg, extra=extra_canaries, url_parameters=url_parameters)
    if targets:
        home = SyntheticsStack(app, stack_name(cfg, "Synthetics"), cfg=cfg, targets=targets, notify=topics,
                               composed=configured, **props("Synthetics"))
        made.stacks["Synthetics"] = home
        if url_parameters and demo is not None:
            home.add_stack_dependency(demo)  # reads the demo API's URL from SSM at deploy time
        made.canary_children = {s: kids for s, kids in home.children.items() if s in configured}
        made.canaries = dict(home.composed)
        for region in cfg.synthetics.extra_regions:
            if region == cfg.region:
                continue
            concern = f"Synthetics-{region}"
            regional_props = {**props(concern), "env": Environment(account=cfg.account, region=region)}
            made.stacks[concern] = SyntheticsStack(app, stack_name(cfg, concern), cfg=cfg, targets=targets,
                                                   extra_region=region, **regional_props)
    made.stacks["Tracing"] = TracingStack(app, stack_name(cfg, "Tracing"), cfg=cfg, services=services,
                                          warning_topic=topics["warning"], **props("Tracing"))
    # Default: the monitoring work's resolution, so functions discovered from a service's template are covered.
    resources_of = resources_of or service_resources
    if any(monitored_functions(s.name, resources_of(s)) for s in services):  # no empty stack (cfn-lint F0001)
        made.stacks["Logs"] = LogsStack(app, stack_name(cfg, "Logs"), cfg=cfg, services=services,
                                        resources_of=resources_of, retained_elsewhere=retained_elsewhere,
                                        **props("Logs"))
        if demo is not None and retained_elsewhere:
            made.stacks["Logs"].add_stack_dependency(demo)  # filters and subscriptions need the demo's log group
    return made

