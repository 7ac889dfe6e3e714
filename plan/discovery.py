"""Discover a service's monitorable resources from its CloudFormation template (offline), JSON or YAML.

Metrics are keyed by physical names, so only resources whose name the template states (a literal, or a
``Fn::Sub``/``Fn::Join`` of literals) can be monitored from the template alone; the others are reported in
``Discovery.skips`` with the reason and the config line that would include them. Given the service's deployed
stack (``stack:``), the resources keyed by what CloudFormation or the service makes at deploy (HTTP API ids;
functions, tables, queues and topics without a literal name; the estate kinds in plan/discovery_estate.py) are
found too, holding a ``DeployTimeName`` (plan/deploy_time.py) that the monitoring stacks read at deploy.

Both plain CloudFormation (what CDK synthesizes) and SAM templates (``AWS::Serverless::*``, before the SAM
transform) are read. SAM's implicit APIs are named after the stack (so they are skipped) and deploy the stage
``Prod`` (REST) or ``$default`` (HTTP); the include lines say so.

Functions that frameworks add to run at deploy time (custom-resource providers of CDK and the Serverless
Framework, CDK's log-retention and bucket-deployment handlers) are left out by rule and listed as skipped: they
serve no traffic, so their alarms would only ever report a failed deploy, which CloudFormation reports already.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from config.errors import InputError
from config.services import (
    EventRuleRef,
    FunctionRef,
    HttpApiRef,
    QueueRef,
    RestApiRef,
    ServiceConfig,
    ServiceResources,
    StateMachineRef,
    TableRef,
    TopicRef,
)
from config.templates import TemplateReadError, read_service_template
from plan.deploy_time import DeployTimeName, deploy_time_name

__all__ = ["Discovery", "DiscoveryError", "Skip", "discover", "discover_file", "discover_service",
           "service_resources", "REPO_ROOT"]

REPO_ROOT = Path(__file__).resolve().parents[1]
# SAM types and the CloudFormation type the transform turns them into, under the same logical id.
_SAM_TRANSFORMS = {"AWS::Serverless::Function": "AWS::Lambda::Function",
                   "AWS::Serverless::SimpleTable": "AWS::DynamoDB::Table",
                   "AWS::Serverless::HttpApi": "AWS::ApiGatewayV2::Api",
                   "AWS::Serverless::GraphQLApi": "AWS::AppSync::GraphQLApi"}
_LABEL = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
STACK_LINE = "stack: <the deployed stack name of this template> on the service"
_LAMBDA_DEFAULT_TIMEOUT = 3  # seconds, when a template leaves Timeout out
_STREAM_MARKERS = ("StreamArn", ":kinesis:", "/stream/")
_SAM_STREAM_EVENTS = ("Kinesis", "DynamoDB", "MSK", "SelfManagedKafka", "DocumentDB")
_SAM_IMPLICIT_REST_STAGE = "Prod"  # SAM deploys its implicit REST API (ServerlessRestApi) to a stage named Prod
_HTTP_DEFAULT_STAGE = "$default"
_CUSTOM_RESOURCE = re.compile(r"^(Custom::.+|AWS::CloudFormation::CustomResource)$")
# Helper functions frameworks add, recognised by the logical ids (or CDK construct paths) they always get, for
# when the custom resource that calls them is not in the same template.
_HELPER_MARKERS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"^LogRetention[0-9a-f]{32}|/LogRetention[0-9a-f]{32}/"), "CDK log-retention handler"),
    (re.compile(r"^CustomCDKBucketDeployment|/Custom::CDKBucketDeployment"), "CDK bucket-deployment handler"),
    (re.compile(r"^AWS679f53fac002430cb0da5b7982bd2287|/AWS679f53fac002430cb0da5b7982bd2287/"),
     "CDK AwsCustomResource provider"),
    (re.compile(r"CustomResourceProvider|/framework-on(Event|Timeout)|/framework-isComplete|"
                r"ProviderframeworkonEvent|ProviderframeworkisComplete|ProviderframeworkonTimeout"),
     "CDK custom-resource provider"),
    (re.compile(r"^BucketNotificationsHandler[0-9a-f]{32}"), "CDK bucket-notifications handler"),
    (re.compile(r"^CustomDashresource"), "Serverless Framework custom-resource provider"),
)


class DiscoveryError(InputError):
    """The template could not be read; the message is one line naming the file and the problem."""


@dataclass(frozen=True)
class Skip:
    """A resource of the template that discovery left out: why, and the config line that would include it."""

    logical_id: str
    kind: str
    reason: str
    include: str | None = None
    helper: bool = False

    def __str__(self) -> str:
        include = f"; to monitor it: {self.include}" if self.include else ""
        return f"{self.logical_id} ({self.kind}) {self.reason}{include}"


@dataclass
class Discovery:
    """What a template yields: resources to monitor, ``skips`` (what was left out and why) and ``problems``
    (what the template gets wrong, e.g. a queue that is its own dead-letter queue)."""

    resources: ServiceResources = ServiceResources()
    skips: list[Skip] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    source: str = "template"

    @property
    def skipped(self) -> list[str]:
        """Each skip as one line, prefixed with the template's name."""
        return [f"{self.source}: {skip}" for skip in self.skips]


