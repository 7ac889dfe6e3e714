"""ServiceAlarms on a bare Stack: the default alarm set per resource kind, with exact counts."""
from __future__ import annotations

from collections import Counter

import pytest
from aws_cdk import App, Stack, aws_sns as sns
from aws_cdk.assertions import Template

from config.loader import load_config
from config.services import ServiceConfig
from stacks.monitoring.service_alarms import ServiceAlarms

CFG = load_config("prod")


def synth_alarms(resources: dict, overrides: dict | None = None) -> tuple[Template, list]:
    stack = Stack(App(), "Test")
    service = ServiceConfig(name="svc", resources=resources, overrides=overrides or {})
    alarms = ServiceAlarms(stack, "Alarms", cfg=CFG, service=service, resources=service.resources,
                           info_topic=sns.Topic(stack, "Info"))
    return Template.from_stack(stack), alarms.created


def families(created) -> Counter:
    return Counter(f"{c.ref.family}.{c.severity}" for c in created)


FUNCTION_DEFAULT = {"ServiceDown.critical": 1, "QuietOutage.critical": 1, "HighErrorRate.critical": 1, "HighErrorRate.warning": 1,
                    "Latency.critical": 1, "Latency.warning": 1, "MemoryPressure.warning": 1,
                    "ColdStarts.warning": 1, "Throttles.warning": 1, "ErrorLogs.warning": 1}
API_DEFAULT = {"ServiceDown.critical": 1, "QuietOutage.critical": 1, "HighErrorRate.critical": 1, "HighErrorRate.warning": 1,
               "Latency.critical": 1, "Latency.warning": 1, "Api4xxRate.warning": 1, "TrafficDrop.warning": 1}


@pytest.mark.parametrize(("resources", "expected"), [
    ({"functions": ["fn"]}, FUNCTION_DEFAULT),
    ({"functions": [{"name": "fn", "timeout_seconds": 10, "stream_source": True, "async_invoked": True}]},
     {**FUNCTION_DEFAULT, "DurationNearTimeout.warning": 1, "IteratorAge.warning": 1, "AsyncFailures.warning": 1}),
    ({"rest_apis": ["api"]}, API_DEFAULT),
    ({"http_apis": [{"name": "api", "api_id": "a1b2c3d4e5"}]}, API_DEFAULT),
    ({"tables": ["t"]}, {"DatabaseThrottling.critical": 1}),
    ({"queues": ["q"]}, {"QueueMessageAge.warning": 1}),
    ({"queues": [{"name": "q", "dlq": "q-dlq"}]}, {"QueueMessageAge.warning": 1, "DlqDepth.warning": 1}),
    ({"state_machines": ["sm"]}, {"StepFunctionsFailures.warning": 1}),
    ({"event_rules": ["rule"]}, {"EventDeliveryFailures.warning": 1}),
    ({"topics": ["topic"]}, {"NotificationFailures.warning": 1}),
])
def test_default_alarm_set_per_resource_kind(resources, expected):
    # GIVEN one resource of a kind WHEN its alarms are built
    template, created = synth_alarms(resources)
    # THEN exactly the catalog's alarms exist, in the template as well as in the returned list
    assert dict(families(created)) == expected
    template.resource_count_is("AWS::CloudWatch::Alarm", sum(expected.values()))
    filters = 1 if "ErrorLogs.warning" in expected else 0
    template.resource_count_is("AWS::Logs::MetricFilter", filters)


def test_disabling_and_overriding_change_the_template():
    # GIVEN a function whose service disables ColdStarts and lowers the Latency warning
    template, created = synth_alarms(
        {"functions": [{"name": "fn", "overrides": {"ErrorLogs": {"enabled": False}}}]},
        overrides={"ColdStarts": {"enabled": False}, "Latency.warning": {"threshold": 2500}})
    # THEN those alarms are gone (and the ERROR-log filter with its alarm) and the threshold changed
    assert "ColdStarts.warning" not in families(created) and "ErrorLogs.warning" not in families(created)
    template.resource_count_is("AWS::CloudWatch::Alarm", len(FUNCTION_DEFAULT) - 2)
    template.resource_count_is("AWS::Logs::MetricFilter", 0)
    template.has_resource_properties("AWS::CloudWatch::Alarm", {
        "AlarmName": "watchtower-prod-svc-fn-Latency-warning", "Threshold": 2500})


def test_duration_near_timeout_compares_milliseconds_of_the_timeout():
    template, _ = synth_alarms({"functions": [{"name": "fn", "timeout_seconds": 20}]})
    template.has_resource_properties("AWS::CloudWatch::Alarm", {
        "AlarmName": "watchtower-prod-svc-fn-DurationNearTimeout-warning", "Threshold": 18000,
        "ExtendedStatistic": "p99", "EvaluateLowSampleCountPercentile": "ignore"})


def test_traffic_drop_is_an_anomaly_band_alarm_on_api_count():
    template, _ = synth_alarms({"rest_apis": ["api"]})
    alarm = next(r["Properties"] for r in template.find_resources("AWS::CloudWatch::Alarm").values()
                 if r["Properties"]["AlarmName"].endswith("TrafficDrop-warning"))
    assert alarm["ComparisonOperator"] == "LessThanLowerThreshold"
    band = next(m for m in alarm["Metrics"] if "Expression" in m)
    assert band["Expression"].startswith("ANOMALY_DETECTION_BAND(") and band["Id"] == alarm["ThresholdMetricId"]


def test_children_notify_only_the_info_topic():
    template, _ = synth_alarms({"tables": ["t"]})
    (alarm,) = template.find_resources("AWS::CloudWatch::Alarm").values()
    (action,) = alarm["Properties"]["AlarmActions"]
    assert action == {"Ref": next(iter(template.find_resources("AWS::SNS::Topic")))}
