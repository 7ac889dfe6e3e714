"""Which monitored service each priced resource is for, so the bill can be shown per service as well as per AWS
service.

A resource belongs to a service when its ``service`` tag names it (alarms and composites carry one), when it sits
in that service's monitoring stack (``<app>-<env>-Monitoring-<service>`` and its ``-partN`` stacks), when it reads
the log group of one of the service's functions (metric filters, Contributor Insights rules), or when it is the
service's canary (named ``<app>-<env>-<service>``). The services and their functions' log groups are the plan's
(listed in config or discovered from ``template:``). Everything else (topics, router, dashboards, cost checker,
layer) is shared by all services and shown as such.
"""
from __future__ import annotations

import json
import re
from typing import Any, Mapping, Sequence

__all__ = ["SHARED", "split_by_service"]

SHARED = "(shared)"
_LOG_GROUP = re.compile(r"/aws/lambda/[A-Za-z0-9_.-]+")


def _tag(resource: Mapping[str, Any], key: str) -> str | None:
    tags = (resource.get("Properties") or {}).get("Tags")
    if isinstance(tags, dict):
        value = tags.get(key)
        return value if isinstance(value, str) else None
    for tag in tags or []:
        if isinstance(tag, dict) and tag.get("Key") == key and isinstance(tag.get("Value"), str):
            return tag["Value"]
    return None


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def _owner(stack: str, resource: Mapping[str, Any], services: Sequence[str], group_owner: Mapping[str, str],
           prefix: str) -> str:
    tagged = _tag(resource, "service")
    if tagged in services:
        return tagged
    for service in sorted(services, key=len, reverse=True):  # "orders-eu" before "orders"
        if stack == f"{prefix}-Monitoring-{service}" or re.fullmatch(rf"{re.escape(prefix)}-Monitoring-"
                                                                      rf"{re.escape(service)}-part\d+", stack):
            return service
    props = resource.get("Properties") or {}
    if resource.get("Type") == "AWS::Synthetics::Canary":
        for service in services:
            if props.get("Name") == f"{prefix}-{service}":
                return service
    if resource.get("Type") in ("AWS::Logs::MetricFilter", "AWS::Logs::SubscriptionFilter",
                                "AWS::CloudWatch::InsightRule"):
        # A log group named as a property, or inside a rule body (Contributor Insights holds JSON in a string).
        named = set(_strings(props)) | set(_LOG_GROUP.findall(json.dumps(props)))
        owners = {group_owner.get(name) for name in named}
        owners.discard(None)
        if len(owners) == 1:
            return owners.pop()  # type: ignore[return-value]
    return SHARED


def split_by_service(templates: Mapping[str, Mapping[str, Any]], services: Mapping[str, Sequence[str]],
                     prefix: str) -> dict[str, dict[str, dict[str, Any]]]:
    """``templates`` split into one set of templates per owning service (and SHARED), stack names kept.

    ``services`` maps each monitored service to its functions' log groups (the plan's); ``prefix`` is
    ``<app>-<env>``.

    Example
    -------
    >>> alarm = {"Type": "AWS::CloudWatch::Alarm", "Properties": {"Tags": [{"Key": "service", "Value": "orders"}]}}
    >>> sorted(split_by_service({"S": {"Resources": {"A": alarm}}}, {"orders": []}, "w-prod"))
    ['orders']
    """
    group_owner = {group: service for service, groups in services.items() for group in groups}
    names = list(services)
    split: dict[str, dict[str, dict[str, Any]]] = {}
    for stack, template in templates.items():
        for logical_id, resource in (template.get("Resources") or {}).items():
            owner = _owner(stack, resource, names, group_owner, prefix)
            group = split.setdefault(owner, {})
            group.setdefault(stack, {"Resources": {}})["Resources"][logical_id] = resource
    return split
