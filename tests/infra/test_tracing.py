"""X-Ray: sampling rules within the service's limits, groups with insights, insight events to the warning topic."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from aws_cdk import App, Stack, aws_sns as sns
from aws_cdk.assertions import Match, Template
from hypothesis import given, settings, strategies as st

from config.loader import load_config
from config.telemetry import TracingConfig, TracingDefaults
from stacks.tracing import short_name
from stacks.tracing_stack import TracingStack


def _service(name, tracing=TracingConfig(), apis=(("orders-api", "prod"),), slo_ms=800):
    return SimpleNamespace(
        name=name, tracing=tracing, slo=SimpleNamespace(latency_threshold_ms=slo_ms),
        resources=SimpleNamespace(rest_apis=[SimpleNamespace(name=a, stage=s) for a, s in apis], functions=[]))


def _template(services, **tracing_defaults) -> Template:
    cfg = load_config("prod")
    if tracing_defaults:
        cfg = cfg.model_copy(update={"tracing": TracingDefaults(**tracing_defaults)})
    app = App()
    topic = sns.Topic(Stack(app, "Alerting"), "Warning")
    return Template.from_stack(TracingStack(app, "Tracing", cfg=cfg, services=services, warning_topic=topic))


def _assert_within_limits(rule: dict) -> None:
    props = rule["Properties"]["SamplingRule"]
    assert 1 <= props["Priority"] <= 9999
    assert 0 <= props["FixedRate"] <= 1
    assert props["ReservoirSize"] >= 0
    assert 1 <= len(props["RuleName"]) <= 32
    assert props["Version"] == 1
    assert len(props["ServiceName"]) <= 64
    for key in ("Host", "HTTPMethod", "URLPath", "ResourceARN", "ServiceType"):
        assert key in props


def test_default_sampling_is_ten_percent_with_a_small_reservoir_on_the_api_stage():
    template = _template([_service("orders")])
    template.has_resource_properties("AWS::XRay::SamplingRule", {"SamplingRule": Match.object_like({
        "FixedRate": 0.1, "ReservoirSize": 1, "ServiceName": "orders-api/prod",
        "ServiceType": "AWS::ApiGateway::Stage"})})
    for rule in template.find_resources("AWS::XRay::SamplingRule").values():
        _assert_within_limits(rule)


def test_debug_samples_everything_and_outranks_default_rules():
    template = _template([_service("orders", TracingConfig(debug=True)), _service("payments", apis=[("pay", "v1")])])
    rules = {r["Properties"]["SamplingRule"]["ServiceName"]: r["Properties"]["SamplingRule"]
             for r in template.find_resources("AWS::XRay::SamplingRule").values()}
    assert rules["orders-api/prod"]["FixedRate"] == 1.0
    assert rules["pay/v1"]["FixedRate"] == 0.1
    assert rules["orders-api/prod"]["Priority"] < rules["pay/v1"]["Priority"]


def test_environment_debug_switch_applies_to_every_service():
    template = _template([_service("orders"), _service("payments", apis=[("pay", "v1")])], debug=True)
    rates = {r["Properties"]["SamplingRule"]["FixedRate"]
             for r in template.find_resources("AWS::XRay::SamplingRule").values()}
    assert rates == {1.0}


def test_each_service_gets_error_fault_and_slow_groups_with_insights_and_notifications():
    template = _template([_service("orders", slo_ms=800)])
    groups = template.find_resources("AWS::XRay::Group")
    filters = sorted(g["Properties"]["FilterExpression"] for g in groups.values())
    assert filters == ['annotation.Service = "orders" AND error = true',
                       'annotation.Service = "orders" AND fault = true',
                       'annotation.Service = "orders" AND responsetime > 0.8']  # the latency SLO's 800 ms
    for group in groups.values():
        assert group["Properties"]["InsightsConfiguration"] == {"InsightsEnabled": True, "NotificationsEnabled": True}
        assert len(group["Properties"]["GroupName"]) <= 32


def test_insight_events_go_to_the_warning_topic():
    template = _template([])
    template.has_resource_properties("AWS::Events::Rule", {
        "EventPattern": {"source": ["aws.xray"], "detail-type": ["AWS X-Ray Insight Update"]},
        "Targets": [Match.object_like({"Arn": Match.any_value()})]})


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=80))
def test_short_names_fit_and_stay_distinct(text):
    name = short_name(f"watchtower-prod-{text}")
    assert len(name) <= 32
    assert name == short_name(f"watchtower-prod-{text}")
    if len(f"watchtower-prod-{text}") > 32:
        assert name != short_name(f"watchtower-prod-{text}x")


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_environment_sampling_rules_and_groups(synth, env):
    cfg = synth.app_config(env)
    result = synth.result(env)
    for rule in result.resources("AWS::XRay::SamplingRule").values():
        _assert_within_limits(rule)
    # The demo service (one REST stage, three groups) is added when config does not list it itself.
    demo = 1 if cfg.demo_service and "demo" not in {s.name for s in cfg.services} else 0
    rest_stages = sum(len(getattr(getattr(s, "resources", None), "rest_apis", ())) for s in cfg.services)
    assert len(result.resources("AWS::XRay::SamplingRule")) == rest_stages + demo
    groups = result.resources("AWS::XRay::Group")
    assert len(groups) == 3 * (sum(1 for s in cfg.services if s.tracing.groups) + demo)
    assert all(g["Properties"]["InsightsConfiguration"]["InsightsEnabled"] for g in groups.values())


def test_the_demo_service_is_actively_traced_end_to_end(synth):
    # GIVEN dev, which deploys the demo service  THEN its function traces actively and its API stage traces too
    result = synth.result("dev")
    functions = [r["Properties"] for k, r in result.resources("AWS::Lambda::Function").items()
                 if k.startswith("watchtower-dev-DemoService/") and r["Properties"].get("FunctionName") ==
                 "watchtower-dev-demo-api"]
    assert [f["TracingConfig"] for f in functions] == [{"Mode": "Active"}]
    stages = [r["Properties"] for k, r in result.resources("AWS::ApiGateway::Stage").items()
              if k.startswith("watchtower-dev-DemoService/")]
    assert stages and all(s["TracingEnabled"] is True for s in stages)
    # AND dev's debug switch samples every demo request at the stage
    rules = [r["Properties"]["SamplingRule"] for r in result.resources("AWS::XRay::SamplingRule").values()]
    assert [(r["ServiceName"], r["FixedRate"]) for r in rules] == [("watchtower-dev-demo-api/live", 1.0)]
