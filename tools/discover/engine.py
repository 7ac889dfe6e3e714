"""Read live accounts: the resources tagged with a service's name, and what their alarms need. Read-only.

For each target (an account and region), the engine takes credentials (the caller's own when the target is
the caller's account, else an assumed role), lists the tagged resources with the Resource Groups Tagging API,
maps each ARN to one of our kinds (tools/discover/arns.py) and reads, per kind, what the alarms need:

- functions: the timeout (DurationNearTimeout), a Kinesis or DynamoDB stream event source (IteratorAge), and
  asynchronous invocation (AsyncFailures): an event invoke config, a dead-letter queue, or a resource policy
  that lets a service which invokes asynchronously (S3, SNS, EventBridge, ...) call it; a custom log group;
- REST and HTTP APIs: the name (REST metrics are keyed by ApiName), the id (HTTP metrics: ApiId), the stage;
- queues: the redrive policy, so a queue that is another's dead-letter queue is watched as its DLQ;
- tables, state machines, event rules (with their bus) and topics: the name.

Every AWS call goes through a guard that refuses anything but Describe*/List*/Get* (and STS AssumeRole, which
only hands out credentials), so discovery cannot change an account even by a bug.

Example
-------
>>> Target("111111111111", "eu-west-1", account="shop").label
'account shop (111111111111) eu-west-1'
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError
from pydantic import ValidationError

from config.services import RESOURCE_KINDS, ServiceResources
from tools.discover.arns import parse_arn

__all__ = ["Target", "Discovered", "DiscoverError", "WriteRefusedError", "discover", "READ_ONLY",
           "ASYNC_INVOKERS"]

READ_ONLY = re.compile(r"^(Describe|List|Get)[A-Z]")
_CREDENTIAL_CALLS = {("sts", "AssumeRole")}  # hands out credentials for the target account; changes nothing
_RETRIES = Config(retries={"mode": "standard", "max_attempts": 8})
_THROTTLED = {"Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded",
              "ThrottledException", "SlowDown"}
# Services that invoke a function asynchronously (Lambda developer guide, 'Invoking Lambda with events from other
# AWS services': its table says, per service, whether the invocation is synchronous or asynchronous).
ASYNC_INVOKERS = frozenset({
    "s3.amazonaws.com", "sns.amazonaws.com", "events.amazonaws.com", "ses.amazonaws.com", "logs.amazonaws.com",
    "cloudformation.amazonaws.com", "codecommit.amazonaws.com", "config.amazonaws.com", "iot.amazonaws.com",
    "iotevents.amazonaws.com", "codepipeline.amazonaws.com", "scheduler.amazonaws.com",
})
# Where a Firehose stream delivers (the key of its destination description) -> the config's destination.
_FIREHOSE_DESTINATIONS: tuple[tuple[str, str], ...] = (
    ("IcebergDestinationDescription", "Iceberg"), ("SplunkDestinationDescription", "Splunk"),
    ("AmazonopensearchserviceDestinationDescription", "AmazonOpenSearchService"),
    ("AmazonOpenSearchServerlessDestinationDescription", "AmazonOpenSearchServerless"),
    ("HttpEndpointDestinationDescription", "HttpEndpoint"), ("RedshiftDestinationDescription", "Redshift"),
    ("SnowflakeDestinationDescription", "Snowflake"), ("ExtendedS3DestinationDescription", "S3"),
    ("S3DestinationDescription", "S3"),
)
_TAG_VALUES_PER_FILTER = 20  # GetResources takes at most 20 values per tag filter (TagValueList, botocore model)
_SESSION_NAME = "watchtower-discover"


class DiscoverError(Exception):
    """Discovery failed; ``lines`` holds one line per problem, each naming the account and region."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = list(lines)


class WriteRefusedError(RuntimeError):
    """A call that is not read-only was attempted: a bug in discovery, stopped before it reached AWS."""


@dataclass(frozen=True)
class Target:
    """One account and region to search: ``role_arn`` is assumed, None uses the caller's own credentials."""

    account_id: str
    region: str
    account: str | None = None
    role_arn: str | None = None

    @property
    def label(self) -> str:
        """How lines name the target: the account's name and id, and the region."""
        name = f"{self.account} ({self.account_id})" if self.account else self.account_id
        return f"account {name} {self.region}"