def _literal(value: Any) -> str | None:
    """A name stated in the template: a string, or Fn::Sub / Fn::Join over literals only."""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dict) and len(value) == 1:
        (fn, arg), = value.items()
        if fn == "Fn::Sub" and isinstance(arg, str) and "${" not in arg:
            return str(arg)
        if fn == "Fn::Join" and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str):
            parts = [_literal(p) for p in arg[1]] if isinstance(arg[1], list) else [None]
            literals = [p for p in parts if p is not None]
            return arg[0].join(literals) if len(literals) == len(parts) else None
    return None


def _ref_target(value: Any) -> str | None:
    """The logical id a Ref or Fn::GetAtt points at."""
    if isinstance(value, dict):
        if "Ref" in value:
            return str(value["Ref"])
        if "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            return str(target[0]) if isinstance(target, list) else str(target).split(".")[0]
    return None


def keep_deployed(ref: Any, **fields: Any) -> Any:
    """``ref`` with ``fields`` set as given: validation turns a ``DeployTimeName`` into a plain ``str``, so the
    fields whose key is read at deploy are put back after it."""
    deployed = {k: v for k, v in fields.items() if isinstance(v, DeployTimeName)}
    return ref.model_copy(update=deployed) if deployed else ref


def _label(value: Any, fallback: str) -> str:
    """A name the template gives a resource, usable in alarm names; else ``fallback`` (its logical id)."""
    text = _literal(value)
    return text if text is not None and _LABEL.match(text) else fallback


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default  # a Ref to a parameter: the template does not state it


