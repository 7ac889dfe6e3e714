"""Config of the kinds beyond the serverless core: names and ARNs reduce to what metrics are keyed by, every
mistake is one line naming the field, and listed routes become resources of their own."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from config.kinds import EXTRA_KINDS, KIND_NAMES, REFS
from config.loader import ConfigError, load_config
from config.services import RESOURCE_KINDS, ServiceResources
from tests.unit.test_config import write_env

ACCOUNT = "123456789012"


@pytest.mark.parametrize(("kind", "given", "field", "expected"), [
    ("kinesis_streams", f"arn:aws:kinesis:eu-west-1:{ACCOUNT}:stream/orders", "name", "orders"),
    ("firehose_streams", f"arn:aws:firehose:eu-west-1:{ACCOUNT}:deliverystream/clicks", "name", "clicks"),
    ("appsync_apis", f"arn:aws:appsync:eu-west-1:{ACCOUNT}:apis/abcdefghijklmnopqrstuvwxyz", "api_id",
     "abcdefghijklmnopqrstuvwxyz"),
    ("load_balancers", f"arn:aws:elasticloadbalancing:eu-west-1:{ACCOUNT}:loadbalancer/app/shop/50dc6c495c0c9188",
     "load_balancer", "app/shop/50dc6c495c0c9188"),
    ("ecs_services", f"arn:aws:ecs:eu-west-1:{ACCOUNT}:service/shop/web", "cluster", "shop"),
    ("aurora_clusters", f"arn:aws:rds:eu-west-1:{ACCOUNT}:cluster:orders-db", "name", "orders-db"),
    ("cloudfront_distributions", f"arn:aws:cloudfront::{ACCOUNT}:distribution/E2QWRUHEXAMPLE", "name",
     "E2QWRUHEXAMPLE"),
    ("buckets", "arn:aws:s3:::shop-uploads", "name", "shop-uploads"),
    ("schedule_groups", f"arn:aws:scheduler:eu-west-1:{ACCOUNT}:schedule-group/billing", "name", "billing"),
    ("pipes", f"arn:aws:pipes:eu-west-1:{ACCOUNT}:pipe/orders-to-sfn", "name", "orders-to-sfn"),
    ("ses_configuration_sets", f"arn:aws:ses:eu-west-1:{ACCOUNT}:configuration-set/receipts", "name", "receipts"),
])
def test_an_arn_reduces_to_what_the_metrics_are_keyed_by(kind, given, field, expected):
    # GIVEN a resource of the kind by its ARN WHEN the resources are read THEN the metric key is extracted
    (ref,) = getattr(ServiceResources(**{kind: [given]}), kind)
    assert getattr(ref, field) == expected


def test_every_extra_kind_is_a_resource_kind_with_names():
    assert set(EXTRA_KINDS) == set(REFS) == set(KIND_NAMES)
    assert set(EXTRA_KINDS) <= set(RESOURCE_KINDS)


def test_ecs_service_as_cluster_and_service():
    (svc,) = ServiceResources(ecs_services=[{"cluster": "shop", "service": "web", "launch_type": "EC2"}]).ecs_services
    assert (svc.cluster, svc.service, svc.launch_type) == ("shop", "web", "EC2")


def test_load_balancer_keeps_target_groups_and_lambda_targets():
    (lb,) = ServiceResources(load_balancers=[{
        "name": "app/shop/50dc6c495c0c9188",
        "target_groups": [f"arn:aws:elasticloadbalancing:eu-west-1:{ACCOUNT}:targetgroup/web/73e2d6bc24d8a067",
                          {"id": "targetgroup/fn/73e2d6bc24d8a068", "lambda_target": True}]}]).load_balancers
    assert lb.name == "shop"
    assert [(tg.id, tg.lambda_target) for tg in lb.target_groups] == [
        ("targetgroup/web/73e2d6bc24d8a067", False), ("targetgroup/fn/73e2d6bc24d8a068", True)]


def test_routes_become_resources_of_their_own():
    # GIVEN a REST and an HTTP API with routes WHEN the resources are read THEN each route is an api_routes entry
    resources = ServiceResources(
        rest_apis=[{"name": "orders-api", "stage": "live", "routes": ["POST /orders", "GET /orders/{id}"]}],
        http_apis=[{"name": "cart", "api_id": "a1b2c3d4e5", "routes": ["PUT /cart"]}])
    assert [(r.name, r.api, r.stage, r.route, r.api_id) for r in resources.api_routes] == [
        ("orders-api-POST-orders", "orders-api", "live", "POST /orders", None),
        ("orders-api-GET-orders-id", "orders-api", "live", "GET /orders/{id}", None),
        ("cart-PUT-cart", "cart", "$default", "PUT /cart", "a1b2c3d4e5")]
    # AND merging (discovery) keeps each route once
    assert len(resources.merged(resources).api_routes) == 3


@pytest.mark.parametrize(("kind", "value", "says"), [
    ("rest_apis", {"name": "a", "routes": ["post /orders"]}, "must be 'METHOD /path'"),
    ("rest_apis", {"name": "a", "routes": ["GET /x", "GET /x"]}, "list a route twice"),
    ("kinesis_streams", f"arn:aws:sqs:eu-west-1:{ACCOUNT}:orders", "is not an ARN of a Kinesis stream"),
    ("load_balancers", "app/shop/nothex", "must be its ARN or app/NAME/ID"),
    ("load_balancers", "net/edge/50dc6c495c0c9188", "is a Network Load Balancer"),
    ("load_balancers", {"name": "app/shop/50dc6c495c0c9188", "target_groups": ["tg-1"]},
     "must be its ARN or targetgroup/NAME/ID"),
    ("ecs_services", "web", "give {cluster, service}"),
    ("appsync_apis", "graph", "give its ARN or {name, api_id}"),
    ("websocket_apis", "chat", "give {name, api_id, stage}"),
    ("cloudfront_distributions", "d111111abcdef8.cloudfront.net", "is not a CloudFront distribution id"),
    ("buckets", {"name": "b", "request_metrics_filter": "has space"}, "request_metrics_filter"),
])
def test_a_wrong_reference_is_one_line_naming_the_field(tmp_path, kind, value, says):
    # GIVEN dev.yaml whose service lists a malformed resource WHEN it loads THEN one line names the field and why
    write_env(tmp_path, lambda d: d["services"][0]["resources"].update({kind: [value]}))
    with pytest.raises(ConfigError) as caught:
        load_config("dev", tmp_path)
    (line,) = caught.value.lines
    assert f"resources.{kind}" in line and says in line and "Traceback" not in line


def test_overrides_of_an_extra_kind_are_checked_like_the_core_kinds():
    with pytest.raises(ValidationError, match="override key 'Nope'"):
        ServiceResources(buckets=[{"name": "b", "overrides": {"Nope": {"threshold": 1}}}])
