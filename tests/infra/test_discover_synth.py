"""Discovered by tag = listed by hand: the lock make discover writes (moto, three accounts, two regions)
synthesizes to the same alarms as the same services listed by hand.

Both environments are built into one CDK app and synthesized together (one synth, not two): they differ only in
their app name (``wtlock``, ``wthand``, of one length so no name is truncated differently), which is swapped
before the alarms are compared.
"""
from __future__ import annotations

import json

import pytest
from aws_cdk import App
from moto import mock_aws

from config.loader import load_config
from stacks.environment import build_environment
from tests.synth import cdk_json_context
from tests.unit.discover.envs import org_env
from tests.unit.discover.moto_world import build_world, list_missing_kinds
from tools.discover.__main__ import main

BY_HAND = [
    {"name": "orders", "account": "shop", "resources": {
        "functions": [{"name": "orders-api", "timeout_seconds": 30},
                      {"name": "orders-stream", "timeout_seconds": 120, "stream_source": True},
                      {"name": "orders-worker", "timeout_seconds": 300, "async_invoked": True}],
        "rest_apis": [{"name": "orders-rest", "stage": "prod"}],
        "tables": ["orders"],
        "queues": [{"name": "orders-jobs", "dlq": "orders-jobs-dlq"}],
        "state_machines": ["orders-checkout"],
        "event_rules": [{"name": "orders-placed", "event_bus": "orders-bus"}],
        "topics": ["orders-notices"]}},
    {"name": "payments", "account": "payments", "region": "eu-west-1", "resources": {
        "functions": [{"name": "payments-api", "timeout_seconds": 20},
                      {"name": "payments-notify", "timeout_seconds": 60, "async_invoked": True}],
        "http_apis": [{"name": "payments-http", "api_id": "pay0http01"}],
        "queues": [{"name": "payments-settle", "dlq": "payments-dlq"}],
        "event_rules": ["payments-nightly"]}},
    {"name": "search", "account": "search", "slo": None, "resources": {
        "functions": [{"name": "search-query", "timeout_seconds": 15}], "tables": ["search-index"]}},
]
ALARM_TYPES = ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm")


@pytest.fixture
def world(monkeypatch):
    """moto with the tagged resources of three services over three accounts and two regions."""
    with mock_aws():
        list_missing_kinds(monkeypatch)
        yield build_world()


def alarms(outdir, app_name: str) -> dict[str, dict]:
    """Every alarm of the app's stacks by its name, the app name replaced by a placeholder."""
    found = {}
    for path in sorted(outdir.glob(f"{app_name}-*.template.json")):
        text = path.read_text().replace(app_name, "APP")
        for resource in json.loads(text).get("Resources", {}).values():
            if resource["Type"] in ALARM_TYPES:
                properties = resource["Properties"]
                found[json.dumps(properties["AlarmName"], sort_keys=True)] = properties
    return found


def test_discovered_lock_synthesizes_to_the_alarms_of_the_same_services_listed_by_hand(world, tmp_path):
    # GIVEN the services discovered by make discover from moto, and the same services listed by hand
    discovered_dir, by_hand_dir = tmp_path / "discovered-config", tmp_path / "by-hand-config"
    assert main([str(org_env(discovered_dir, app="wtlock"))]) == 0
    org_env(by_hand_dir, services=BY_HAND, app="wthand")
    discovered, by_hand = load_config("lab", discovered_dir), load_config("lab", by_hand_dir)
    # WHEN both are synthesized (one app, one synth)
    outdir = tmp_path / "out"
    app = App(outdir=str(outdir), context=cdk_json_context())
    build_environment(app, discovered)
    build_environment(app, by_hand)
    app.synth()
    # THEN they have the same alarms: names, metrics, thresholds, actions, everything
    from_lock, listed = alarms(outdir, "wtlock"), alarms(outdir, "wthand")
    assert len(listed) > 40  # every service got its alarms, in its account's and region's stacks
    assert sorted(from_lock) == sorted(listed)
    assert from_lock == listed
    # AND the discovered facts made their alarms: timeouts, the stream consumer, async failures, the DLQ
    names = " ".join(listed)
    for part in ("orders-api-DurationNearTimeout", "orders-stream-IteratorAge", "orders-worker-AsyncFailures",
                 "payments-notify-AsyncFailures", "payments-http", "search-index", "orders-checkout",
                 "orders-placed", "orders-notices"):
        assert part in names, part
    dlq_alarms = [json.dumps(p) for name, p in listed.items() if "orders-jobs-DlqDepth" in name]
    assert dlq_alarms and all('"orders-jobs-dlq"' in alarm for alarm in dlq_alarms)
