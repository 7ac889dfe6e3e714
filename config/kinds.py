"""Config references of the resource kinds beyond the serverless core: streams, APIs, load balancers,
containers, databases, the CDN, buckets, schedules, pipes and e-mail.

Each is given by name or ARN like the core kinds (an ARN is reduced to what the metrics are keyed by), with its
own overrides; ``config/services.py`` lists them under ``resources:``. Where a metric exists only once something
is switched on in the account (S3 request metrics, CloudFront's additional metrics, Container Insights, SES
event publishing), the field that says so is off by default and the alarms that need it are only created when
it is on: an alarm on a metric that is never published sits in INSUFFICIENT_DATA and never fires.

Example
-------
>>> KinesisStreamRef.model_validate("arn:aws:kinesis:eu-west-1:123456789012:stream/orders").name
'orders'
>>> EcsServiceRef.model_validate("arn:aws:ecs:eu-west-1:123456789012:service/shop/web").cluster
'shop'
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, field_validator, model_validator

from config.base import StrictModel

if TYPE_CHECKING:  # resolved by config/services.py, which defines the override mapping (model_rebuild)
    from config.services import Overrides

__all__ = [
    "EXTRA_KINDS",
    "REFS",
    "KIND_NAMES",
    "KinesisStreamRef",
    "FirehoseStreamRef",
    "AppSyncApiRef",
    "WebSocketApiRef",
    "TargetGroupRef",
    "LoadBalancerRef",
    "EcsServiceRef",
    "AuroraClusterRef",
    "CloudFrontDistributionRef",
    "BucketRef",
    "ScheduleGroupRef",
    "PipeRef",
    "SesConfigurationSetRef",
]

# The config keys of these kinds, in the order ``resources:`` lists them after the core kinds.
EXTRA_KINDS: tuple[str, ...] = (
    "kinesis_streams", "firehose_streams", "appsync_apis", "websocket_apis", "load_balancers", "ecs_services",
    "aurora_clusters", "cloudfront_distributions", "buckets", "schedule_groups", "pipes",
    "ses_configuration_sets",
)
# (singular, plural) per kind, for reports and tables; the short suffix disambiguates alarm names when two
# kinds of one service share a resource name.
KIND_NAMES: dict[str, tuple[str, str, str]] = {
    "kinesis_streams": ("Kinesis stream", "Kinesis streams", "kds"),
    "firehose_streams": ("Firehose stream", "Firehose streams", "firehose"),
    "appsync_apis": ("AppSync API", "AppSync APIs", "gql"),
    "websocket_apis": ("WebSocket API", "WebSocket APIs", "ws"),
    "load_balancers": ("load balancer", "load balancers", "alb"),
    "ecs_services": ("ECS service", "ECS services", "ecs"),
    "aurora_clusters": ("Aurora cluster", "Aurora clusters", "db"),
    "cloudfront_distributions": ("CloudFront distribution", "CloudFront distributions", "cdn"),
    "buckets": ("bucket", "buckets", "s3"),
    "schedule_groups": ("schedule group", "schedule groups", "schedules"),
    "pipes": ("pipe", "pipes", "pipe"),
    "ses_configuration_sets": ("SES configuration set", "SES configuration sets", "ses"),
}

_NAME = r"^[A-Za-z0-9_.:/$-]{1,256}$"


def _after(value: Any, marker: str, what: str) -> Any:
    """``arn:...<marker>REST`` -> REST; a non-ARN string is returned unchanged."""
    if isinstance(value, str) and value.startswith("arn:"):
        if marker not in value:
            raise ValueError(f"'{value}' is not an ARN of {what} (expected '...{marker}NAME')")
        return value.split(marker, 1)[1]
    return value


class _Ref(StrictModel):
    """A resource by name (a bare string in YAML is its name or ARN) with its overrides."""

    name: str = Field(pattern=_NAME)
    overrides: "Overrides" = {}

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value


class KinesisStreamRef(_Ref):
    """A Kinesis data stream (AWS/Kinesis, StreamName): consumer lag and throttled reads and writes.

    ``retention_hours`` (default 24, the stream default) sets where the iterator age becomes data loss: the
    IteratorAge alarm fires at half of it.
    """

    retention_hours: int = Field(default=24, ge=24, le=8760, description=(
        "the stream's retention period in hours; default 24 (the Kinesis default). Records older than this are "
        "gone, so the consumer-lag alarm fires when the iterator age reaches half of it"))

    @field_validator("name", mode="before")
    @classmethod
    def _arn(cls, value: Any) -> Any:
        return _after(value, ":stream/", "a Kinesis stream")


class FirehoseStreamRef(_Ref):
    """An Amazon Data Firehose stream (AWS/Firehose, DeliveryStreamName) delivering to ``destination``."""

    destination: Literal["S3", "Iceberg", "Splunk", "AmazonOpenSearchService", "AmazonOpenSearchServerless",
                         "HttpEndpoint"] = Field(default="S3", description=(
        "where the stream delivers, which names its freshness metric (DeliveryTo<destination>.DataFreshness; "
        "Redshift delivery goes through S3, so it is S3); default S3"))

    @field_validator("name", mode="before")
    @classmethod
    def _arn(cls, value: Any) -> Any:
        return _after(value, ":deliverystream/", "a Firehose stream")


class AppSyncApiRef(_Ref):
    """An AppSync GraphQL API. Its metrics are keyed by the GraphQLAPIId AppSync generates, so ``api_id`` is
    required (an ARN ``...:apis/ID`` gives it); ``name`` labels it."""

    api_id: str = Field(pattern=r"^[a-z0-9]{26}$", description="the API's id (GraphQLAPIId), 26 lowercase "
                                                              "letters and digits")

    @model_validator(mode="before")
    @classmethod
    def _from_arn(cls, value: Any) -> Any:
        if isinstance(value, str) and value.startswith("arn:"):
            api_id = _after(value, ":apis/", "an AppSync API")
            return {"name": api_id, "api_id": api_id}
        if isinstance(value, str):
            raise ValueError(f"AppSync API '{value}': give its ARN or {{name, api_id}} (metrics are keyed by the "
                             "generated API id)")
        return value


class WebSocketApiRef(_Ref):
    """An API Gateway WebSocket API (AWS/ApiGateway, ApiId and Stage). ``api_id`` is required like an HTTP
    API's; ``name`` labels it."""

    api_id: str = Field(pattern=r"^[a-z0-9]{10}$")
    stage: str = Field(pattern=r"^[A-Za-z0-9_-]{1,128}$", description="the stage to watch (required: WebSocket "
                                                                      "APIs have no default stage)")

    @model_validator(mode="before")
    @classmethod
    def _bare_name(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError(f"WebSocket API '{value}': give {{name, api_id, stage}} (metrics are keyed by the "
                             "generated ApiId and a stage)")
        return value


_LB_SUFFIX = re.compile(r"^app/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}$")
_TG_SUFFIX = re.compile(r"^targetgroup/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}$")


class TargetGroupRef(StrictModel):
    """A target group behind the load balancer, by ARN or ``targetgroup/NAME/ID`` (the TargetGroup dimension).
    ``lambda_target: true`` for a Lambda target: its errors are LambdaUserError / LambdaInternalError, and it
    has no hosts to count."""

    id: str = Field(description="the TargetGroup dimension, targetgroup/NAME/ID (an ARN is reduced to it)")
    lambda_target: bool = False

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        value = {"id": value} if isinstance(value, str) else value
        if isinstance(value, dict) and isinstance(value.get("id"), str):
            tg = _after(value["id"], ":targetgroup/", "a target group")
            value = {**value, "id": f"targetgroup/{tg}" if tg.count("/") == 1 and value["id"].startswith("arn:")
                     else tg}
        return value

    @field_validator("id")
    @classmethod
    def _suffix(cls, value: str) -> str:
        if not _TG_SUFFIX.match(value):
            raise ValueError(f"target group '{value}' must be its ARN or targetgroup/NAME/ID (ID: 16 hex digits)")
        return value

    @property
    def name(self) -> str:
        return self.id.split("/")[1]


class LoadBalancerRef(_Ref):
    """An Application Load Balancer (AWS/ApplicationELB) by ARN or ``app/NAME/ID`` (its LoadBalancer
    dimension), with the target groups whose errors, latency and healthy hosts are watched. ``name`` becomes the
    balancer's name; ``load_balancer`` keeps the dimension."""

    load_balancer: str = Field(default="", description="the LoadBalancer dimension app/NAME/ID; set from name")
    target_groups: tuple[TargetGroupRef, ...] = Field(default=(), description=(
        "target groups to watch (ARN or targetgroup/NAME/ID, each optionally with lambda_target: true); "
        "default none: only the balancer's own 5xx"))

    @model_validator(mode="before")
    @classmethod
    def _dimension(cls, value: Any) -> Any:
        value = {"name": value} if isinstance(value, str) else value
        if not isinstance(value, dict) or not isinstance(value.get("name"), str):
            return value
        suffix = _after(value["name"], ":loadbalancer/", "an Application Load Balancer")
        if suffix.startswith("net/"):
            raise ValueError(f"load balancer '{suffix}' is a Network Load Balancer: only Application Load "
                             "Balancers (app/NAME/ID) are supported")
        if not _LB_SUFFIX.match(suffix):
            raise ValueError(f"load balancer '{value['name']}' must be its ARN or app/NAME/ID (ID: 16 hex digits)")
        return {**value, "name": suffix.split("/")[1], "load_balancer": suffix}

    @model_validator(mode="after")
    def _fits_one_math_alarm(self) -> "LoadBalancerRef":
        # Each target-group alarm is one metric-math alarm over all of them, and CloudWatch allows 10 metrics in
        # one: two per host target group (healthy, unhealthy), three per Lambda target group.
        hosts = sum(1 for tg in self.target_groups if not tg.lambda_target)
        lambdas = len(self.target_groups) - hosts
        if hosts > 5 or lambdas > 3:
            raise ValueError(f"load balancer '{self.name}' lists {hosts} host and {lambdas} Lambda target groups: "
                             "at most 5 host and 3 Lambda target groups fit CloudWatch's 10 metrics per alarm; "
                             "list the ones that serve the critical paths")
        return self


class EcsServiceRef(_Ref):
    """An ECS service (Fargate or EC2) as ``{cluster, service}`` or its ARN (AWS/ECS, ClusterName and
    ServiceName). ``name`` is the service name."""

    cluster: str = Field(pattern=r"^[A-Za-z0-9_-]{1,255}$")
    launch_type: Literal["FARGATE", "EC2"] = Field(default="FARGATE", description="FARGATE (default) or EC2")
    container_insights: bool = Field(default=False, description=(
        "the cluster has Container Insights on (ECS/ContainerInsights metrics, billed as custom metrics): adds "
        "the running-task alarm; default false"))
    min_running_tasks: int = Field(default=1, ge=1, le=5000, description=(
        "fewer running tasks than this is an outage (needs container_insights); default 1"))

    @model_validator(mode="before")
    @classmethod
    def _from_arn_or_pair(cls, value: Any) -> Any:
        if isinstance(value, str):
            if not value.startswith("arn:"):
                raise ValueError(f"ECS service '{value}': give {{cluster, service}} or the service's ARN")
            parts = _after(value, ":service/", "an ECS service").split("/")
            if len(parts) != 2:
                raise ValueError(f"'{value}' is an ECS service ARN of the old format: give {{cluster, service}}")
            return {"cluster": parts[0], "name": parts[1]}
        if isinstance(value, dict) and "service" in value:
            value = {**{k: v for k, v in value.items() if k != "service"}, "name": value["service"]}
        return value

    @property
    def service(self) -> str:
        return self.name


class AuroraClusterRef(_Ref):
    """An Aurora DB cluster (AWS/RDS, DBClusterIdentifier), provisioned or Serverless v2."""

    serverless_v2: bool = Field(default=False, description=(
        "the cluster's instances are Serverless v2: adds the capacity alarm (ACUUtilization near the maximum "
        "ACUs); default false"))

    @field_validator("name", mode="before")
    @classmethod
    def _arn(cls, value: Any) -> Any:
        return _after(value, ":cluster:", "an Aurora cluster")


class CloudFrontDistributionRef(_Ref):
    """A CloudFront distribution by id (E...) or ARN. Its metrics exist only in us-east-1 (Region=Global)."""

    additional_metrics: bool = Field(default=False, description=(
        "the distribution has CloudFront's additional metrics on (paid): adds the origin-latency alarm; "
        "default false"))

    @field_validator("name", mode="before")
    @classmethod
    def _arn(cls, value: Any) -> Any:
        return _after(value, ":distribution/", "a CloudFront distribution")

    @field_validator("name")
    @classmethod
    def _distribution_id(cls, value: str) -> str:
        if not re.match(r"^E[A-Z0-9]{8,20}$", value):
            raise ValueError(f"'{value}' is not a CloudFront distribution id (E followed by capital letters and "
                             "digits, e.g. E2QWRUHEXAMPLE)")
        return value


class BucketRef(_Ref):
    """An S3 bucket (AWS/S3, BucketName).

    S3 publishes request metrics (5xxErrors, 4xxErrors, AllRequests, FirstByteLatency) only for a bucket with a
    request-metrics configuration, and bills them like custom metrics; without one it publishes only the daily
    storage metrics. So the error-rate alarm is created only when ``request_metrics_filter`` names the
    configuration's id; otherwise the bucket gets the storage alarm only.
    """

    request_metrics_filter: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.-]{1,64}$", description=(
        "the id of the bucket's request-metrics configuration (its FilterId dimension, e.g. EntireBucket). S3 "
        "request metrics need a metrics configuration on the bucket and are paid; with it the 5xx-rate alarm is "
        "created, without it only the daily storage alarm; default none"))

    @field_validator("name", mode="before")
    @classmethod
    def _arn(cls, value: Any) -> Any:
        return _after(value, ":::", "an S3 bucket")


