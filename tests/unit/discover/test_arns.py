"""ARN -> resource kind: every kind the config knows is discoverable, and ARNs of other things are not taken."""
from __future__ import annotations

import pytest

from config.services import RESOURCE_KINDS
from tools.discover.arns import ARN_KINDS, DERIVED_KINDS, parse_arn


def test_every_resource_kind_has_an_arn_row():
    # GIVEN the resource kinds of the config WHEN discovery maps ARNs THEN none of them is left out
    # (WebSocket APIs come from the /apis/ row, told apart from HTTP APIs by their protocol)
    rows = {kind for kind, _, _ in ARN_KINDS} | {"websocket_apis"}
    assert sorted(rows | DERIVED_KINDS) == sorted(RESOURCE_KINDS)


@pytest.mark.parametrize("arn, kind, parts", [
    ("arn:aws:lambda:us-east-1:111111111111:function:orders-api", "functions", {"name": "orders-api"}),
    ("arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5", "rest_apis", {"api_id": "a1b2c3d4e5"}),
    ("arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/prod", "rest_apis",
     {"api_id": "a1b2c3d4e5", "stage": "prod"}),
    ("arn:aws:apigateway:eu-west-1::/apis/pay0http01", "http_apis", {"api_id": "pay0http01"}),
    ("arn:aws:dynamodb:us-east-1:111111111111:table/orders", "tables", {"name": "orders"}),
    ("arn:aws:sqs:us-east-1:111111111111:jobs.fifo", "queues", {"name": "jobs.fifo"}),
    ("arn:aws:states:us-east-1:111111111111:stateMachine:checkout", "state_machines", {"name": "checkout"}),
    ("arn:aws:events:us-east-1:111111111111:rule/nightly", "event_rules", {"name": "nightly"}),
    ("arn:aws:events:us-east-1:111111111111:rule/orders-bus/placed", "event_rules",
     {"name": "placed", "event_bus": "orders-bus"}),
    ("arn:aws-us-gov:sns:us-gov-west-1:111111111111:notices", "topics", {"name": "notices"}),
    ("arn:aws:kinesis:us-east-1:111111111111:stream/clicks", "kinesis_streams", {"name": "clicks"}),
    ("arn:aws:firehose:us-east-1:111111111111:deliverystream/to-s3", "firehose_streams", {"name": "to-s3"}),
    ("arn:aws:appsync:us-east-1:111111111111:apis/abcdefghijklmnopqrstuvwxyz", "appsync_apis",
     {"api_id": "abcdefghijklmnopqrstuvwxyz"}),
    ("arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/web/0123456789abcdef",
     "load_balancers", {"name": "app/web/0123456789abcdef"}),
    ("arn:aws:ecs:us-east-1:111111111111:service/shop/web", "ecs_services", {"cluster": "shop", "name": "web"}),
    ("arn:aws:rds:us-east-1:111111111111:cluster:orders-db", "aurora_clusters", {"name": "orders-db"}),
    ("arn:aws:cloudfront::111111111111:distribution/E2QWRUHEXAMPLE", "cloudfront_distributions",
     {"name": "E2QWRUHEXAMPLE"}),
    ("arn:aws:s3:::orders-exports", "buckets", {"name": "orders-exports"}),
    ("arn:aws:scheduler:us-east-1:111111111111:schedule-group/nightly", "schedule_groups", {"name": "nightly"}),
    ("arn:aws:pipes:us-east-1:111111111111:pipe/orders-to-bus", "pipes", {"name": "orders-to-bus"}),
    ("arn:aws:ses:us-east-1:111111111111:configuration-set/mail", "ses_configuration_sets", {"name": "mail"}),
])
def test_arn_maps_to_kind_and_name(arn, kind, parts):
    match = parse_arn(arn)
    assert match is not None and (match.kind, match.parts) == (kind, parts)


@pytest.mark.parametrize("arn", [
    "arn:aws:lambda:us-east-1:111111111111:function:orders-api:live",  # an alias is not a function of its own
    "arn:aws:dynamodb:us-east-1:111111111111:table/orders/stream/2026-01-01T00:00:00.000",
    "arn:aws:s3:::bucket/key.txt", "arn:aws:events:us-east-1:111111111111:event-bus/orders-bus", "not-an-arn",
    "arn:aws:states:us-east-1:111111111111:execution:checkout:run-1",
    "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/tcp/0123456789abcdef",
    "arn:aws:rds:us-east-1:111111111111:db:orders-db-instance-1",
])
def test_other_arns_are_not_a_kind(arn):
    assert parse_arn(arn) is None
