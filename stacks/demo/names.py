"""Stable physical names of the demo service, so monitoring config can name them before they exist."""
from __future__ import annotations

from dataclasses import dataclass

from config.schema import EnvironmentConfig
from stacks.naming import resource_name

__all__ = ["DemoNames", "demo_names", "DEMO_SERVICE", "API_STAGE"]

DEMO_SERVICE = "demo"
API_STAGE = "live"


@dataclass(frozen=True)
class DemoNames:
    """Names of the demo's resources and telemetry."""

    function: str
    log_group: str
    table: str
    api: str
    stage: str
    access_log_group: str
    metrics_namespace: str
    service: str
    traffic_rule: str


def demo_names(cfg: EnvironmentConfig) -> DemoNames:
    """All demo names for one environment.

    Example
    -------
    >>> from config.loader import load_config
    >>> cfg = load_config("dev")
    >>> demo_names(cfg).function
    'watchtower-dev-demo-api'
    """
    function = resource_name(cfg, DEMO_SERVICE, "api")
    return DemoNames(
        function=function,
        log_group=f"/aws/lambda/{function}",
        table=resource_name(cfg, DEMO_SERVICE, "measurements"),
        api=resource_name(cfg, DEMO_SERVICE, "api"),
        stage=API_STAGE,
        access_log_group=f"/aws/apigateway/{resource_name(cfg, DEMO_SERVICE, 'api')}/access",
        metrics_namespace=f"{cfg.app}/{DEMO_SERVICE}",
        service=DEMO_SERVICE,
        traffic_rule=resource_name(cfg, DEMO_SERVICE, "traffic"),
    )
