"""Discovery of monitorable resources from a service's synthesized template (offline)."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from config.services import ServiceConfig
from plan.discovery import DiscoveryError, discover, discover_file, service_resources

SHOP = "tests/fixtures/service_templates/Shop.template.json"


def test_every_supported_kind_is_found_in_a_cdk_synthesized_template():
    # GIVEN the Shop service's template (synthesized by CDK, see make_shop.py)
    found = discover_file(SHOP)
    r = found.resources
    # THEN each kind comes back with the details its alarms need
    functions = {f.name: f for f in r.functions}
    assert set(functions) == {"shop-api", "shop-worker", "shop-projector", "shop-mailer"}
    assert functions["shop-api"].timeout_seconds == 10
    assert functions["shop-projector"].timeout_seconds == 3  # Lambda's default when Timeout is left out
    assert functions["shop-projector"].stream_source and not functions["shop-worker"].stream_source  # SQS != stream
    assert functions["shop-mailer"].async_invoked and not functions["shop-api"].async_invoked
    assert [(a.name, a.stage) for a in r.rest_apis] == [("shop-rest", "live")]
    assert [t.name for t in r.tables] == ["shop-orders"]
    assert [(q.name, q.dlq) for q in r.queues] == [("shop-jobs", "shop-jobs-dlq")]  # the DLQ is not a queue of its own
    assert [s.name for s in r.state_machines] == ["shop-checkout"]
    assert [(e.name, e.event_bus) for e in r.event_rules] == [("shop-order-placed", "shop-bus")]
    assert [t.name for t in r.topics] == ["shop-receipts"]


def test_what_cannot_be_monitored_from_the_template_is_reported_not_guessed():
    skipped = discover_file(SHOP).skipped
    assert len(skipped) == 2
    assert any("Unnamed" in line and "no literal FunctionName" in line for line in skipped)
    assert any("HTTP API" in line and "api_id" in line for line in skipped)


def test_names_built_from_literals_with_sub_or_join_are_resolved_and_dlq_config_means_async():
    template = {"Resources": {
        "Fn": {"Type": "AWS::Lambda::Function", "Properties": {
            "FunctionName": {"Fn::Join": ["-", ["shop", "billing"]]}, "DeadLetterConfig": {"TargetArn": "x"}}},
        "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": {"Fn::Sub": "shop-ledger"}}},
        "Dyn": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": {"Fn::Sub": "${AWS::StackName}-t"}}},
    }}
    found = discover(template)
    assert [(f.name, f.async_invoked) for f in found.resources.functions] == [("shop-billing", True)]
    assert [t.name for t in found.resources.tables] == ["shop-ledger"]
    assert found.skipped == ["template: Dyn (DynamoDB table) has no literal TableName; to monitor it: "
                             "stack: <the deployed stack name of this template> on the service, or "
                             "resources.tables: [<its name>]"]


def test_listed_resources_win_over_discovered_ones_with_the_same_name():
    service = ServiceConfig(name="shop", template=SHOP, resources={"functions": [
        {"name": "shop-api", "timeout_seconds": 29, "overrides": {"ColdStarts": {"enabled": False}}}]})
    functions = {f.name: f for f in service_resources(service).functions}
    assert functions["shop-api"].timeout_seconds == 29 and "ColdStarts" in functions["shop-api"].overrides
    assert len(functions) == 4


def test_a_broken_template_is_one_clear_line(tmp_path):
    bad = tmp_path / "Bad.template.json"
    bad.write_text("{ not json")
    with pytest.raises(DiscoveryError, match=r"^template '.*Bad.template.json' is not valid JSON \(line 1: "):
        discover_file(bad)
    with pytest.raises(DiscoveryError, match="file not found"):
        discover_file(tmp_path / "Missing.template.json")


_NAMES = st.from_regex(r"[a-z][a-z0-9-]{2,20}", fullmatch=True)


@settings(max_examples=50, deadline=None)
@given(tables=st.sets(_NAMES, max_size=5), topics=st.sets(_NAMES, max_size=5), functions=st.sets(_NAMES, max_size=5))
def test_every_named_resource_in_any_template_is_discovered_once(tables, topics, functions):
    resources = {}
    for kind, key, names in (("AWS::DynamoDB::Table", "TableName", tables), ("AWS::SNS::Topic", "TopicName", topics),
                             ("AWS::Lambda::Function", "FunctionName", functions)):
        for i, name in enumerate(sorted(names)):
            resources[f"{key}{i}"] = {"Type": kind, "Properties": {key: name}}
    found = discover(json.loads(json.dumps({"Resources": resources}))).resources
    assert sorted(t.name for t in found.tables) == sorted(tables)
    assert sorted(t.name for t in found.topics) == sorted(topics)
    assert sorted(f.name for f in found.functions) == sorted(functions)


FIXTURES = "tests/fixtures/service_templates"


def _names(resources, kind):
    return sorted(r.name for r in getattr(resources, kind))


def test_a_sam_yaml_template_with_short_form_tags_is_discovered():
    # GIVEN a SAM template as people write it (!Sub, !Join, !GetAtt, Globals, implicit APIs)
    found = discover_file(f"{FIXTURES}/Sam.template.yaml")
    r = found.resources
    functions = {f.name: f for f in r.functions}
    # THEN functions with literal names come back with Globals' timeout unless they set their own
    assert set(functions) == {"samshop-api", "samshop-worker", "samshop-projector"}
    assert functions["samshop-api"].timeout_seconds == 12 and functions["samshop-worker"].timeout_seconds == 60
    assert functions["samshop-worker"].async_invoked and functions["samshop-projector"].stream_source
    assert not functions["samshop-api"].stream_source  # an SQS event is not a stream
    assert [(a.name, a.stage) for a in r.rest_apis] == [("samshop-partner", "v2")]
    assert _names(r, "tables") == ["samshop-orders"]  # AWS::Serverless::SimpleTable
    assert ("samshop-jobs", "samshop-jobs-dlq") in [(q.name, q.dlq) for q in r.queues]
    assert _names(r, "state_machines") == ["samshop-checkout"]  # AWS::Serverless::StateMachine


def test_sam_implicit_apis_and_computed_names_are_skipped_with_the_line_that_includes_them():
    skips = {s.logical_id: s for s in discover_file(f"{FIXTURES}/Sam.template.yaml").skips}
    assert skips["ServerlessRestApi"].include == "resources.rest_apis: [{name: <stack name>, stage: Prod}]"
    assert skips["ServerlessHttpApi"].include.endswith("stage: $default}]")
    assert skips["EventsApi"].include.endswith("stage: events}]")  # an explicit HttpApi's own stage
    # a stage given by a parameter is not guessed: the line offers the parameter's default
    assert "parameter Stage, default live" in skips["PublicApi"].reason
    assert skips["PublicApi"].include == "resources.rest_apis: [{name: samshop-public, stage: live}]"
    assert "no literal FunctionName" in skips["WebhookFunction"].reason


def test_a_cdk_yaml_template_is_discovered_and_its_helper_functions_are_skipped():
    # GIVEN a CDK-synthesized template in YAML, with the helper functions CDK adds
    found = discover_file(f"{FIXTURES}/CdkShop.template.yaml")
    r = found.resources
    assert _names(r, "functions") == ["cdkshop-api"]
    assert [(a.name, a.stage) for a in r.rest_apis] == [("cdkshop-rest", "v1")]
    assert _names(r, "tables") == ["cdkshop-orders"] and _names(r, "state_machines") == ["cdkshop-checkout"]
    assert [(q.name, q.dlq) for q in r.queues] == [("cdkshop-jobs", "cdkshop-jobs-dlq")]
    helpers = {s.logical_id: s.reason for s in found.skips if s.helper}
    reasons = " | ".join(helpers.values())
    for what in ("log-retention handler", "bucket-deployment handler", "AwsCustomResource provider",
                 "CDK custom-resource provider", "custom-resource handler (called by SeedProviderframeworkonEvent"):
        assert what in reasons
    # the one other skip is the site bucket, which the template leaves unnamed
    assert len(helpers) == 5 and [s.logical_id for s in found.skips if not s.helper] == ["SiteE53D7754"]


def test_a_serverless_framework_helper_gets_no_alarm():
    # GIVEN the template the Serverless Framework packages, with its custom-resource-existing-s3 helper
    found = discover_file(f"{FIXTURES}/Serverless.template.json")
    assert _names(found.resources, "functions") == ["slsshop-dev-hello", "slsshop-dev-worker"]
    (skip,) = found.skips
    assert skip.helper and skip.logical_id == "CustomDashresourceDashexistingDashs3LambdaFunction"
    assert "Serverless Framework custom-resource provider" in skip.reason
    assert skip.include == "resources.functions: [slsshop-dev-custom-resource-existing-s3]"


def test_any_function_a_custom_resource_calls_is_a_helper_whatever_its_name():
    template = {"Resources": {
        "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "team-migrator"}},
        "Migrate": {"Type": "AWS::CloudFormation::CustomResource",
                    "Properties": {"ServiceToken": {"Fn::GetAtt": ["Fn", "Arn"]}}},
    }}
    found = discover(template)
    assert found.resources.functions == () and found.skips[0].helper
    assert "called by Migrate at deploy time" in found.skips[0].reason


def test_a_queue_whose_redrive_points_at_itself_is_a_problem_not_a_dlq():
    template = {"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {
        "QueueName": "loop", "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": ["Q", "Arn"]}}}}}}
    found = discover(template)
    assert found.resources.queues == ()
    assert found.problems == ["template: queue Q (loop) is its own dead-letter queue (RedrivePolicy."
                              "deadLetterTargetArn points at itself): give it a separate DLQ"]


def test_a_broken_yaml_template_is_one_clear_line(tmp_path):
    bad = tmp_path / "Bad.template.yaml"
    bad.write_text("Resources:\n  A: {Type: AWS::SNS::Topic\n")
    with pytest.raises(DiscoveryError, match=r"^template '.*Bad.template.yaml' is not a valid YAML or JSON template "
                                             r"\(line \d+: "):
        discover_file(bad)


def test_a_yaml_template_is_accepted_by_the_config():
    service = ServiceConfig(name="sam", template=f"{FIXTURES}/Sam.template.yaml")
    assert "samshop-api" in {f.name for f in service_resources(service).functions}
