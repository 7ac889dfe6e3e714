"""A config with services of every shape, and alarm refs as the monitoring stacks would hand them over."""
from __future__ import annotations

import pytest

from config.schema import EnvironmentConfig
from dashboards.model import AlarmRef, AppResources

BASE = {
    "app": "watchtower", "env": "prod", "region": "eu-west-1", "powertools_layer_version": 27,
    "tags": {"Project": "watchtower", "Environment": "prod", "Owner": "sre", "CostCenter": "CC-1"},
}


def make_config(services: list[dict] | None = None, business: list[dict] | None = None) -> EnvironmentConfig:
    """An EnvironmentConfig of ``services`` (default: three services of different shapes)."""
    if services is None:
        services = [
            {"name": "orders", "resources": {"functions": ["orders-api", "orders-worker"], "tables": ["orders"],
                                             "queues": [{"name": "orders-jobs", "dlq": "orders-jobs-dlq"}],
                                             "rest_apis": [{"name": "orders-api", "stage": "prod"}]}},
            {"name": "payments", "metrics_namespace": "Payments", "slo": {"availability": 99.5},
             "resources": {"functions": ["payments-charge"]}},
            {"name": "search", "resources": {"http_apis": [{"name": "search", "api_id": "abcde12345"}]}},
        ]
    if business is None:
        business = [{"service": "orders", "name": "OrdersPlaced"},
                    {"service": "payments", "name": "ChargeAmount", "unit": "None", "stat": "Average"}]
    return EnvironmentConfig.model_validate({**BASE, "services": services, "allow_no_services": not services,
                                             "dashboards": {"business_metrics": business}})


def make_refs(cfg: EnvironmentConfig) -> list[AlarmRef]:
    """Refs like #4's factory makes: per service metric alarms with thresholds, composites, SLO, cost."""
    refs = []
    for service in cfg.services:
        for family, severity, threshold in (("HighErrorRate", "warning", 5.0), ("HighErrorRate", "critical", 10.0),
                                            ("Latency", "critical", 10000.0), ("ServiceDown", "critical", 50.0),
                                            ("MemoryPressure", "warning", 80.0), ("DatabaseThrottling", "critical", 0)):
            name = f"watchtower-prod-{service.name}-r-{family}-{severity}"
            refs.append(AlarmRef(name, f"arn:aws:cloudwatch:eu-west-1:1:alarm:{name}", service.name, severity,
                                 "metric", family, "r", threshold))
        for severity in ("critical", "warning"):
            name = f"watchtower-prod-{service.name}-composite-{severity}"
            refs.append(AlarmRef(name, f"arn:aws:cloudwatch:eu-west-1:1:alarm:{name}", service.name, severity,
                                 "composite", "Composite"))
        name = f"watchtower-prod-{service.name}-slo-page"
        refs.append(AlarmRef(name, f"arn:aws:cloudwatch:eu-west-1:1:alarm:{name}", service.name, "critical",
                             "composite", "SloBurnRate"))
    refs.append(AlarmRef("watchtower-prod-cost-hourly", "arn:aws:cloudwatch:eu-west-1:1:alarm:cost", "cost",
                         "warning", "metric", "CostAnomaly", "account", 10.0))
    return refs


@pytest.fixture
def cfg() -> EnvironmentConfig:
    return make_config()


@pytest.fixture
def refs(cfg) -> list[AlarmRef]:
    return make_refs(cfg)


@pytest.fixture
def resources() -> AppResources:
    return AppResources(router_function="watchtower-prod-alert-router", router_dlq="watchtower-prod-router-dlq",
                        canaries={"orders": "orders-health"})
