"""Discovery of monitorable resources from a service's synthesized template (offline)."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from config.services import ServiceConfig
from stacks.monitoring.discovery import DiscoveryError, discover, discover_file, service_resources

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
    assert found.skipped == ["template: Dyn (DynamoDB table) has no literal TableName; list it by name under resources:"]


def test_listed_resources_win_over_discovered_ones_with_the_same_name():
    service = ServiceConfig(name="shop", template=SHOP, resources={"functions": [
        {"name": "shop-api", "timeout_seconds": 29, "overrides": {"ColdStarts": {"enabled": False}}}]})
    functions = {f.name: f for f in service_resources(service).functions}
    assert functions["shop-api"].timeout_seconds == 29 and "ColdStarts" in functions["shop-api"].overrides
    assert len(functions) == 4


def test_a_broken_template_is_one_clear_line(tmp_path):
    bad = tmp_path / "Bad.template.json"
    bad.write_text("{ not json")
    with pytest.raises(DiscoveryError, match=r"^template .*Bad.template.json: not valid JSON \(line 1: "):
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
