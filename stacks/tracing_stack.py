"""``<app>-<env>-Tracing``: X-Ray sampling rules, groups and insight notifications for every service."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import Stack, aws_sns as sns
from constructs import Construct

from config.schema import EnvironmentConfig
from config.services import ServiceConfig
from stacks.tracing import InsightNotifications, ServiceSamplingRules, ServiceTraceGroups
from stacks.wiring import local_topic

__all__ = ["TracingStack", "slow_threshold_ms", "DEFAULT_SLOW_MS"]

DEFAULT_SLOW_MS = 1000


def slow_threshold_ms(service: ServiceConfig) -> int:
    """The slow-request threshold: ``tracing.slow_threshold_ms``, else the latency SLO's threshold, else 1 s.

    Example
    -------
    >>> slow_threshold_ms(ServiceConfig(name="orders", resources={"functions": ["f"]}))
    1000
    """
    if service.tracing.slow_threshold_ms:
        return service.tracing.slow_threshold_ms
    slo = getattr(service, "slo", None)
    return getattr(slo, "latency_threshold_ms", None) or DEFAULT_SLOW_MS


def _api_stages(service: ServiceConfig) -> list[tuple[str, str]]:
    resources = getattr(service, "resources", None)
    return [(api.name, api.stage) for api in getattr(resources, "rest_apis", ())]


class TracingStack(Stack):
    """Per service: sampling rules for its REST API stages and three trace groups; one insights rule.

    ``extra_api_stages`` (service -> [(api name, stage)]) adds stages the environment deploys itself.

    Example
    -------
    >>> from aws_cdk import App
    >>> from config.loader import load_config
    >>> app, cfg = App(), load_config("prod")
    >>> from stacks.alerting_stack import AlertingStack
    >>> alerting = AlertingStack(app, "watchtower-prod-Alerting", cfg=cfg)
    >>> tracing = TracingStack(app, "watchtower-prod-Tracing", cfg=cfg, services=cfg.services,
    ...                        warning_topic=alerting.topics["warning"])
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig,
                 services: Sequence[ServiceConfig], warning_topic: sns.ITopic,
                 extra_api_stages: Mapping[str, Sequence[tuple[str, str]]] | None = None, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.sampling: dict[str, ServiceSamplingRules] = {}
        self.groups: dict[str, ServiceTraceGroups] = {}
        extra = extra_api_stages or {}
        for index, service in enumerate(services):
            name = "".join(part.capitalize() for part in service.name.split("-"))
            stages = _api_stages(service) + [s for s in extra.get(service.name, ()) if s not in _api_stages(service)]
            if stages:
                self.sampling[service.name] = ServiceSamplingRules(
                    self, f"{name}Sampling", cfg=cfg, service=service.name, tracing=service.tracing,
                    api_stages=stages, index=index)
            if service.tracing.groups:
                self.groups[service.name] = ServiceTraceGroups(
                    self, f"{name}Groups", cfg=cfg, service=service.name, slow_threshold_ms=slow_threshold_ms(service))
        self.insights = InsightNotifications(self, "InsightNotifications", cfg=cfg,
                                             topic=local_topic(self, warning_topic))
