"""Which of our resource kinds an ARN from the Resource Groups Tagging API is, and the name it is monitored by.

One row per kind of ``config.services.RESOURCE_KINDS`` (a test checks every kind has a row, so a new kind cannot
be left out of discovery unnoticed). ARNs without a region or account (S3 buckets; CloudFront, which is global)
are placed in the account and region that listed them. The resource part of each ARN follows the service's ARN
format in the Service Authorization Reference.

Example
-------
>>> parse_arn("arn:aws:lambda:eu-west-1:111111111111:function:orders-api")
ArnMatch(kind='functions', account_id='111111111111', region='eu-west-1', parts={'name': 'orders-api'})
>>> parse_arn("arn:aws:iam::111111111111:role/some-role") is None
True
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["ArnMatch", "ARN_KINDS", "DERIVED_KINDS", "parse_arn"]

# (kind, ARN service, pattern of the resource part). A qualified Lambda ARN (version or alias) is not a function
# of its own; REST and HTTP API stages are tagged on their own and name the stage to watch.
ARN_KINDS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("functions", "lambda", re.compile(r"^function:(?P<name>[A-Za-z0-9_-]+)$")),
    ("rest_apis", "apigateway", re.compile(r"^/restapis/(?P<api_id>[A-Za-z0-9]+)(/stages/(?P<stage>[^/]+))?$")),
    ("http_apis", "apigateway", re.compile(r"^/apis/(?P<api_id>[A-Za-z0-9]+)(/stages/(?P<stage>[^/]+))?$")),
    ("tables", "dynamodb", re.compile(r"^table/(?P<name>[A-Za-z0-9_.-]+)$")),
    ("queues", "sqs", re.compile(r"^(?P<name>[A-Za-z0-9_-]+(\.fifo)?)$")),
    ("state_machines", "states", re.compile(r"^stateMachine:(?P<name>[A-Za-z0-9_-]+)$")),
    ("event_rules", "events", re.compile(r"^rule/((?P<event_bus>[A-Za-z0-9/_.-]+)/)?(?P<name>[A-Za-z0-9_.-]+)$")),
    ("topics", "sns", re.compile(r"^(?P<name>[A-Za-z0-9_-]+(\.fifo)?)$")),
    ("kinesis_streams", "kinesis", re.compile(r"^stream/(?P<name>[A-Za-z0-9_.-]+)$")),
    ("firehose_streams", "firehose", re.compile(r"^deliverystream/(?P<name>[A-Za-z0-9_.-]+)$")),
    ("appsync_apis", "appsync", re.compile(r"^apis/(?P<api_id>[a-z0-9]+)$")),
    ("load_balancers", "elasticloadbalancing", re.compile(r"^loadbalancer/(?P<name>app/[A-Za-z0-9-]+/[0-9a-f]+)$")),
    ("ecs_services", "ecs", re.compile(r"^service/(?P<cluster>[A-Za-z0-9_-]+)/(?P<name>[A-Za-z0-9_-]+)$")),
    ("aurora_clusters", "rds", re.compile(r"^cluster:(?P<name>[A-Za-z0-9-]+)$")),
    ("cloudfront_distributions", "cloudfront", re.compile(r"^distribution/(?P<name>E[A-Z0-9]+)$")),
    ("buckets", "s3", re.compile(r"^(?P<name>[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])$")),
    ("schedule_groups", "scheduler", re.compile(r"^schedule-group/(?P<name>[A-Za-z0-9_.-]+)$")),
    ("pipes", "pipes", re.compile(r"^pipe/(?P<name>[A-Za-z0-9_.-]+)$")),
    ("ses_configuration_sets", "ses", re.compile(r"^configuration-set/(?P<name>[A-Za-z0-9_-]+)$")),
)
# Kinds that are no resource of their own: an API's routes are listed under the API by hand (which routes
# are critical is a decision, not a fact of the account).
DERIVED_KINDS: frozenset[str] = frozenset({"api_routes"})
# WebSocket APIs share the HTTP APIs' ARN format (/apis/ID): the reader tells them apart by protocol.


@dataclass(frozen=True)
class ArnMatch:
    """An ARN recognised as one of our kinds: where it lives and the parts of its resource name."""

    kind: str
    account_id: str
    region: str
    parts: dict[str, str] = field(default_factory=dict)
    arn: str = field(default="", repr=False, compare=False)


def parse_arn(arn: str) -> ArnMatch | None:
    """The kind and name parts of ``arn``, or None when it is no kind we monitor."""
    pieces = arn.split(":", 5)
    if len(pieces) != 6 or pieces[0] != "arn":
        return None
    _, _, service, region, account_id, resource = pieces
    for kind, arn_service, pattern in ARN_KINDS:
        if service != arn_service:
            continue
        match = pattern.match(resource)
        if match:
            parts = {k: v for k, v in match.groupdict().items() if v is not None}
            return ArnMatch(kind, account_id, region, parts, arn)
    return None
