"""Logs: retention on every monitored log group, the archive path, insights rules, saved queries; no metric filter
that nothing reads."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from aws_cdk import App
from aws_cdk.assertions import Match, Template

from config.loader import load_config
from config.schema import LOG_RETENTION_DAYS
from stacks.logs import SAVED_QUERIES, monitored_functions, retention_days_enum
from stacks.logs_stack import LogsStack

FUNCTIONS = [SimpleNamespace(name="orders-create", log_group=None),
             SimpleNamespace(name="orders-get", log_group="/custom/orders-get")]


@pytest.fixture(scope="module")
def template() -> Template:
    cfg = load_config("prod")
    service = SimpleNamespace(name="orders", resources=SimpleNamespace(functions=FUNCTIONS))
    return Template.from_stack(LogsStack(App(), "Logs", cfg=cfg, services=[service]))


def test_retention_is_set_on_every_monitored_log_group(template):
    groups = {r["Properties"]["LogGroupName"]: r["Properties"]["RetentionInDays"]
              for r in template.find_resources("Custom::LogRetention").values()}
    assert groups == {"/aws/lambda/orders-create": 30, "/custom/orders-get": 30}


def test_every_allowed_retention_maps_to_the_same_number_of_days():
    # The enum names are hand-mapped; synthesizing each proves the number CloudFormation receives.
    from aws_cdk import Stack, aws_logs as logs
    stack = Stack(App(), "Check")
    for days in LOG_RETENTION_DAYS:
        logs.LogRetention(stack, f"R{days}", log_group_name=f"/g/{days}", retention=retention_days_enum(days))
    got = {r["Properties"]["LogGroupName"]: r["Properties"]["RetentionInDays"]
           for r in Template.from_stack(stack).find_resources("Custom::LogRetention").values()}
    assert got == {f"/g/{d}": d for d in LOG_RETENTION_DAYS}


def test_archive_path_runs_from_each_group_through_firehose_to_a_lifecycled_bucket(template):
    streams = template.find_resources("AWS::KinesisFirehose::DeliveryStream")
    (stream_id, stream), = streams.items()
    s3 = stream["Properties"]["ExtendedS3DestinationConfiguration"]
    assert s3["Prefix"].startswith("logs/")
    assert stream["Properties"]["DeliveryStreamEncryptionConfigurationInput"]["KeyType"] == "AWS_OWNED_CMK"
    subscriptions = template.find_resources("AWS::Logs::SubscriptionFilter")
    assert sorted(s["Properties"]["LogGroupName"] for s in subscriptions.values()) == [
        "/aws/lambda/orders-create", "/custom/orders-get"]
    assert all(s["Properties"]["DestinationArn"] == {"Fn::GetAtt": [stream_id, "Arn"]} for s in subscriptions.values())
    template.has_resource_properties("AWS::S3::Bucket", {"LifecycleConfiguration": {"Rules": [Match.object_like({
        "Transitions": [{"StorageClass": "GLACIER_IR", "TransitionInDays": 30}], "ExpirationInDays": 365})]},
        "LoggingConfiguration": Match.object_like({"LogFilePrefix": "archive/"})})


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_every_metric_a_log_filter_publishes_is_read_by_an_alarm_or_a_dashboard(synth, env):
    # GIVEN every synthesized template of the environment
    templates = synth.templates(env)
    readers = json.dumps([resource for template in templates.values()
                          for resource in template.get("Resources", {}).values()
                          if resource["Type"] in ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::Dashboard")])
    # WHEN the metrics its metric filters publish are listed
    published = {(t["MetricNamespace"], t["MetricName"]) for template in templates.values()
                 for resource in template.get("Resources", {}).values() if resource["Type"] == "AWS::Logs::MetricFilter"
                 for t in resource["Properties"]["MetricTransformations"]}
    # THEN each one is named by an alarm or a dashboard: a custom metric nobody reads only costs money
    unread = sorted(metric for metric in published if not all(json.dumps(part)[1:-1] in readers for part in metric))
    assert not unread, unread


def test_contributor_insights_rank_error_fingerprints_and_callers(template):
    bodies = {r["Properties"]["RuleName"]: json.loads(r["Properties"]["RuleBody"])
              for r in template.find_resources("AWS::CloudWatch::InsightRule").values()}
    fingerprints = bodies["watchtower-prod-orders-top-error-fingerprints"]
    assert fingerprints["Contribution"]["Keys"][0] == "$.error_fingerprint"
    assert fingerprints["LogGroupNames"] == ["/aws/lambda/orders-create", "/custom/orders-get"]
    assert bodies["watchtower-prod-orders-top-callers-by-errors"]["Contribution"]["Keys"] == ["$.user"]


def test_saved_queries_cover_errors_slowest_correlation_and_cold_starts(template):
    queries = {q["Properties"]["Name"]: q["Properties"]
               for q in template.find_resources("AWS::Logs::QueryDefinition").values()}
    assert set(queries) == {f"watchtower/prod/orders/{title}" for title in SAVED_QUERIES}
    by_id = queries["watchtower/prod/orders/Request by correlation id"]
    assert "{{correlationId}}" in by_id["QueryString"]
    assert by_id["Parameters"][0]["Name"] == "correlationId"
    assert "sort @duration desc" in queries["watchtower/prod/orders/Slowest requests"]["QueryString"]


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_environment_retention_covers_every_monitored_function(synth, env):
    cfg = synth.app_config(env)
    result = synth.result(env)
    demo_group = f"/aws/lambda/{cfg.app}-{env}-demo-api"
    wanted = {f.log_group for s in cfg.services for f in monitored_functions(s.name, getattr(s, "resources", None))}
    wanted.discard(demo_group)  # created, with retention, by the demo stack
    # Only the Logs stack's retention: other stacks (demo, router) set retention on the groups they create.
    got = {r["Properties"]["LogGroupName"]: r["Properties"]["RetentionInDays"]
           for key, r in result.resources("Custom::LogRetention").items() if key.startswith(f"{cfg.app}-{env}-Logs/")}
    assert set(got) == wanted
    assert set(got.values()) <= {cfg.log_retention_days}
    services = {s.name for s in cfg.services if monitored_functions(s.name, getattr(s, "resources", None))}
    archived = {s["Properties"]["LogGroupName"] for s in result.resources("AWS::Logs::SubscriptionFilter").values()}
    if cfg.demo_service:
        # The demo's group is created, with retention, by the demo stack; the Logs stack adds the rest.
        assert any(r["Properties"].get("LogGroupName") == demo_group and
                   r["Properties"].get("RetentionInDays") == cfg.log_retention_days
                   for r in result.resources("AWS::Logs::LogGroup").values())
        assert demo_group not in got and demo_group in archived
        services.add("demo")
    assert wanted <= archived
    queries = result.resources("AWS::Logs::QueryDefinition")
    assert len(queries) == len(SAVED_QUERIES) * len(services)