@dataclass
class Discovered:
    """What discovery found: per service its location and resources (by kind, sorted), and the notes."""

    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _refuse_writes(model: Any, **_: Any) -> None:
    service = model.service_model.endpoint_prefix
    if not READ_ONLY.match(model.name) and (service, model.name) not in _CREDENTIAL_CALLS:
        raise WriteRefusedError(f"discovery refused {service}:{model.name}: only Describe, List and Get calls")


def _guarded(session: boto3.Session) -> boto3.Session:
    session.events.register("before-call", _refuse_writes, unique_id="watchtower-discover-read-only")
    return session


def _session_for(base: boto3.Session, target: Target) -> boto3.Session:
    if target.role_arn is None:  # the caller's own account: its credentials (clients name their region)
        return _guarded(base)
    try:
        sts = base.client("sts", region_name=target.region, config=_RETRIES)
        credentials = sts.assume_role(RoleArn=target.role_arn, RoleSessionName=_SESSION_NAME,
                                      DurationSeconds=900)["Credentials"]
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise DiscoverError([f"{target.label}: cannot assume {target.role_arn}: {error.get('Code')} "
                             f"({_short(error.get('Message', ''))})"]) from None
    return _guarded(boto3.Session(aws_access_key_id=credentials["AccessKeyId"],
                                  aws_secret_access_key=credentials["SecretAccessKey"],
                                  aws_session_token=credentials["SessionToken"], region_name=target.region))


def _short(message: str, limit: int = 160) -> str:
    message = " ".join(str(message).split())
    return message if len(message) <= limit else message[: limit - 3] + "..."


def discover(base: boto3.Session, targets: Iterable[Target], services: Iterable[str], tag_key: str,
             homes: Mapping[str, tuple[str, str]]) -> Discovered:
    """Search every target for resources tagged ``tag_key: <service>`` of ``services``.

    ``homes`` maps each service to the (account id, region) it is monitored in: a resource tagged for it
    elsewhere is reported in the notes and left out (its metrics would be read in the wrong place). Raises
    DiscoverError with one line per failed target; nothing is returned then, so no partial lock is written.
    """
    wanted = sorted(set(services))
    result = Discovered(services={name: {"account_id": homes[name][0], "region": homes[name][1],
                                         "resources": {}} for name in wanted})
    errors: list[str] = []
    for target in targets:
        try:
            _discover_target(base, target, wanted, tag_key, homes, result)
        except DiscoverError as exc:
            errors += exc.lines
        except NoCredentialsError:
            raise DiscoverError(["no AWS credentials found: discovery reads live accounts (set AWS_PROFILE or "
                                 "the AWS_* variables)"]) from None
        except ClientError as exc:
            errors.append(_client_error_line(target, exc))
        except BotoCoreError as exc:
            errors.append(f"{target.label}: {type(exc).__name__}: {_short(str(exc))}")
    if errors:
        raise DiscoverError(errors)
    for service in result.services.values():
        service["resources"] = {kind: sorted(items, key=lambda r: r["name"])
                                for kind, items in sorted(service["resources"].items()) if items}
    return result


def _client_error_line(target: Target, exc: ClientError) -> str:
    error = exc.response.get("Error", {})
    code = error.get("Code", "Error")
    if code in _THROTTLED:
        return (f"{target.label}: throttled by AWS on {exc.operation_name} ({code}), still after retrying; "
                "run make discover again later")
    return f"{target.label}: {exc.operation_name} failed: {code} ({_short(error.get('Message', ''))})"


def _tagged(session: boto3.Session, target: Target, wanted: list[str], tag_key: str) -> list[tuple[str, str]]:
    """(service, ARN) of every resource in the target tagged ``tag_key`` with one of the wanted names."""
    client = session.client("resourcegroupstaggingapi", region_name=target.region, config=_RETRIES)
    found = []
    for start in range(0, len(wanted), _TAG_VALUES_PER_FILTER):
        values = wanted[start:start + _TAG_VALUES_PER_FILTER]
        for page in client.get_paginator("get_resources").paginate(
                TagFilters=[{"Key": tag_key, "Values": values}], ResourcesPerPage=100):
            for mapping in page.get("ResourceTagMappingList", []):
                tags = {t["Key"]: t["Value"] for t in mapping.get("Tags", [])}
                if tags.get(tag_key) in values:
                    found.append((tags[tag_key], mapping["ResourceARN"]))
    return sorted(found)