class _Reader:
    """One pass over one template, collecting what is found and what is skipped."""

    def __init__(self, template: Mapping[str, Any], source: str, stack: str | None = None,
                 region: str | None = None):
        self.resources: Mapping[str, Any] = template.get("Resources", {}) or {}
        self.globals: Mapping[str, Any] = template.get("Globals", {}) or {}
        self.parameters: Mapping[str, Any] = template.get("Parameters", {}) or {}
        self.source = source
        self.stack = stack
        self.region = region
        self.found: dict[str, list] = {k: [] for k in ("functions", "rest_apis", "http_apis", "tables", "queues",
                                                      "state_machines", "event_rules", "topics")}
        self.skips: list[Skip] = []
        self.problems: list[str] = []
        self._implicit: set[str] = set()
        self.by_type: dict[str, list[str]] = {}
        for logical_id, resource in self.resources.items():
            self.by_type.setdefault(str(resource.get("Type", "")), []).append(logical_id)

    def props(self, logical_id: str | None) -> dict:
        return (self.resources.get(logical_id or "", {}) or {}).get("Properties", {}) or {}

    def ids(self, *types: str) -> list[str]:
        return [i for t in types for i in self.by_type.get(t, [])]

    def named(self, logical_id: str, key: str, kind: str, include: str, at_deploy: bool = False) -> str | None:
        """The literal ``key`` of the resource; else, when ``at_deploy`` and the service names its stack, the
        key read at deploy; else None, and the resource is reported with the line that would include it."""
        name = _literal(self.props(logical_id).get(key))
        if name is None and at_deploy:
            name = self.deployed(logical_id)
            if name is None:
                self.skips.append(Skip(logical_id, kind, f"has no literal {key}", self.deploy_include(include)))
            return name
        if name is None:
            self.skips.append(Skip(logical_id, kind, f"has no literal {key}", include))
        return name

    def deployed(self, logical_id: str, text: str | None = None) -> DeployTimeName | None:
        """The metric key of ``logical_id`` read from the service's deployed stack at deploy (None without
        ``stack:``), reading as ``text`` (default: the logical id) in alarm names."""
        if self.stack is None:
            return None
        rtype = str(self.resources[logical_id].get("Type", ""))
        revision = hashlib.sha256(json.dumps(self.resources[logical_id], sort_keys=True, default=str).encode())
        return deploy_time_name(_SAM_TRANSFORMS.get(rtype, rtype), self.stack, logical_id, self.region, text,
                                revision=revision.hexdigest()[:12])

    @staticmethod
    def deploy_include(include: str) -> str:
        """The include line of a resource whose key is made at deploy: name the stack, or list the key."""
        return f"{STACK_LINE}, or {include}"

    # --- functions -------------------------------------------------------------------------------------------
    def helpers(self) -> dict[str, str]:
        """Logical id -> reason, for every function a framework adds to run at deploy time."""
        helpers: dict[str, str] = {}
        for rtype, logical_ids in self.by_type.items():
            if not _CUSTOM_RESOURCE.match(rtype):
                continue
            for logical_id in logical_ids:
                target = _ref_target(self.props(logical_id).get("ServiceToken"))
                if target is not None and target in self.resources:
                    helpers.setdefault(target, f"custom-resource provider (called by {logical_id} at deploy time)")
        functions = self.ids("AWS::Lambda::Function", "AWS::Serverless::Function")
        for logical_id in functions:
            path = str(((self.resources[logical_id].get("Metadata") or {}).get("aws:cdk:path")) or "")
            for pattern, reason in _HELPER_MARKERS:
                if pattern.search(logical_id) or pattern.search(path):
                    helpers[logical_id] = reason
                    break
        # A CDK Provider's framework function calls the user's handlers, named in its environment: deploy time too.
        for logical_id in list(helpers):
            variables = ((self.props(logical_id).get("Environment") or {}).get("Variables")) or {}
            for key in ("USER_ON_EVENT_FUNCTION_ARN", "USER_IS_COMPLETE_FUNCTION_ARN"):
                target = _ref_target(variables.get(key))
                if target is not None and target in self.resources:
                    helpers.setdefault(target, f"custom-resource handler (called by {logical_id} at deploy time)")
        return helpers

    def functions(self) -> None:
        helpers = self.helpers()
        async_targets = {_ref_target(self.props(i).get("FunctionName")) or _literal(self.props(i).get("FunctionName"))
                         for i in self.ids("AWS::Lambda::EventInvokeConfig")}
        stream_targets = {_ref_target(self.props(i).get("FunctionName")) or _literal(self.props(i).get("FunctionName"))
                          for i in self.ids("AWS::Lambda::EventSourceMapping")
                          if any(m in json.dumps(self.props(i).get("EventSourceArn", "")) for m in _STREAM_MARKERS)}
        sam_globals = self.globals.get("Function", {}) or {}
        for logical_id in self.ids("AWS::Lambda::Function", "AWS::Serverless::Function"):
            sam = self.resources[logical_id].get("Type") == "AWS::Serverless::Function"
            p = self.props(logical_id)
            name = _literal(p.get("FunctionName"))
            if logical_id in helpers:
                include = f"resources.functions: [{name}]" if name else None
                self.skips.append(Skip(logical_id, "Lambda function", f"is a framework helper: {helpers[logical_id]}",
                                       include, helper=True))
                continue
            events = p.get("Events", {}) if sam and isinstance(p.get("Events"), dict) else {}
            self._implicit_apis(logical_id, events)
            deployed = self.deployed(logical_id) if name is None else None
            if name is None and deployed is None:
                self.skips.append(Skip(logical_id, "Lambda function", "has no literal FunctionName",
                                       self.deploy_include("resources.functions: [{name: <its deployed name>, "
                                                           "timeout_seconds: N}]")))
                continue
            default_timeout = _int(sam_globals.get("Timeout"), _LAMBDA_DEFAULT_TIMEOUT) if sam \
                else _LAMBDA_DEFAULT_TIMEOUT
            event_types = {str((e or {}).get("Type", "")) for e in events.values() if isinstance(e, dict)}
            async_invoked = bool(p.get("DeadLetterConfig")) or bool({logical_id, name} & async_targets) or (
                sam and bool(p.get("DeadLetterQueue") or p.get("EventInvokeConfig")
                             or sam_globals.get("DeadLetterQueue") or sam_globals.get("EventInvokeConfig")))
            stream = bool({logical_id, name} & stream_targets) or bool(event_types & set(_SAM_STREAM_EVENTS))
            ref = FunctionRef(name=name or logical_id, timeout_seconds=_int(p.get("Timeout"), default_timeout),
                              async_invoked=async_invoked, stream_source=stream,
                              # ErrorLogs counts lines of the function's log group, named after the function:
                              # a name made at deploy leaves it unknown at synth.
                              overrides={"ErrorLogs": {"enabled": False}} if deployed else {})
            self.found["functions"].append(ref.model_copy(update={"name": deployed}) if deployed else ref)

    def _implicit_apis(self, function_id: str, events: Mapping[str, Any]) -> None:
        """SAM events of type Api/HttpApi without an explicit API create one named after the stack."""
        for event in events.values():
            if not isinstance(event, dict):
                continue
            kind, props = event.get("Type"), event.get("Properties") or {}
            if kind == "Api" and not props.get("RestApiId") and "ServerlessRestApi" not in self._implicit:
                self._implicit.add("ServerlessRestApi")
                self.skips.append(Skip("ServerlessRestApi", "SAM implicit REST API",
                                       f"comes from {function_id}'s Api event and is named after the stack at deploy "
                                       "time",
                                       "resources.rest_apis: [{name: <stack name>, stage: "
                                       f"{_SAM_IMPLICIT_REST_STAGE}}}]"))
            if kind == "HttpApi" and not props.get("ApiId") and "ServerlessHttpApi" not in self._implicit:
                self._implicit.add("ServerlessHttpApi")
                self.skips.append(Skip("ServerlessHttpApi", "SAM implicit HTTP API",
                                       f"comes from {function_id}'s HttpApi event and is keyed by a generated ApiId",
                                       f"resources.http_apis: [{{name: <label>, api_id: <its ApiId>, "
                                       f"stage: {_HTTP_DEFAULT_STAGE}}}]"))

    def _default(self, value: Any) -> str | None:
        """The Default of the parameter ``value`` refers to (only offered in include lines, never assumed)."""
        target = _ref_target(value)
        parameter = (self.parameters.get(target) or {}) if target else {}
        return _literal(parameter.get("Default")) if isinstance(parameter, dict) else None

    def _parameter(self, value: Any) -> str:
        target = _ref_target(value)
        if target in self.parameters:
            default = self._default(value)
            return f"it is the parameter {target}" + (f", default {default}" if default else "")
        return "it is computed at deploy time"

    # --- APIs ------------------------------------------------------------------------------------------------
    def apis(self) -> None:
        stages: dict[str, str] = {}
        for logical_id in self.ids("AWS::ApiGateway::Stage", "AWS::ApiGateway::Deployment"):
            api = _ref_target(self.props(logical_id).get("RestApiId"))
            stage = _literal(self.props(logical_id).get("StageName"))
            if api and stage:
                stages.setdefault(api, stage)
        for logical_id in self.ids("AWS::ApiGateway::RestApi"):
            name = self.named(logical_id, "Name", "REST API",
                              "resources.rest_apis: [{name: <its name>, stage: <stage>}]")
            if name:
                self.found["rest_apis"].append(RestApiRef(name=name, stage=stages.get(logical_id, "prod")))
        api_globals = self.globals.get("Api", {}) or {}
        for logical_id in self.ids("AWS::Serverless::Api"):
            p = {**api_globals, **self.props(logical_id)}
            stage = _literal(p.get("StageName")) if "StageName" in p else _SAM_IMPLICIT_REST_STAGE
            name = _literal(p.get("Name"))
            if name is None or stage is None:
                why = "has no literal Name (SAM names it after the stack)" if name is None else \
                    f"has no literal StageName ({self._parameter(p.get('StageName'))})"
                shown_stage = stage or self._default(p.get("StageName")) or "<stage>"
                self.skips.append(Skip(logical_id, "SAM REST API", why,
                                       f"resources.rest_apis: [{{name: {name or '<stack name>'}, "
                                       f"stage: {shown_stage}}}]"))
                continue
            self.found["rest_apis"].append(RestApiRef(name=name, stage=stage))
        for logical_id in self.ids("AWS::ApiGatewayV2::Api"):
            if self.props(logical_id).get("ProtocolType", "HTTP") == "HTTP":
                stage = self.v2_stage(logical_id) or _HTTP_DEFAULT_STAGE
                self.http_api(logical_id, "HTTP API", self.props(logical_id).get("Name"), stage)
        for logical_id in self.ids("AWS::Serverless::HttpApi"):
            p = {**(self.globals.get("HttpApi", {}) or {}), **self.props(logical_id)}
            stage = _literal(p.get("StageName")) or _HTTP_DEFAULT_STAGE
            self.http_api(logical_id, "SAM HTTP API", p.get("Name"), stage)

    def v2_stage(self, api_id: str) -> str | None:
        """The literal StageName of the first AWS::ApiGatewayV2::Stage of the API ``api_id``."""
        for stage_id in self.ids("AWS::ApiGatewayV2::Stage"):
            props = self.props(stage_id)
            if _ref_target(props.get("ApiId")) == api_id and _literal(props.get("StageName")):
                return _literal(props.get("StageName"))
        return None

    def http_api(self, logical_id: str, kind: str, name: Any, stage: str) -> None:
        label = _label(name, logical_id)
        deployed = self.deployed(logical_id, label)
        if deployed is None:
            shown = _literal(name) or "<label>"
            self.skips.append(Skip(logical_id, kind, "is keyed by a generated ApiId", self.deploy_include(
                f"resources.http_apis: [{{name: {shown}, api_id: <its ApiId>, stage: {stage}}}]")))
            return
        ref = HttpApiRef(name=label, api_id="0" * 10, stage=stage)
        self.found["http_apis"].append(keep_deployed(ref, api_id=deployed))

    # --- data and integration ----------------------------------------------------------------------------------
    def tables(self) -> None:
        for logical_id in self.ids("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable",
                                   "AWS::Serverless::SimpleTable"):
            name = self.named(logical_id, "TableName", "DynamoDB table", "resources.tables: [<its name>]",
                              at_deploy=True)
            if name:
                self.found["tables"].append(keep_deployed(TableRef(name=name), name=name))

    def queues(self) -> None:
        queue_ids = self.ids("AWS::SQS::Queue")
        dlq_of = {q: _ref_target((self.props(q).get("RedrivePolicy") or {}).get("deadLetterTargetArn"))
                  for q in queue_ids}
        dead_letter_ids = {d for q, d in dlq_of.items() if d and d != q}
        for logical_id in queue_ids:
            if logical_id in dead_letter_ids:
                continue  # monitored as the DLQ of its source queue
            name = self.named(logical_id, "QueueName", "SQS queue",
                              "resources.queues: [{name: <its name>, dlq: <dlq>}]", at_deploy=True)
            if not name:
                continue
            dlq_id = dlq_of[logical_id]
            if dlq_id == logical_id:
                self.problems.append(f"{self.source}: queue {logical_id} ({name}) is its own dead-letter queue "
                                     "(RedrivePolicy.deadLetterTargetArn points at itself): give it a separate DLQ")
                continue
            dlq = _literal(self.props(dlq_id).get("QueueName")) if dlq_id else None
            if dlq_id and dlq is None and dlq_id in self.resources:
                dlq = self.deployed(dlq_id)
            if dlq_id and dlq is None:
                self.skips.append(Skip(dlq_id, f"DLQ of {name}", "has no literal QueueName", self.deploy_include(
                    f"resources.queues: [{{name: {name}, dlq: <its name>}}]")))
            self.found["queues"].append(keep_deployed(QueueRef(name=name, dlq=dlq), name=name, dlq=dlq))

    def state_machines(self) -> None:
        for logical_id in self.ids("AWS::StepFunctions::StateMachine"):
            name = self.named(logical_id, "StateMachineName", "state machine", "resources.state_machines: [<its name>]")
            if name:
                self.found["state_machines"].append(StateMachineRef(name=name))
        for logical_id in self.ids("AWS::Serverless::StateMachine"):
            name = self.named(logical_id, "Name", "SAM state machine", "resources.state_machines: [<its name>]")
            if name:
                self.found["state_machines"].append(StateMachineRef(name=name))

    def rules_and_topics(self) -> None:
        for logical_id in self.ids("AWS::Events::Rule"):
            name = self.named(logical_id, "Name", "EventBridge rule",
                              "resources.event_rules: [{name: <its name>, event_bus: <bus>}]")
            if name:
                bus = self.props(logical_id).get("EventBusName", "default")
                bus_name = _literal(bus) or _literal(self.props(_ref_target(bus)).get("Name")) or "default"
                self.found["event_rules"].append(EventRuleRef(name=name, event_bus=bus_name))
        for logical_id in self.ids("AWS::SNS::Topic"):
            name = self.named(logical_id, "TopicName", "SNS topic", "resources.topics: [<its name>]",
                              at_deploy=True)
            if name:
                self.found["topics"].append(keep_deployed(TopicRef(name=name), name=name))

    def run(self) -> Discovery:
        self.functions()
        self.apis()
        self.tables()
        self.queues()
        self.state_machines()
        self.rules_and_topics()
        from plan.discovery_estate import discover_estate  # the kinds beyond the serverless core
        discover_estate(self)
        return Discovery(ServiceResources(**{k: tuple(v) for k, v in self.found.items()}), self.skips, self.problems,
                         self.source)


