"""The demo service stack: dev only, stable names, active tracing, both layers, least-privilege role."""
from __future__ import annotations

import json

import pytest
from aws_cdk import App
from aws_cdk.assertions import Match, Template

from config.loader import load_config
from stacks.demo.api import ROUTES
from stacks.demo.names import demo_names
from stacks.demo_service_stack import DemoServiceStack

DEV = "watchtower-dev-DemoService"


@pytest.fixture(scope="module")
def demo():
    cfg = load_config("dev")
    stack = DemoServiceStack(App(), "DemoUnderTest", cfg=cfg,
                             layer_parameter_name="/watchtower/dev/observability-layer-arn", layer_build_id="abc123")
    return cfg, Template.from_stack(stack)


def test_function_has_stable_name_tracing_and_both_layers(demo):
    cfg, template = demo
    template.has_resource_properties("AWS::Lambda::Function", {
        "FunctionName": "watchtower-dev-demo-api",
        "Handler": "demo_api.handler", "Runtime": "python3.12", "Architectures": ["arm64"],
        "TracingConfig": {"Mode": "Active"},
        "Environment": {"Variables": Match.object_like({
            "SERVICE_NAME": "demo", "ENVIRONMENT": "dev", "METRICS_NAMESPACE": "watchtower/demo",
            "ENABLE_TRACING": "true", "OBSERVABILITY_LAYER_BUILD": "abc123",
            "TABLE_NAME": {"Ref": Match.any_value()}})},
    })
    function = next(iter(template.find_resources("AWS::Lambda::Function").values()))
    powertools, observability = function["Properties"]["Layers"]
    assert f"AWSLambdaPowertoolsPythonV3-python312-arm64:{cfg.powertools_layer_version}" in json.dumps(powertools)
    assert observability["Ref"].startswith("SsmParameterValuewatchtowerdevobservabilitylayerarn")


def test_layer_arn_comes_from_ssm_at_deploy_time(demo):
    _, template = demo
    parameters = template.to_json()["Parameters"]
    assert any(p["Type"] == "AWS::SSM::Parameter::Value<String>"
               and p["Default"] == "/watchtower/dev/observability-layer-arn" for p in parameters.values())


def test_table_is_named_on_demand_with_point_in_time_recovery(demo):
    _, template = demo
    template.has_resource_properties("AWS::DynamoDB::Table", {
        "TableName": "watchtower-dev-demo-measurements", "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "measurement_id", "KeyType": "HASH"}],
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}})


def test_api_is_traced_logged_and_serves_exactly_the_handler_routes(demo):
    _, template = demo
    template.has_resource_properties("AWS::ApiGateway::RestApi", {"Name": "watchtower-dev-demo-api"})
    template.has_resource_properties("AWS::ApiGateway::Stage", {
        "StageName": "live", "TracingEnabled": True,
        "AccessLogSetting": {"DestinationArn": Match.any_value(), "Format": Match.any_value()},
        "MethodSettings": [Match.object_like({"LoggingLevel": "ERROR", "MetricsEnabled": True,
                                              "ThrottlingRateLimit": 50})]})
    methods = template.find_resources("AWS::ApiGateway::Method")
    assert sorted(m["Properties"]["HttpMethod"] for m in methods.values()) == sorted(v for _, v in ROUTES)


def test_role_has_no_managed_policies_and_only_its_own_log_group_and_table(demo):
    _, template = demo
    roles = template.find_resources("AWS::IAM::Role", {"Properties": {
        "AssumeRolePolicyDocument": {"Statement": [Match.object_like(
            {"Principal": {"Service": "lambda.amazonaws.com"}})]}}})
    assert len(roles) == 1 and "ManagedPolicyArns" not in next(iter(roles.values()))["Properties"]
    statements = [s for policy in template.find_resources("AWS::IAM::Policy").values()
                  for s in policy["Properties"]["PolicyDocument"]["Statement"]]
    wildcard = [s for s in statements if s["Resource"] == "*"]
    assert all(action.startswith("xray:") for s in wildcard for action in s["Action"])


def test_log_groups_have_retention_from_config(demo):
    cfg, template = demo
    template.has_resource_properties("AWS::Logs::LogGroup", {
        "LogGroupName": "/aws/lambda/watchtower-dev-demo-api", "RetentionInDays": cfg.log_retention_days})


def test_names_helper_matches_the_template(demo):
    cfg, _ = demo
    names = demo_names(cfg)
    assert (names.function, names.table, names.api, names.stage) == (
        "watchtower-dev-demo-api", "watchtower-dev-demo-measurements", "watchtower-dev-demo-api", "live")


def test_demo_is_deployed_in_dev_only_and_after_the_layer(synth):
    assert DEV in synth.templates("dev")
    assert not any(name.endswith("-DemoService") for env in ("staging", "prod") for name in synth.templates(env))
    manifest = (synth.result("dev").outdir / "manifest.json").read_text()
    dependencies = json.loads(manifest)["artifacts"][DEV].get("dependencies", [])
    assert "watchtower-dev-Layer" in dependencies


def test_a_schedule_sends_synthetic_measurements_every_five_minutes(demo):
    _, template = demo
    template.has_resource_properties("AWS::Events::Rule", {
        "Name": "watchtower-dev-demo-traffic", "ScheduleExpression": "rate(5 minutes)",
        "Targets": Match.array_with([Match.object_like({"Input": Match.string_like_regexp("synthetic-scale-01")}),
                                     Match.object_like({"Input": Match.string_like_regexp("synthetic-scale-02")})])})


def test_service_version_is_the_code_hash(demo):
    _, template = demo
    function = next(iter(template.find_resources("AWS::Lambda::Function").values()))
    version = function["Properties"]["Environment"]["Variables"]["SERVICE_VERSION"]
    assert len(version) == 12 and function["Properties"]["Code"]["S3Key"].startswith(version)