def _discover_target(base: boto3.Session, target: Target, wanted: list[str], tag_key: str,
                     homes: Mapping[str, tuple[str, str]], result: Discovered) -> None:
    session = _session_for(base, target)
    by_service: dict[str, dict[str, list]] = {}
    ignored: dict[str, int] = {}
    for service, arn in _tagged(session, target, wanted, tag_key):
        match = parse_arn(arn)
        if match is None:
            kind = arn.split(":")[2] if arn.count(":") >= 2 else arn
            ignored[kind] = ignored.get(kind, 0) + 1
            continue
        # A bucket's ARN names no account or region, a CloudFront distribution's no region (it is global).
        account_id, region = match.account_id or target.account_id, match.region or target.region
        home_account, home_region = homes[service]
        if account_id != home_account or (match.region and region != home_region):
            result.notes.append(f"{target.label}: {arn} is tagged {tag_key}={service}, but service {service} is "
                                f"monitored in account {home_account} {home_region}: left out (set the service's "
                                "account/region or fix the tag)")
            continue
        by_service.setdefault(service, {}).setdefault(match.kind, []).append(match)
    for kind, count in sorted(ignored.items()):
        result.notes.append(f"{target.label}: {count} tagged {kind} resource(s) ignored: no alarms for that kind")
    reader = _Reader(session, target, result.notes)
    for service, kinds in sorted(by_service.items()):
        found = result.services[service]
        found["account"] = target.account
        for kind, matches in kinds.items():
            for record in reader.read(kind, matches):
                record_kind = record.pop("__kind", kind)  # a WebSocket API is listed like an HTTP API
                if _valid(record_kind, record, target, service, result.notes):
                    found["resources"].setdefault(record_kind, []).append(record)
        _queues_as_dlqs(found["resources"])
        _unique_names(found["resources"], target, service, result.notes)


def _valid(kind: str, record: dict, target: Target, service: str, notes: list[str]) -> bool:
    """Whether the config can take the record as it is; otherwise a note says why and it is left out."""
    try:
        ServiceResources.model_validate({kind: [record]})
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"].removeprefix("Value error, ")
        notes.append(f"{target.label}: service {service}: {kind} '{record.get('name')}' left out: {reason}; "
                     "list it by hand under resources:")
        return False
    return True


def _queues_as_dlqs(resources: dict[str, list[dict]]) -> None:
    """A queue that is the dead-letter queue of another of the service's queues is watched as that queue's
    DLQ (DlqDepth), not as a queue of its own (its message age is the backlog of failures, not of work)."""
    queues = resources.get("queues", [])
    dlqs = {q["dlq"] for q in queues if q.get("dlq")}
    resources["queues"] = [q for q in queues if q["name"] not in dlqs]


def _unique_names(resources: dict[str, list[dict]], target: Target, service: str, notes: list[str]) -> None:
    for kind, items in resources.items():
        seen: dict[str, dict] = {}
        for item in items:
            if item["name"] in seen and seen[item["name"]] != item:
                notes.append(f"{target.label}: service {service}: two {kind} are named '{item['name']}' (their "
                             "metrics share that name); the first is kept")
                continue
            seen.setdefault(item["name"], item)
        resources[kind] = list(seen.values())