def discover(template: Mapping[str, Any], source: str = "template", stack: str | None = None,
             region: str | None = None) -> Discovery:
    """Resources of every supported kind in ``template`` (a parsed CloudFormation or SAM template).

    Example
    -------
    >>> discover({"Resources": {"T": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "orders"}}}}
    ...          ).resources.tables[0].name
    'orders'
    """
    return _Reader(template, source, stack, region).run()


def discover_file(path: str | Path, root: Path = REPO_ROOT, stack: str | None = None,
                  region: str | None = None) -> Discovery:
    """Read and discover ``path`` (relative paths are relative to the repository root), JSON or YAML.

    Example
    -------
    >>> discover_file("tests/fixtures/service_templates/Shop.template.json").resources.count()
    10
    """
    full = Path(path) if Path(path).is_absolute() else root / path
    if not full.is_file():
        raise DiscoveryError(f"template {path}: file not found (paths are relative to {root})")
    try:
        template = read_service_template(full, str(path))
    except TemplateReadError as exc:
        raise DiscoveryError(str(exc)) from None
    return discover(template, source=str(path), stack=stack, region=region)


def discover_service(service: ServiceConfig, root: Path = REPO_ROOT) -> tuple[ServiceResources, Discovery | None]:
    """The service's resources (listed plus discovered, listed ones win) and the discovery, if it has a template.

    Example
    -------
    >>> from config.loader import load_config; cfg = load_config("dev")
    >>> resources, discovery = discover_service(cfg.services[0])  # no template: its listed resources
    >>> discovery is None, resources == cfg.services[0].resources
    (True, True)
    """
    if service.template is None:
        return service.resources, None
    discovery = discover_file(service.template, root, stack=getattr(service, "stack", None),
                              region=getattr(service, "region", None))
    return service.resources.merged(discovery.resources), discovery


def service_resources(service: ServiceConfig, root: Path = REPO_ROOT) -> ServiceResources:
    """The service's listed resources plus those discovered from its ``template`` (listed ones win).

    Example
    -------
    >>> svc = ServiceConfig(name="shop", template="tests/fixtures/service_templates/Shop.template.json")
    >>> service_resources(svc).count()
    10
    """
    return discover_service(service, root)[0]
