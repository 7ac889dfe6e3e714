"""Which regions an environment alarms in, as data: the home region, every extra canary region, and the region
each region-pinned resource kind publishes its metrics to.

CloudWatch alarms read metrics of their own region only, notify SNS topics of their own region only, and a
composite names alarms of its own region only. So every region with alarms gets its own alert topics (that the
home router subscribes to across regions), and a resource kind whose metrics exist in one region only is alarmed
on from a stack in that region, whatever the environment's home region is.

Example
-------
>>> from config.loader import load_config
>>> alert_regions(load_config("prod"))
('us-east-1',)
"""
from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from config.schema import EnvironmentConfig
from config.services import ServiceConfig, ServiceResources

__all__ = ["REGION_PINNED_KINDS", "OPT_IN_REGIONS", "alert_regions", "regional_topic_name", "pinned_kinds",
           "pinned_resources", "unpinned_resources", "pinned_region_problems", "sns_principal"]

# Resource kind (a ``resources:`` key) -> the only region its metrics exist in. CloudFront is a global service:
# "To get the CloudFront metrics from the CloudWatch API, you must use the US East (N. Virginia) Region
# (us-east-1)" (CloudFront developer guide, 'Getting metrics using the CloudWatch API'; dimension Region=Global).
# A kind added here moves its catalog alarms out of the service's home stack into the pinned region's stack.
REGION_PINNED_KINDS: Mapping[str, str] = MappingProxyType({"cloudfront_distributions": "us-east-1"})

# Opt-in regions (SNS developer guide, 'Sending Amazon SNS messages to ... a Lambda function in a different
# Region'): a function subscribed to a topic there must allow ``sns.<region>.amazonaws.com``, not
# ``sns.amazonaws.com``. The guide's list as of 2026.
OPT_IN_REGIONS: frozenset[str] = frozenset({
    "af-south-1", "ap-east-1", "ap-south-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
    "ap-southeast-7", "ap-northeast-3", "ca-west-1", "eu-south-1", "eu-south-2", "eu-central-2", "il-central-1",
    "me-south-1", "me-central-1", "mx-central-1",
})


def regional_topic_name(cfg: EnvironmentConfig, region: str, name: str) -> str:
    """``<app>-<env>-alerts-<region>-<name>``, the name of an extra region's alert topic. It ends in the severity,
    which is how the router (for a topic outside its TOPIC_SEVERITIES map) and the alarm simulator tell a page
    from a notification.

    Example
    -------
    >>> from config.loader import load_config
    >>> regional_topic_name(load_config("prod"), "us-east-1", "critical")
    'watchtower-prod-alerts-us-east-1-critical'
    """
    return f"{cfg.app}-{cfg.env}-alerts-{region}-{name}"


def sns_principal(topic_region: str) -> str:
    """The SNS service principal a function must allow for a topic in ``topic_region``.

    Example
    -------
    >>> sns_principal("us-east-1"), sns_principal("ap-east-1")
    ('sns.amazonaws.com', 'sns.ap-east-1.amazonaws.com')
    """
    return f"sns.{topic_region}.amazonaws.com" if topic_region in OPT_IN_REGIONS else "sns.amazonaws.com"


def pinned_kinds(pins: Mapping[str, str] | None = None, *, home: str | None = None) -> Mapping[str, str]:
    """The pinned kinds that this config model knows (a kind is pinned before its config key exists), except
    those pinned to ``home`` (the home stacks alarm on them where they are)."""
    pins = REGION_PINNED_KINDS if pins is None else pins
    return {kind: region for kind, region in pins.items()
            if kind in ServiceResources.model_fields and region != home}


def _refs(resources: ServiceResources, kind: str) -> tuple[Any, ...]:
    return tuple(getattr(resources, kind, ()))


def pinned_resources(resources: ServiceResources, *, home: str | None = None,
                     pins: Mapping[str, str] | None = None) -> dict[str, ServiceResources]:
    """``region -> the resources of those kinds pinned there`` (regions with none, and ``home``, left out).

    Example
    -------
    >>> pinned = pinned_resources(ServiceResources(tables=("orders",)), pins={"tables": "us-east-1"})
    >>> [ref.name for ref in pinned["us-east-1"].tables]
    ['orders']
    """
    by_region: dict[str, dict[str, tuple[Any, ...]]] = {}
    for kind, region in pinned_kinds(pins, home=home).items():
        refs = _refs(resources, kind)
        if refs:
            by_region.setdefault(region, {})[kind] = refs
    return {region: ServiceResources(**kinds) for region, kinds in by_region.items()}


def unpinned_resources(resources: ServiceResources, *, home: str | None = None,
                       pins: Mapping[str, str] | None = None) -> ServiceResources:
    """``resources`` without the kinds pinned to a region other than ``home``: what the home stacks alarm on.

    Example
    -------
    >>> unpinned_resources(ServiceResources(tables=("orders",)), pins={"tables": "us-east-1"}).count()
    0
    """
    kinds = set(pinned_kinds(pins, home=home))
    if not kinds or not any(_refs(resources, kind) for kind in kinds):
        return resources
    return resources.model_copy(update={kind: () for kind in kinds})


def alert_regions(cfg: EnvironmentConfig, *, pins: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """Regions other than the home region that hold alarms: extra canary regions, then pinned regions in use.

    Example
    -------
    >>> from config.loader import load_config
    >>> alert_regions(load_config("dev"))
    ()
    """
    from plan.discovery import service_resources  # listed plus discovered from the service's template

    regions = [r for r in cfg.synthetics.extra_regions if r != cfg.region]
    if cfg.organization is not None:  # every organization region has a sink, fleet alarms and its services' alarms
        regions += [r for r in cfg.organization.all_regions(cfg.region) if r != cfg.region]
    for service in cfg.services:
        regions += list(pinned_resources(service_resources(service), home=cfg.region, pins=pins))
    return tuple(dict.fromkeys(regions))


def pinned_region_problems(cfg: EnvironmentConfig, service: ServiceConfig, resources: ServiceResources | None = None,
                           *, pins: Mapping[str, str] | None = None) -> list[str]:
    """One line per pinned kind that ``service`` lists (``resources``: as resolved, default as configured) where
    it cannot be alarmed on.

    By default a pinned resource's alarms go to a stack of its own in the pinned region, beside the service's
    home stacks. Two configs cannot work: a service whose ``region`` is set to another region (its stacks are
    said to live there, and CloudWatch cannot alarm there on the pinned metrics), and an environment without a
    region (its stacks deploy wherever the credentials point, so the pinned stack may land in the home region).

    Example
    -------
    >>> from config.loader import load_config
    >>> cfg = load_config("prod")
    >>> pinned_region_problems(cfg, cfg.services[0])
    []
    """
    problems = []
    for region, pinned in pinned_resources(resources or service.resources, home=cfg.region, pins=pins).items():
        kinds = [k for k in pinned_kinds(pins, home=cfg.region) if _refs(pinned, k)]
        # a per-service region set in config (when the config model has one)
        own = getattr(service, "region", None) if "region" in service.model_fields_set else None
        if own and own != region:
            problems.append(
                f"services.{service.name}.resources.{kinds[0]}: metrics of this kind exist only in {region}, but "
                f"the service's stacks are in {own}; set the service's region to {region} or list the resource "
                f"under a service in {region}")
        elif cfg.region is None:
            problems.append(
                f"services.{service.name}.resources.{kinds[0]}: metrics of this kind exist only in {region}; set "
                f"the environment's region so its {region} stack cannot land in the home region")
    return problems
