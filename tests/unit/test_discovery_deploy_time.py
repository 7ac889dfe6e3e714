"""Discovery with the service's deployed stack named (``stack:``): a template holding one resource of each of the
20 kinds, JSON and YAML (short-form tags), discovers every one of them; the resources keyed by ids made at
deploy hold a DeployTimeName (a token-free label plus how the key derives from the physical id), and without
``stack:`` each of them is reported with the line to add."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from config.services import RESOURCE_KINDS, ServiceConfig
from plan.deploy_time import DeployTimeName, deploy_key
from plan.discovery import STACK_LINE, discover, discover_file, discover_service

TEMPLATES = ["tests/fixtures/service_templates/DeployTime.template.json",
             "tests/fixtures/service_templates/DeployTime.template.yaml"]
STACK = "dt-prod"
KINDS = [k for k in RESOURCE_KINDS if k != "api_routes"]
# What the physical id of each deploy-time resource looks like (the registry schema's primaryIdentifier) and the
# metric key CloudWatch uses for it.
PHYSICAL = {
    ("functions", "Handler"): ("dt-prod-Handler-1A2B3C4D5E6F", "dt-prod-Handler-1A2B3C4D5E6F"),
    ("http_apis", "dt-http"): ("a1b2c3d4e5", "a1b2c3d4e5"),
    ("tables", "Ledger"): ("dt-prod-Ledger-XYZ", "dt-prod-Ledger-XYZ"),
    ("queues", "Jobs"): ("https://sqs.eu-west-1.amazonaws.com/123456789012/dt-prod-Jobs-AB12", "dt-prod-Jobs-AB12"),
    ("topics", "Alerts"): ("arn:aws:sns:eu-west-1:123456789012:dt-prod-Alerts-CD34", "dt-prod-Alerts-CD34"),
    ("appsync_apis", "dt-graph"): ("arn:aws:appsync:eu-west-1:123456789012:apis/abcdefghijklmnopqrstuvwxyz",
                                   "abcdefghijklmnopqrstuvwxyz"),
    ("websocket_apis", "dt-chat"): ("b1b2c3d4e5", "b1b2c3d4e5"),
    ("load_balancers", "Edge"): (
        "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/dt-pr-Edge-1X/50dc6c495c0c9188",
        "app/dt-pr-Edge-1X/50dc6c495c0c9188"),
    ("cloudfront_distributions", "Cdn"): ("E2QWRUHEXAMPLE", "E2QWRUHEXAMPLE"),
}


def _key_field(kind: str, ref):
    return {"http_apis": "api_id", "appsync_apis": "api_id", "websocket_apis": "api_id",
            "load_balancers": "load_balancer"}.get(kind, "name")


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_kind_of_the_template_is_discovered_with_its_stack(template):
    # GIVEN the template with one resource of each of the 20 kinds WHEN it is discovered with its deployed stack
    found = discover_file(template, stack=STACK, region="eu-west-1")
    # THEN every kind is found, nothing is skipped and the template has no problem
    assert {k for k in KINDS if getattr(found.resources, k)} == set(KINDS)
    assert found.skips == [] and found.problems == []
    # AND each resource keyed at deploy derives CloudWatch's key from the physical id CloudFormation reports
    deployed = {}
    for kind in KINDS:
        for ref in getattr(found.resources, kind):
            value = getattr(ref, _key_field(kind, ref))
            if isinstance(value, DeployTimeName):
                deployed[(kind, ref.name)] = value
    assert set(deployed) == set(PHYSICAL)
    for where, (physical, metric_key) in PHYSICAL.items():
        key = deploy_key(deployed[where])
        assert key.stack == STACK and key.region == "eu-west-1" and key.derive(physical) == metric_key, where
    # AND the target group behind the balancer is a Lambda target read at deploy too
    (balancer,) = found.resources.load_balancers
    (group,) = balancer.target_groups
    assert group.lambda_target and group.name == "HandlerTargets"
    assert deploy_key(group.id).derive("arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/"
                                       "dt-Handl-9Z/73e2d6bc24d8a067") == "targetgroup/dt-Handl-9Z/73e2d6bc24d8a067"
    # AND the queue keeps its literal DLQ, the websocket API its stage, the function its timeout
    assert [(q.dlq, str(q.name)) for q in found.resources.queues] == [("dt-jobs-dlq", "Jobs")]
    assert [w.stage for w in found.resources.websocket_apis] == ["live"]
    assert {str(f.name): f.timeout_seconds for f in found.resources.functions} == {"Handler": 30, "dt-worker": 3}


@pytest.mark.parametrize("template", TEMPLATES)
def test_labels_are_the_templates_names_or_logical_ids_never_tokens(template):
    found = discover_file(template, stack=STACK)
    labels = {str(r.name) for k in KINDS for r in getattr(found.resources, k)}
    assert {"Handler", "dt-http", "Ledger", "Jobs", "Alerts", "dt-graph", "dt-chat", "Edge", "Cdn"} <= labels
    assert not any("${" in label or "Token" in label for label in labels)


@pytest.mark.parametrize("template", TEMPLATES)
def test_without_stack_each_deploy_time_resource_says_which_line_to_add(template):
    # GIVEN the same template WHEN it is discovered without the service's stack
    found = discover_file(template)
    # THEN the kinds keyed at deploy are not found, and each skip line names stack: first
    by_id = {s.logical_id: s for s in found.skips}
    assert set(by_id) == {"Handler", "Http", "Ledger", "Jobs", "Alerts", "Graph", "Chat", "Edge", "Cdn"}
    for skip in by_id.values():
        assert (skip.include or "").startswith(STACK_LINE), skip
    assert not found.resources.appsync_apis and not found.resources.cloudfront_distributions


def test_a_function_named_at_deploy_has_no_error_log_alarm():
    # Its log group is /aws/lambda/<name made at deploy>: no metric filter can be set on it at synth.
    found = discover({"Resources": {"F": {"Type": "AWS::Serverless::Function", "Properties": {"Timeout": 9}}}},
                     stack="shop")
    (fn,) = found.resources.functions
    assert fn.overrides["ErrorLogs"].enabled is False and deploy_key(fn.name).resource_type == \
        "AWS::Lambda::Function"


def test_a_websocket_api_without_a_literal_stage_is_reported():
    found = discover({"Resources": {"W": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {
        "Name": "chat", "ProtocolType": "WEBSOCKET"}}}}, stack="shop")
    assert not found.resources.websocket_apis
    assert "W (WebSocket API) has no AWS::ApiGatewayV2::Stage with a literal StageName" in found.skipped[0]


def test_the_service_passes_its_stack_and_region_to_discovery():
    service = ServiceConfig(name="dt", template=TEMPLATES[1], stack="dt-prod", region="eu-central-1")
    resources, _ = discover_service(service)
    (cdn,) = resources.cloudfront_distributions
    assert deploy_key(cdn.name).stack == "dt-prod" and deploy_key(cdn.name).region == "eu-central-1"


@pytest.mark.parametrize("fields, message", [
    ({"stack": "9-lives", "template": TEMPLATES[0]}, "stack '9-lives' is not a CloudFormation stack name"),
    ({"stack": "a" * 129, "template": TEMPLATES[0]}, "is not a CloudFormation stack name"),
    ({"stack": "shop_prod", "template": TEMPLATES[0]}, "is not a CloudFormation stack name"),
    ({"stack": "shop-prod", "resources": {"tables": ["t"]}}, "has stack: 'shop-prod' but no template"),
    ({"stack": "shop-prod", "template": TEMPLATES[0], "account": "payments"},
     "stack: cannot be read from the monitoring account"),
])
def test_a_wrong_stack_is_one_clear_line(fields, message):
    with pytest.raises(ValidationError) as raised:
        ServiceConfig(name="dt", **fields)
    assert message in str(raised.value)


def test_the_plan_report_says_which_keys_are_read_at_deploy():
    # GIVEN a plan of a service read from its template and stack WHEN it is written as plan.json
    import json

    from config.loader import load_config
    from plan.build import plan_environment
    from plan.report import plan_json

    cfg = load_config("staging")
    service = ServiceConfig(name="dt", template=TEMPLATES[0], stack=STACK)
    doc = json.dumps(plan_json(plan_environment(cfg.model_copy(update={"services": (*cfg.services, service)}))))
    # THEN the AppSync API's dimension names the stack and logical id it is read from, not a made-up id
    assert '"GraphQLAPIId": "<read at deploy: stack dt-prod, Graph: \'/\' item 1 of its physical id>"' in doc
