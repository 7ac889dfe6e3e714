"""GIVEN an environment's config, WHEN the Routing stack is synthesized, THEN the router runs on arm64 with
the Powertools layer, reserved concurrency and a DLQ, least-privilege IAM, an on-demand encrypted dedup table
with TTL and PITR, a subscription per severity topic, and alarms that bypass the router."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from aws_cdk import App, assertions

from config.loader import load_config
from stacks.alerting_stack import AlertingStack
from stacks.routing_stack import RoutingStack

ENVIRONMENTS = ("dev", "staging", "prod")


@pytest.fixture(scope="module")
def prod(tmp_path_factory):
    cfg = load_config("prod")
    app = App(outdir=str(tmp_path_factory.mktemp("routing")))
    alerting = AlertingStack(app, "Alerting", cfg=cfg)
    routing = RoutingStack(app, "Routing", cfg=cfg, topics=alerting.topics, email_topic=alerting.email_topic,
                           ops_topic=alerting.ops_topic, key=alerting.key)
    assembly = app.synth()
    return cfg, routing, assertions.Template.from_stack(routing), Path(assembly.directory)


def test_function_is_arm64_python312_with_powertools_layer_concurrency_and_dlq(prod):
    cfg, _, template, _ = prod
    template.has_resource_properties("AWS::Lambda::Function", {
        "FunctionName": "watchtower-prod-alert-router",
        "Architectures": ["arm64"],
        "Runtime": "python3.12",
        "Handler": "alert_router.app.handler",
        "ReservedConcurrentExecutions": cfg.routing.function.reserved_concurrency,
        "DeadLetterConfig": {"TargetArn": assertions.Match.any_value()},
    })
    [function] = template.find_resources("AWS::Lambda::Function").values()
    assert "AWSLambdaPowertoolsPythonV3-python312-arm64:27" in json.dumps(function["Properties"]["Layers"])
    template.has_resource_properties("AWS::Logs::LogGroup", {
        "LogGroupName": "/aws/lambda/watchtower-prod-alert-router", "RetentionInDays": cfg.log_retention_days})


def test_environment_holds_secret_names_never_values(prod):
    _, _, template, _ = prod
    [function] = template.find_resources("AWS::Lambda::Function").values()
    variables = function["Properties"]["Environment"]["Variables"]
    routes = json.loads(variables["ROUTES"])
    assert routes["critical"]["pagerduty"] == "watchtower/prod/pagerduty-routing-key"
    assert routes["critical"]["email"] is None and "email" not in routes["info"]
    flat = json.dumps(variables)
    assert "hooks.slack.com" not in flat and "https://" not in flat and "routing_key" not in flat


def test_dedup_table_is_on_demand_with_ttl_pitr_and_encryption(prod):
    _, _, template, _ = prod
    template.has_resource_properties("AWS::DynamoDB::Table", {
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "dedup_id", "KeyType": "HASH"}],
        "TimeToLiveSpecification": {"AttributeName": "expires_at", "Enabled": True},
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "SSESpecification": {"SSEEnabled": True},
    })


def test_one_lambda_subscription_per_severity_topic_with_a_dlq(prod):
    _, _, template, _ = prod
    subscriptions = template.find_resources("AWS::SNS::Subscription")
    assert len(subscriptions) == 3
    for subscription in subscriptions.values():
        props = subscription["Properties"]
        assert props["Protocol"] == "lambda" and "RedrivePolicy" in props
    sns_permissions = [p for p in template.find_resources("AWS::Lambda::Permission").values()
                       if p["Properties"]["Principal"] == "sns.amazonaws.com"]
    assert len(sns_permissions) == 3


def test_only_this_environments_alarms_may_invoke_the_router_directly(prod):
    _, _, template, _ = prod
    [permission] = [p["Properties"] for p in template.find_resources("AWS::Lambda::Permission").values()
                    if p["Properties"]["Principal"] == "lambda.alarms.cloudwatch.amazonaws.com"]
    assert permission["Action"] == "lambda:InvokeFunction"
    assert permission["SourceAccount"] == {"Ref": "AWS::AccountId"}
    source_arn = json.dumps(permission["SourceArn"])
    assert ":cloudwatch:" in source_arn and ":alarm:watchtower-prod-*" in source_arn
    assert "AWS::Region" in source_arn and "AWS::AccountId" in source_arn


def test_flush_queue_ends_each_grouping_window_through_the_router(prod):
    cfg, _, template, _ = prod
    queues = template.find_resources("AWS::SQS::Queue", {"Properties": {"QueueName": "watchtower-prod-alert-router-flush"}})
    [(flush_id, flush)] = queues.items()
    props = flush["Properties"]
    assert props["VisibilityTimeout"] == 6 * cfg.routing.function.timeout_seconds
    assert "KmsMasterKeyId" in props  # the alert path's customer key, not SQS-managed keys
    assert props["RedrivePolicy"]["maxReceiveCount"] == 5
    [mapping] = template.find_resources("AWS::Lambda::EventSourceMapping").values()
    assert mapping["Properties"]["EventSourceArn"] == {"Fn::GetAtt": [flush_id, "Arn"]}
    assert mapping["Properties"]["BatchSize"] == 1
    assert mapping["Properties"]["ScalingConfig"] == {"MaximumConcurrency": 3}
    [function] = template.find_resources("AWS::Lambda::Function").values()
    variables = function["Properties"]["Environment"]["Variables"]
    assert variables["GROUP_WINDOW_SECONDS"] == "30" and variables["FLUSH_QUEUE_URL"] == {"Ref": flush_id}
    assert json.loads(variables["GROUP_CHANNELS"]) == ["slack", "teams", "email"]
    assert variables["ALARM_PREFIX"] == "watchtower-prod-"
    assert sorted(json.loads(variables["SERVICES"])) == sorted(s.name for s in cfg.services)
    assert variables["INHIBIT_WARNINGS_WHILE_PAGED"] == "true" and variables["PAGE_OPEN_MAX_SECONDS"] == "14400"


def test_grouping_off_means_no_flush_queue_and_no_window(tmp_path):
    cfg = load_config("prod")
    cfg = cfg.model_copy(update={"routing": cfg.routing.model_copy(update={
        "grouping": cfg.routing.grouping.model_copy(update={"window_seconds": 0})})})
    app = App(outdir=str(tmp_path))
    alerting = AlertingStack(app, "Alerting", cfg=cfg)
    routing = RoutingStack(app, "Routing", cfg=cfg, topics=alerting.topics, email_topic=alerting.email_topic,
                           ops_topic=alerting.ops_topic, key=alerting.key)
    template = assertions.Template.from_stack(routing)
    template.resource_count_is("AWS::Lambda::EventSourceMapping", 0)
    assert len(template.find_resources("AWS::SQS::Queue")) == 1  # the DLQ only
    [function] = template.find_resources("AWS::Lambda::Function").values()
    assert function["Properties"]["Environment"]["Variables"]["GROUP_WINDOW_SECONDS"] == "0"


def test_iam_is_least_privilege(prod):
    _, _, template, _ = prod
    [policy] = template.find_resources("AWS::IAM::Policy").values()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    actions = sorted(a for s in statements for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"]))
    # the only wildcard actions: the ones SQS needs on the alert key to encrypt dead letters
    wildcards = [s for s in statements if any(a.endswith("*") for a in ([s["Action"]] if isinstance(s["Action"], str)
                                                                         else s["Action"]))]
    assert sorted(a for s in wildcards for a in s["Action"] if a.endswith("*")) == ["kms:GenerateDataKey*",
                                                                                    "kms:ReEncrypt*"]
    parameters = template.to_json()["Parameters"]
    for statement in wildcards:  # ... and only on the alert key, whose ARN CloudFormation reads from SSM
        (ref,) = [statement["Resource"]] if isinstance(statement["Resource"], dict) else statement["Resource"]
        assert parameters[ref["Ref"]]["Default"] == "/watchtower/prod/alerts/key-arn"
    # item-level calls only: de-duplication, storm groups and open pages are single items with conditions
    dynamodb = {a for a in actions if a.startswith("dynamodb:")}
    assert dynamodb == {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:GetItem", "dynamodb:DeleteItem"}
    for statement in statements:
        assert statement["Resource"] != "*"
        if statement["Action"] == "secretsmanager:GetSecretValue":
            joined = json.dumps(statement["Resource"])
            assert joined.count(":secret:watchtower/prod/") == 3 and joined.count("-??????") == 3
    template.resource_properties_count_is("AWS::IAM::Role", {"ManagedPolicyArns": assertions.Match.any_value()}, 0)


def test_health_alarms_notify_the_ops_topic_directly(prod):
    _, routing, template, _ = prod
    alarms = template.find_resources("AWS::CloudWatch::Alarm")
    names = sorted(a["Properties"]["AlarmName"] for a in alarms.values())
    assert names == ["watchtower-prod-alerting-router-DeadLetters-critical",
                     "watchtower-prod-alerting-router-Errors-critical",
                     "watchtower-prod-alerting-router-Throttles-critical"]
    for alarm in alarms.values():
        actions = json.dumps(alarm["Properties"]["AlarmActions"])
        assert ":watchtower-prod-alerts-ops" in actions and "critical" not in actions
        assert alarm["Properties"]["AlarmDescription"].endswith("/docs/runbooks/alert-router.md")
        tags = {t["Key"]: t["Value"] for t in alarm["Properties"]["Tags"]}
        assert (tags["service"], tags["severity"], tags["env"]) == ("alerting", "critical", "prod")
    assert [ref.family for ref in routing.alarm_refs] == ["alert-router"] * 3


def test_code_asset_holds_only_the_router_and_imports_as_lambda_would(prod):
    _, _, template, outdir = prod
    [function] = template.find_resources("AWS::Lambda::Function").values()
    asset_hash = function["Properties"]["Code"]["S3Key"].removesuffix(".zip")
    asset = outdir / f"asset.{asset_hash}"
    assert sorted(p.name for p in asset.iterdir()) == ["alert_router"]
    assert not list(asset.rglob("__pycache__"))
    # The asset directory is the Lambda code root: the handler module must import from there alone.
    probe = "import sys; sys.path.insert(0, sys.argv[1]); import alert_router.app as a; print(callable(a.handler))"
    done = subprocess.run([sys.executable, "-I", "-c", probe, str(asset)], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "True", done.stderr


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_environment_has_a_routing_stack(synth, env):
    templates = synth.templates(env)
    template = templates[f"watchtower-{env}-Routing"]
    functions = [r for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Function"]
    assert [f["Properties"]["FunctionName"] for f in functions] == [f"watchtower-{env}-alert-router"]
    layers = json.dumps(functions[0]["Properties"]["Layers"])
    assert "AWSLambdaPowertoolsPythonV3-python312-arm64" in layers and len(functions[0]["Properties"]["Layers"]) == 2
    assert any(p.get("Default") == f"/watchtower/{env}/observability-layer-arn"
               for p in template.get("Parameters", {}).values())  # the observability layer, read from SSM


def test_observability_layer_is_added_from_its_ssm_parameter(tmp_path):
    cfg = load_config("dev")
    app = App(outdir=str(tmp_path))
    alerting = AlertingStack(app, "Alerting", cfg=cfg)
    routing = RoutingStack(app, "Routing", cfg=cfg, topics=alerting.topics, email_topic=alerting.email_topic,
                           ops_topic=alerting.ops_topic, key=alerting.key,
                           observability_layer_parameter="/watchtower/dev/observability-layer-arn")
    template = assertions.Template.from_stack(routing)
    [function] = template.find_resources("AWS::Lambda::Function").values()
    layers = function["Properties"]["Layers"]
    assert len(layers) == 2 and "AWSLambdaPowertoolsPythonV3" in json.dumps(layers[0])
    parameters = template.to_json()["Parameters"]
    assert any(p.get("Default") == "/watchtower/dev/observability-layer-arn" for p in parameters.values())