class ScheduleGroupRef(_Ref):
    """An EventBridge Scheduler schedule group (AWS/Scheduler, ScheduleGroup); ``default`` is the account's."""

    @field_validator("name", mode="before")
    @classmethod
    def _arn(cls, value: Any) -> Any:
        return _after(value, ":schedule-group/", "a schedule group")


class PipeRef(_Ref):
    """An EventBridge pipe (AWS/EventBridge/Pipes, PipeName)."""

    @field_validator("name", mode="before")
    @classmethod
    def _arn(cls, value: Any) -> Any:
        return _after(value, ":pipe/", "an EventBridge pipe")


class SesConfigurationSetRef(_Ref):
    """An SES configuration set whose reputation metrics are on (ReputationOptions.ReputationMetricsEnabled),
    which publishes its bounce and complaint rates (AWS/SES, ses:configuration-set)."""

    @field_validator("name", mode="before")
    @classmethod
    def _arn(cls, value: Any) -> Any:
        return _after(value, ":configuration-set/", "an SES configuration set")


REFS: dict[str, type[_Ref]] = {
    "kinesis_streams": KinesisStreamRef, "firehose_streams": FirehoseStreamRef, "appsync_apis": AppSyncApiRef,
    "websocket_apis": WebSocketApiRef, "load_balancers": LoadBalancerRef, "ecs_services": EcsServiceRef,
    "aurora_clusters": AuroraClusterRef, "cloudfront_distributions": CloudFrontDistributionRef,
    "buckets": BucketRef, "schedule_groups": ScheduleGroupRef, "pipes": PipeRef,
    "ses_configuration_sets": SesConfigurationSetRef,
}

# The override mapping these models use is defined in config/services.py, which rebuilds them; importing it
# here makes this module usable on its own too.
import config.services  # noqa: E402,F401
