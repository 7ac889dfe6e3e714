"""ARN -> resource kind: every kind the config knows is discoverable, and ARNs of other things are not taken."""
from __future__ import annotations

import pytest

from config.services import RESOURCE_KINDS
from tools.discover.arns import ARN_KINDS, parse_arn


def test_every_resource_kind_has_an_arn_row():
    # GIVEN the resource kinds of the config WHEN discovery maps ARNs THEN none of them is left out
    assert sorted({kind for kind, _, _ in ARN_KINDS}) == sorted(RESOURCE_KINDS)


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
])
def test_arn_maps_to_kind_and_name(arn, kind, parts):
    match = parse_arn(arn)
    assert match is not None and (match.kind, match.parts) == (kind, parts)


@pytest.mark.parametrize("arn", [
    "arn:aws:lambda:us-east-1:111111111111:function:orders-api:live",  # an alias is not a function of its own
    "arn:aws:dynamodb:us-east-1:111111111111:table/orders/stream/2026-01-01T00:00:00.000",
    "arn:aws:s3:::bucket", "arn:aws:events:us-east-1:111111111111:event-bus/orders-bus", "not-an-arn",
    "arn:aws:states:us-east-1:111111111111:execution:checkout:run-1",
])
def test_other_arns_are_not_a_kind(arn):
    assert parse_arn(arn) is None