class _Reader:
    """Reads, per kind, what the alarms need from one target's session."""

    def __init__(self, session: boto3.Session, target: Target, notes: list[str]):
        self._session = session
        self._target = target
        self._notes = notes
        self._clients: dict[str, Any] = {}

    def _client(self, name: str) -> Any:
        if name not in self._clients:
            self._clients[name] = self._session.client(  # type: ignore[call-overload]
                name, region_name=self._target.region, config=_RETRIES)
        return self._clients[name]

    def read(self, kind: str, matches: list) -> list[dict]:
        if kind not in RESOURCE_KINDS:
            return []
        reader = getattr(self, f"_{kind}", None)
        if reader is None:  # a kind named by its ARN alone
            return [{"name": m.parts["name"]} for m in matches]
        return list(reader(matches))

    def _functions(self, matches: list) -> Iterable[dict]:
        lam = self._client("lambda")
        for match in matches:
            name = match.parts["name"]
            conf = lam.get_function_configuration(FunctionName=name)
            record: dict[str, Any] = {"name": name, "timeout_seconds": int(conf.get("Timeout", 3))}
            log_group = (conf.get("LoggingConfig") or {}).get("LogGroup")
            if log_group and log_group != f"/aws/lambda/{name}":
                record["log_group"] = log_group
            sources = [m.get("EventSourceArn", "") for page in
                       lam.get_paginator("list_event_source_mappings").paginate(FunctionName=name)
                       for m in page.get("EventSourceMappings", [])]
            record["stream_source"] = any(":kinesis:" in s or (":dynamodb:" in s and "/stream/" in s)
                                          for s in sources)
            record["async_invoked"] = bool((conf.get("DeadLetterConfig") or {}).get("TargetArn")) \
                or self._has_invoke_config(name) or self._async_principal(name)
            yield record

    def _has_invoke_config(self, name: str) -> bool:
        try:
            self._client("lambda").get_function_event_invoke_config(FunctionName=name)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                return False
            raise
        return True

    def _async_principal(self, name: str) -> bool:
        try:
            policy = json.loads(self._client("lambda").get_policy(FunctionName=name)["Policy"])
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                return False
            raise
        for statement in policy.get("Statement", []):
            principal = statement.get("Principal")
            services = principal.get("Service", []) if isinstance(principal, dict) else []
            if isinstance(services, str):
                services = [services]
            if statement.get("Effect") == "Allow" and ASYNC_INVOKERS.intersection(services):
                return True
        return False

    def _stage(self, api: str, tagged: list[str], stages: list[str], preferred: str) -> str | None:
        """The stage to watch: a tagged stage, else the only one, else the default; a note when it is a guess."""
        choices = sorted(set(tagged)) or sorted(set(stages))
        if not choices:
            self._notes.append(f"{self._target.label}: API {api} has no stage (no traffic to watch): left out")
            return None
        chosen = choices[0] if len(choices) == 1 else (preferred if preferred in choices else choices[0])
        if len(choices) > 1:
            self._notes.append(f"{self._target.label}: API {api} has stages {', '.join(choices)}: watching "
                               f"'{chosen}' (tag one stage, or list the API by hand with its stage)")
        return chosen

    def _grouped(self, matches: list) -> dict[str, list[str]]:
        apis: dict[str, list[str]] = {}
        for match in matches:
            apis.setdefault(match.parts["api_id"], [])
            if "stage" in match.parts:
                apis[match.parts["api_id"]].append(match.parts["stage"])
        return apis

    def _rest_apis(self, matches: list) -> Iterable[dict]:
        client = self._client("apigateway")
        for api_id, tagged in sorted(self._grouped(matches).items()):
            name = client.get_rest_api(restApiId=api_id)["name"]
            stages = [s["stageName"] for s in client.get_stages(restApiId=api_id).get("item", [])]
            stage = self._stage(name, tagged, stages, "prod")
            if stage is not None:
                yield {"name": name, "stage": stage}

    def _http_apis(self, matches: list) -> Iterable[dict]:
        client = self._client("apigatewayv2")
        for api_id, tagged in sorted(self._grouped(matches).items()):
            api = client.get_api(ApiId=api_id)
            stages = [s["StageName"] for s in client.get_stages(ApiId=api_id).get("Items", [])]
            websocket = api.get("ProtocolType") == "WEBSOCKET"
            stage = self._stage(api["Name"], tagged, stages, "" if websocket else "$default")
            if stage is not None:
                record = {"name": api["Name"], "api_id": api_id, "stage": stage}
                yield {**record, "__kind": "websocket_apis"} if websocket else record

    def _kinesis_streams(self, matches: list) -> Iterable[dict]:
        client = self._client("kinesis")
        for match in matches:
            summary = client.describe_stream_summary(StreamName=match.parts["name"])["StreamDescriptionSummary"]
            yield {"name": match.parts["name"], "retention_hours": int(summary["RetentionPeriodHours"])}

    def _firehose_streams(self, matches: list) -> Iterable[dict]:
        client = self._client("firehose")
        for match in matches:
            described = client.describe_delivery_stream(DeliveryStreamName=match.parts["name"])
            destinations = described["DeliveryStreamDescription"].get("Destinations", [])
            destination = next((label for key, label in _FIREHOSE_DESTINATIONS
                                if any(key in d for d in destinations)), None)
            if destination is None:
                self._notes.append(f"{self._target.label}: Firehose stream {match.parts['name']} delivers to a "
                                   "destination without a freshness alarm: left out")
                continue
            yield {"name": match.parts["name"], "destination": destination}

    def _appsync_apis(self, matches: list) -> Iterable[dict]:
        client = self._client("appsync")
        for match in matches:
            api = client.get_graphql_api(apiId=match.parts["api_id"])["graphqlApi"]
            yield {"name": api["name"], "api_id": match.parts["api_id"]}

    def _load_balancers(self, matches: list) -> Iterable[dict]:
        client = self._client("elbv2")
        for match in matches:
            groups = client.describe_target_groups(LoadBalancerArn=match.arn).get("TargetGroups", [])
            yield {"name": match.parts["name"], "target_groups": sorted(
                ({"id": "targetgroup/" + g["TargetGroupArn"].split(":targetgroup/", 1)[1],
                  "lambda_target": g.get("TargetType") == "lambda"} for g in groups), key=lambda g: g["id"])}

    def _ecs_services(self, matches: list) -> Iterable[dict]:
        client = self._client("ecs")
        for match in matches:
            cluster, name = match.parts["cluster"], match.parts["name"]
            services = client.describe_services(cluster=cluster, services=[name]).get("services", [])
            service = services[0] if services else {}
            providers = [p.get("capacityProvider", "") for p in service.get("capacityProviderStrategy", [])]
            fargate = service.get("launchType") == "FARGATE" or any(p.startswith("FARGATE") for p in providers)
            clusters = client.describe_clusters(clusters=[cluster], include=["SETTINGS"]).get("clusters", [])
            settings = {s.get("name"): s.get("value") for c in clusters for s in c.get("settings", [])}
            yield {"name": name, "cluster": cluster, "launch_type": "FARGATE" if fargate else "EC2",
                   "container_insights": settings.get("containerInsights") in ("enabled", "enhanced")}

    def _aurora_clusters(self, matches: list) -> Iterable[dict]:
        client = self._client("rds")
        for match in matches:
            clusters = client.describe_db_clusters(DBClusterIdentifier=match.parts["name"]).get("DBClusters", [])
            cluster = clusters[0] if clusters else {}
            if not str(cluster.get("Engine", "")).startswith("aurora"):
                self._notes.append(f"{self._target.label}: DB cluster {match.parts['name']} is not Aurora "
                                   f"({cluster.get('Engine', 'unknown engine')}): left out")
                continue
            yield {"name": match.parts["name"],
                   "serverless_v2": bool(cluster.get("ServerlessV2ScalingConfiguration"))}

    def _cloudfront_distributions(self, matches: list) -> Iterable[dict]:
        client = self._client("cloudfront")
        for match in matches:
            try:
                subscription = client.get_monitoring_subscription(DistributionId=match.parts["name"])
                status = subscription["MonitoringSubscription"]["RealtimeMetricsSubscriptionConfig"][
                    "RealtimeMetricsSubscriptionStatus"]
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "NoSuchMonitoringSubscription":
                    raise
                status = "Disabled"
            yield {"name": match.parts["name"], "additional_metrics": status == "Enabled"}

    def _buckets(self, matches: list) -> Iterable[dict]:
        client = self._client("s3")
        for match in matches:
            configs = client.list_bucket_metrics_configurations(Bucket=match.parts["name"]).get(
                "MetricsConfigurationList", [])
            whole = sorted(c["Id"] for c in configs if not c.get("Filter"))  # request metrics of the whole bucket
            yield {"name": match.parts["name"], **({"request_metrics_filter": whole[0]} if whole else {})}

    def _ses_configuration_sets(self, matches: list) -> Iterable[dict]:
        client = self._client("sesv2")
        for match in matches:
            options = client.get_configuration_set(ConfigurationSetName=match.parts["name"]).get(
                "ReputationOptions", {})
            if not options.get("ReputationMetricsEnabled"):
                self._notes.append(f"{self._target.label}: SES configuration set {match.parts['name']} has no "
                                   "reputation metrics (ReputationMetricsEnabled is off): left out")
                continue
            yield {"name": match.parts["name"]}

    def _queues(self, matches: list) -> Iterable[dict]:
        sqs = self._client("sqs")
        for match in matches:
            name = match.parts["name"]
            url = sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=match.account_id)["QueueUrl"]
            attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"]).get("Attributes", {})
            record: dict[str, Any] = {"name": name}
            if attributes.get("RedrivePolicy"):
                target = json.loads(attributes["RedrivePolicy"]).get("deadLetterTargetArn", "")
                if target:
                    record["dlq"] = target.rsplit(":", 1)[-1]
            yield record

    def _event_rules(self, matches: list) -> Iterable[dict]:
        for match in matches:
            yield {"name": match.parts["name"], "event_bus": match.parts.get("event_bus", "default")}
