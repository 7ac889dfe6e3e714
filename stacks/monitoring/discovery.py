"""Discover a service's monitorable resources from its synthesized CloudFormation template (offline).

Metrics are keyed by physical names, so only resources whose name the template states (a literal, or a
``Fn::Sub``/``Fn::Join`` of literals) can be monitored from the template alone; the others are reported in
``Discovery.skipped`` with the reason, and can be listed by name under ``resources:`` instead. HTTP APIs are
always skipped: their metrics are keyed by the ApiId CloudFormation generates.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from config.errors import InputError
from config.services import (
    EventRuleRef,
    FunctionRef,
    QueueRef,
    RestApiRef,
    ServiceConfig,
    ServiceResources,
    StateMachineRef,
    TableRef,
    TopicRef,
)

__all__ = ["Discovery", "DiscoveryError", "discover", "discover_file", "service_resources", "REPO_ROOT"]

REPO_ROOT = Path(__file__).resolve().parents[2]
_LAMBDA_DEFAULT_TIMEOUT = 3  # seconds, when a template leaves Timeout out
_STREAM_MARKERS = ("StreamArn", ":kinesis:", "/stream/")


class DiscoveryError(InputError):
    """The template could not be read; the message is one line naming the file and the problem."""


@dataclass
class Discovery:
    """What a template yields: resources to monitor, and ``skipped`` lines saying what was left out and why."""

    resources: ServiceResources = ServiceResources()
    skipped: list[str] = field(default_factory=list)


def _literal(value: Any) -> str | None:
    """A name stated in the template: a string, or Fn::Sub / Fn::Join over literals only."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        (fn, arg), = value.items()
        if fn == "Fn::Sub" and isinstance(arg, str) and "${" not in arg:
            return arg
        if fn == "Fn::Join" and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str):
            parts = [_literal(p) for p in arg[1]] if isinstance(arg[1], list) else [None]
            literals = [p for p in parts if p is not None]
            return arg[0].join(literals) if len(literals) == len(parts) else None
    return None


def _ref_target(value: Any) -> str | None:
    """The logical id a Ref or Fn::GetAtt points at."""
    if isinstance(value, dict):
        if "Ref" in value:
            return value["Ref"]
        if "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            return target[0] if isinstance(target, list) else str(target).split(".")[0]
    return None


