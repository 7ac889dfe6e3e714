"""Synthetics: canaries on the Python runtime with the handler laid out right, artifacts, alarms, regions."""
from __future__ import annotations

import json
import pytest
from aws_cdk import App, Environment, Stack, aws_sns as sns
from aws_cdk.assertions import Match, Template

from config.loader import ConfigError, load_config
from config.telemetry import CanaryConfig, EndpointCheck, SyntheticsConfig
from stacks.regional_alerting_stack import RegionalAlertingStack
from stacks.synthetics import CANARY_HANDLER
from stacks.synthetics.targets import canary_targets
from stacks.synthetics.alarms import CanaryAlarms
from stacks.synthetics_stack import SyntheticsStack

ORDERS = CanaryConfig(
    base_url="https://orders.example.com/v1", headers_secret="watchtower/prod/orders-canary",
    checks=[EndpointCheck(name="get-order", path="/orders/o-1", json_path="id", json_equals="o-1",
                          latency_budget_ms=1500)],
)


def _cfg(**synthetics):
    """prod's settings without its services, so each test names exactly the canaries it builds."""
    return load_config("prod").model_copy(update={"synthetics": SyntheticsConfig(**synthetics), "services": ()})


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One app: the home-region stack (orders composed, demo direct) and one extra-region stack, synthesized."""
    cfg = _cfg(extra_regions=("us-east-1",))
    outdir = tmp_path_factory.mktemp("synthetics")
    app = App(outdir=str(outdir))
    targets = canary_targets(cfg, supplied_urls={"demo": "https://demo.example.com/"},
                             extra={"orders": ORDERS, "demo": CanaryConfig(schedule_minutes=1)})
    topics_stack = Stack(app, "Topics", env=Environment(account="123456789012", region="eu-west-1"))
    topics = {s: sns.Topic(topics_stack, s) for s in ("critical", "warning", "info")}
    home = SyntheticsStack(app, "Home", cfg=cfg, targets=targets, notify=topics, composed={"orders"},
                           env=Environment(account="123456789012", region="eu-west-1"))
    backbone = RegionalAlertingStack(app, "RegionalAlerting", cfg=cfg, region="us-east-1",
                                     env=Environment(account="123456789012", region="us-east-1"))
    extra = SyntheticsStack(app, "Extra", cfg=cfg, targets=targets, extra_region="us-east-1",
                            notify=backbone.topics, suppressor=backbone.maintenance.alarm,
                            env=Environment(account="123456789012", region="us-east-1"))
    assembly = app.synth()
    return {"home": home, "extra": extra, "outdir": outdir,
            "home_t": Template.from_json(assembly.get_stack_by_name("Home").template),
            "extra_t": Template.from_json(assembly.get_stack_by_name("Extra").template)}


def test_each_canary_runs_python_with_the_handler_and_asset_laid_out_for_synthetics(built):
    # GIVEN the synthesized home stack  THEN every canary uses a Python runtime and canary_handler.handler
    canaries = built["home_t"].find_resources("AWS::Synthetics::Canary")
    assert len(canaries) == 2
    for canary in canaries.values():
        props = canary["Properties"]
        assert props["RuntimeVersion"].startswith("syn-python-selenium-")
        assert props["Code"]["Handler"] == CANARY_HANDLER == "canary_handler.handler"
        # AND the zipped asset holds python/canary_handler.py beside the check module it imports
        asset = built["outdir"] / f"asset.{props['Code']['S3Key'].removesuffix('.zip')}"
        files = {p.relative_to(asset).as_posix() for p in asset.rglob("*.py")}
        assert {"python/canary_handler.py", "python/endpoint_checks.py"} <= files
        assert "def handler(" in (asset / "python" / "canary_handler.py").read_text()
        assert not any("__pycache__" in f for f in files)


def test_checks_schedule_and_secret_reach_the_canary_as_names_only(built):
    template = built["home_t"]
    template.has_resource_properties("AWS::Synthetics::Canary", {
        "Name": "watchtower-prod-orders",
        "Schedule": {"Expression": "rate(5 minutes)", "DurationInSeconds": "0"},
        "RunConfig": Match.object_like({"EnvironmentVariables": Match.object_like(
            {"CANARY_BASE_URL": "https://orders.example.com/v1"})}),
    })
    # A per-service schedule overrides the environment's default (demo: every minute).
    template.has_resource_properties("AWS::Synthetics::Canary", {
        "Name": "watchtower-prod-demo", "Schedule": Match.object_like({"Expression": "rate(1 minute)"})})
    orders = next(c for c in template.find_resources("AWS::Synthetics::Canary").values()
                  if c["Properties"]["Name"] == "watchtower-prod-orders")
    checks = json.loads(orders["Properties"]["RunConfig"]["EnvironmentVariables"]["CANARY_CHECKS"])
    assert [c["path"] for c in checks] == ["/health/live", "/health/ready", "/orders/o-1"]
    assert {c["headers_secret"] for c in checks} == {"watchtower/prod/orders-canary"}
    # AND the role may read exactly that secret (its ARN plus Secrets Manager's 6-character suffix)
    (policy,) = template.find_resources("AWS::IAM::Policy").values()
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Action"] == "secretsmanager:GetSecretValue"
    assert json.dumps(statement["Resource"]).endswith(':secret:watchtower/prod/orders-canary-??????"]]}')


def test_artifacts_bucket_is_encrypted_tls_only_and_expires(built):
    template = built["home_t"]
    template.has_resource_properties("AWS::S3::Bucket", {
        "BucketEncryption": {"ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
        "LifecycleConfiguration": {"Rules": Match.array_with([Match.object_like(
            {"ExpirationInDays": 30, "Status": "Enabled"})])},
        "PublicAccessBlockConfiguration": Match.object_like({"BlockPublicAcls": True}),
    })
    template.has_resource_properties("AWS::S3::BucketPolicy", {"PolicyDocument": {"Statement": Match.array_with([
        Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})])}})


def test_success_alarm_breaches_on_missing_data_and_duration_alarm_uses_the_budgets(built):
    # GIVEN the orders canary as its monitoring stack receives it (by name) / WHEN its alarms are made there
    stack = Stack(App(), "Monitoring")
    CanaryAlarms(stack, "CanaryAlarms", cfg=_cfg(), canary=built["home"].composed["orders"])
    template = Template.from_stack(stack)
    template.has_resource_properties("AWS::CloudWatch::Alarm", {
        "Dimensions": [{"Name": "CanaryName", "Value": "watchtower-prod-orders"}]})
    template.has_resource_properties("AWS::CloudWatch::Alarm", {
        "AlarmName": "watchtower-prod-orders-canary-CanaryFailure-critical",
        "MetricName": "SuccessPercent", "Namespace": "CloudWatchSynthetics",
        "ComparisonOperator": "LessThanThreshold", "Threshold": 100, "TreatMissingData": "breaching",
        "EvaluationPeriods": 2, "DatapointsToAlarm": 2, "Period": 300,
        "AlarmDescription": Match.string_like_regexp(r".*Runbook: https://.*/CanaryFailure\.md$"),
    })
    template.has_resource_properties("AWS::CloudWatch::Alarm", {
        "AlarmName": "watchtower-prod-orders-canary-CanaryLatency-warning", "MetricName": "Duration",
        "ComparisonOperator": "GreaterThanThreshold", "Threshold": 1000 + 2000 + 1500 + 5000,
    })


def test_composed_services_hand_alarms_to_composites_and_others_notify_directly(built):
    home, template = built["home"], built["home_t"]
    # GIVEN orders is composed (its composite acts) and demo is not
    # THEN orders' canary is handed over by name for its monitoring stack to alarm on (beside its composites),
    # while demo's alarms are made here and notify directly
    assert {s: [sev for _, sev in kids] for s, kids in home.children.items()} == {"demo": ["critical", "warning"]}
    assert home.composed["orders"].name == "watchtower-prod-orders"
    alarms = template.find_resources("AWS::CloudWatch::Alarm")
    actions = {a["Properties"]["AlarmName"]: a["Properties"].get("AlarmActions") for a in alarms.values()}
    assert "watchtower-prod-orders-canary-CanaryFailure-critical" not in actions
    assert actions["watchtower-prod-demo-canary-CanaryFailure-critical"]
    assert {r.family for r in home.alarm_refs} == {"CanaryFailure", "CanaryLatency"}


def test_an_extra_region_alarms_to_the_router_through_its_regions_warning_topic(built):
    template = built["extra_t"]
    template.resource_count_is("AWS::Synthetics::Canary", 2)
    # GIVEN the region's own alert topics and switch, made in its Alerting-<region> stack and found by name
    template.resource_count_is("AWS::SNS::Topic", 0)
    warning = "arn:aws:sns:us-east-1:123456789012:watchtower-prod-alerts-us-east-1-warning"
    switch = "watchtower-prod-all-maintenance-us-east-1-Maintenance-info"
    # THEN the canary's alarms roll up into one composite there, which notifies the region's warning topic (ALARM
    # and OK; the home router subscribes to it) and is held by that region's maintenance switch
    template.has_resource_properties("AWS::CloudWatch::Alarm", {
        "AlarmName": "watchtower-prod-orders-canary-us-east-1-CanaryFailure-critical", "AlarmActions": Match.absent()})
    composite = template.find_resources("AWS::CloudWatch::CompositeAlarm", {"Properties": {
        "AlarmName": "watchtower-prod-orders-canary-us-east-1-Canary-critical"}})
    (props,) = [c["Properties"] for c in composite.values()]
    rendered = json.dumps(props)
    assert json.dumps(props["AlarmActions"]) == json.dumps(props["OKActions"])
    assert warning.split(":")[-1] in json.dumps(props["AlarmActions"]) and "alerts-us-east-1-warning" in rendered
    assert switch in json.dumps(props["ActionsSuppressor"])
    assert props["ActionsSuppressorExtensionPeriod"] == 60
    # AND nothing there e-mails anyone directly any more (the region's ops topic does, for undelivered alerts)
    template.resource_count_is("AWS::SNS::Subscription", 0)


def test_a_canary_without_any_url_is_one_config_error_line():
    cfg = _cfg()
    with pytest.raises(ConfigError) as error:
        canary_targets(cfg, extra={"demo": CanaryConfig()})
    assert error.value.lines == [
        "services.demo.canary.base_url: required (https://host[/prefix] of the service)"]


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_environments_run_a_canary_for_every_service_that_configures_one(synth, env):
    cfg = synth.app_config(env)
    wanted = {f"{cfg.app}-{cfg.env}-{s.name}" for s in cfg.services if s.canary}
    if cfg.demo_service:  # the dev demo service's health endpoints, checked through its API's URL
        wanted.add(f"{cfg.app}-{cfg.env}-demo")
    names = {c["Properties"]["Name"] for c in synth.result(env).resources("AWS::Synthetics::Canary").values()}
    extra = len(cfg.synthetics.extra_regions)
    assert set(names) == wanted
    assert len(synth.result(env).resources("AWS::Synthetics::Canary")) == len(wanted) * (1 + extra)


def test_prod_canary_alarms_feed_the_orders_composites_and_breach_when_silent(synth):
    # GIVEN prod, whose orders service configures a canary
    templates = synth.templates("prod")
    alarms = {r["Properties"]["AlarmName"]: (key, r) for key, r in
              synth.result("prod").resources("AWS::CloudWatch::Alarm").items()}
    key, failure = alarms["watchtower-prod-orders-canary-CanaryFailure-critical"]
    # THEN the failure alarm treats a silent canary as failing, and acts only through the composite, whose stack
    # it shares (so a severity change or a removed canary updates alarm and composite together)
    assert key.startswith("watchtower-prod-Monitoring-orders/")
    assert failure["Properties"]["Dimensions"] == [{"Name": "CanaryName", "Value": "watchtower-prod-orders"}]
    assert failure["Properties"]["TreatMissingData"] == "breaching"
    assert "AlarmActions" not in failure["Properties"]
    logical_id = key.split("/", 1)[1]
    composites = {r["Properties"]["AlarmName"]: r["Properties"]["AlarmRule"]
                  for r in templates["watchtower-prod-Monitoring-orders"]["Resources"].values()
                  if r["Type"] == "AWS::CloudWatch::CompositeAlarm"}
    critical_rule = json.dumps(composites["watchtower-prod-orders-service-Critical-critical"])
    warning_rule = json.dumps(composites["watchtower-prod-orders-service-Warning-warning"])
    # (the same stack: the composites name the alarms by their own ARNs, no export involved)
    assert f'{{"Fn::GetAtt": ["{logical_id}", "Arn"]}}' in critical_rule
    latency_id = alarms["watchtower-prod-orders-canary-CanaryLatency-warning"][0].split("/", 1)[1]
    assert f'{{"Fn::GetAtt": ["{latency_id}", "Arn"]}}' in warning_rule
    assert "Fn::ImportValue" not in critical_rule + warning_rule
    # AND the us-east-1 copy alarms to its own region's warning topic, through the composite its switch holds
    regional = synth.result("prod").resources("AWS::CloudWatch::CompositeAlarm")
    assert any(r["Properties"]["AlarmName"] == "watchtower-prod-orders-canary-us-east-1-Canary-critical"
               and "watchtower-prod-alerts-us-east-1-warning" in json.dumps(r["Properties"]["AlarmActions"])
               and r["Properties"]["ActionsSuppressor"] for r in regional.values())


@pytest.mark.parametrize("partition_literals", [True, False])
def test_canary_acknowledgements_match_with_and_without_cdk_json_partition_literals(tmp_path, partition_literals):
    # GIVEN the app context the CLI reads from cdk.json (partition written as 'aws') or a bare App (a token)
    from stacks.nag import enable_nag
    app = App(outdir=str(tmp_path), context={"@aws-cdk/core:enablePartitionLiterals": partition_literals})
    cfg = _cfg()
    SyntheticsStack(app, "Home", cfg=cfg, targets=canary_targets(cfg, extra={"orders": ORDERS}),
                    env=Environment(account="123456789012", region="eu-west-1"))
    enable_nag(app)
    # WHEN synthesized with cdk-nag  THEN nothing is left unacknowledged (a violation raises)
    app.synth()
    report = json.loads((tmp_path / "validation-report.json").read_text())
    assert [v for p in report["pluginReports"] for v in p["violations"]] == []