def discover(template: Mapping[str, Any], source: str = "template") -> Discovery:
    """Resources of every supported kind in ``template`` (a parsed CloudFormation template).

    Example
    -------
    >>> discover({"Resources": {"T": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "orders"}}}}
    ...          ).resources.tables[0].name
    'orders'
    """
    resources: Mapping[str, Any] = template.get("Resources", {}) or {}
    found: dict[str, list] = {k: [] for k in ("functions", "rest_apis", "tables", "queues", "state_machines",
                                              "event_rules", "topics")}
    skipped: list[str] = []

    def props(logical_id: str) -> dict:
        return resources.get(logical_id, {}).get("Properties", {}) or {}

    def named(logical_id: str, key: str, kind: str) -> str | None:
        name = _literal(props(logical_id).get(key))
        if name is None:
            skipped.append(f"{source}: {logical_id} ({kind}) has no literal {key}; list it by name under resources:")
        return name

    by_type: dict[str, list[str]] = {}
    for logical_id, resource in resources.items():
        by_type.setdefault(resource.get("Type", ""), []).append(logical_id)

    async_targets = {_ref_target(props(i).get("FunctionName")) or _literal(props(i).get("FunctionName"))
                     for i in by_type.get("AWS::Lambda::EventInvokeConfig", [])}
    stream_targets = {_ref_target(props(i).get("FunctionName")) or _literal(props(i).get("FunctionName"))
                      for i in by_type.get("AWS::Lambda::EventSourceMapping", [])
                      if any(m in json.dumps(props(i).get("EventSourceArn", "")) for m in _STREAM_MARKERS)}
    for logical_id in by_type.get("AWS::Lambda::Function", []):
        name = named(logical_id, "FunctionName", "Lambda function")
        if name:
            p = props(logical_id)
            found["functions"].append(FunctionRef(
                name=name, timeout_seconds=int(p.get("Timeout", _LAMBDA_DEFAULT_TIMEOUT)),
                async_invoked=bool(p.get("DeadLetterConfig")) or bool({logical_id, name} & async_targets),
                stream_source=bool({logical_id, name} & stream_targets)))

    stages: dict[str, str] = {}
    for kind in ("AWS::ApiGateway::Stage", "AWS::ApiGateway::Deployment"):
        for logical_id in by_type.get(kind, []):
            api, stage = _ref_target(props(logical_id).get("RestApiId")), _literal(props(logical_id).get("StageName"))
            if api and stage:
                stages.setdefault(api, stage)
    for logical_id in by_type.get("AWS::ApiGateway::RestApi", []):
        name = named(logical_id, "Name", "REST API")
        if name:
            found["rest_apis"].append(RestApiRef(name=name, stage=stages.get(logical_id, "prod")))
    for logical_id in by_type.get("AWS::ApiGatewayV2::Api", []):
        if props(logical_id).get("ProtocolType", "HTTP") == "HTTP":
            skipped.append(f"{source}: {logical_id} (HTTP API) is keyed by a generated ApiId; list it under "
                           "resources.http_apis with api_id")

    for logical_id in by_type.get("AWS::DynamoDB::Table", []) + by_type.get("AWS::DynamoDB::GlobalTable", []):
        name = named(logical_id, "TableName", "DynamoDB table")
        if name:
            found["tables"].append(TableRef(name=name))

    queue_ids = by_type.get("AWS::SQS::Queue", [])
    dlq_of = {q: _ref_target((props(q).get("RedrivePolicy") or {}).get("deadLetterTargetArn")) for q in queue_ids}
    dead_letter_ids = {d for d in dlq_of.values() if d}
    for logical_id in queue_ids:
        if logical_id in dead_letter_ids:
            continue  # monitored as the DLQ of its source queue
        name = named(logical_id, "QueueName", "SQS queue")
        if name:
            dlq_id = dlq_of[logical_id]
            dlq = _literal(props(dlq_id).get("QueueName")) if dlq_id else None
            if dlq_id and dlq is None:
                skipped.append(f"{source}: {dlq_id} (DLQ of {name}) has no literal QueueName")
            found["queues"].append(QueueRef(name=name, dlq=dlq))

    for logical_id in by_type.get("AWS::StepFunctions::StateMachine", []):
        name = named(logical_id, "StateMachineName", "state machine")
        if name:
            found["state_machines"].append(StateMachineRef(name=name))

    for logical_id in by_type.get("AWS::Events::Rule", []):
        name = named(logical_id, "Name", "EventBridge rule")
        if name:
            bus = props(logical_id).get("EventBusName", "default")
            bus_name = _literal(bus) or _literal(props(_ref_target(bus) or "").get("Name")) or "default"
            found["event_rules"].append(EventRuleRef(name=name, event_bus=bus_name))

    for logical_id in by_type.get("AWS::SNS::Topic", []):
        name = named(logical_id, "TopicName", "SNS topic")
        if name:
            found["topics"].append(TopicRef(name=name))

    return Discovery(ServiceResources(**{k: tuple(v) for k, v in found.items()}), skipped)


def discover_file(path: str | Path, root: Path = REPO_ROOT) -> Discovery:
    """Read and discover ``path`` (relative paths are relative to the repository root).

    Example
    -------
    >>> discover_file("tests/fixtures/service_templates/Shop.template.json").resources.count()
    10
    """
    full = Path(path) if Path(path).is_absolute() else root / path
    try:
        template = json.loads(full.read_text())
    except FileNotFoundError:
        raise DiscoveryError(f"template {path}: file not found (paths are relative to {root})") from None
    except json.JSONDecodeError as exc:
        raise DiscoveryError(f"template {path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(template, dict):
        raise DiscoveryError(f"template {path}: expected a CloudFormation template object")
    return discover(template, source=str(path))


def service_resources(service: ServiceConfig, root: Path = REPO_ROOT) -> ServiceResources:
    """The service's listed resources plus those discovered from its ``template`` (listed ones win).

    Example
    -------
    >>> svc = ServiceConfig(name="shop", template="tests/fixtures/service_templates/Shop.template.json")
    >>> service_resources(svc).count()
    10
    """
    if service.template is None:
        return service.resources
    return service.resources.merged(discover_file(service.template, root).resources)
