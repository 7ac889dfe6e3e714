"""The example estate (examples/estate/prod.yaml: every resource kind over three services) through the simulator:
every alarm is simulated, normal traffic pages nobody and reaches people at most once a week per service, each
family of the new kinds reaches ALARM in its failure scenario, and a CloudFront 5xx incident pages once, from the
us-east-1 stack, through a topic the home region's router subscribes to.

The estate is synthesized once for this module (tests/synth.py); scenarios run with few seeds (the goals are
the report's, computed the same way).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from config.loader import load_config
from tools.alarmsim.scenarios import judge, run_seed, scenarios
from tools.alarmsim.scenarios.__main__ import environment
from tools.alarmsim.scenarios.verdict import family_goal
from tools.alarmsim.template import alarms_from_templates

ESTATE = Path(__file__).resolve().parents[3] / "examples" / "estate"
SERVICES = ("storefront", "orders", "pipeline")
# Each new family's failure scenario and the alarm (by name part) it must drive to ALARM.
FAILURES = {
    "cdn-5xx": ["E2QWRUHEXAMPLE-HighErrorRate-critical"],
    "stream-consumer-behind": ["pipeline-clicks-StreamConsumerLag-warning"],
    "ingest-throttling": ["pipeline-clicks-StreamWriteThrottles", "pipeline-clicks-StreamPutFailures",
                          "pipeline-archive-FirehoseThrottling"],
    "stream-read-failures": ["pipeline-clicks-StreamReadFailures"],
    "ephemeral-storage-full": ["storefront-web-EphemeralStorage"],
    "db-writer-down": ["orders-db-DatabaseWriterDown-critical"],
    "schedule-throttling": ["pipeline-billing-ScheduleThrottles", "pipeline-billing-ScheduleDlqFailures"],
    "client-errors": ["storefront-chat-Api4xxRate", "storefront-uploads-Bucket4xxRate"],
    "firehose-stalled": ["pipeline-archive-DeliveryFreshness"],
    "unhealthy-targets": ["storefront-storefront-UnhealthyTargets"],
    "lambda-target-errors": ["storefront-storefront-LambdaTargetErrors"],
    "containers-saturated": ["storefront-web-CpuUtilization", "storefront-web-MemoryUtilization"],
    "tasks-crashing": ["storefront-web-RunningTasks-critical"],
    "database-saturated": ["orders-db-CpuUtilization", "orders-db-DatabaseCapacity"],
    "s3-server-errors": ["storefront-uploads-BucketServerErrors"],
    "bucket-bulk-delete": ["pipeline-backups-BucketStorageAnomaly"],
    "schedule-drops": ["pipeline-billing-ScheduleFailures"],
    "pipe-failures": ["pipeline-orders-pipe-PipeFailures"],
    "ses-reputation": ["pipeline-receipts-EmailBounceRate", "pipeline-receipts-EmailComplaintRate",
                       "account-ses-SesBounceRate"],
    "account-concurrency": ["account-lambda-AccountConcurrency"],
    "hard-outage": ["E2QWRUHEXAMPLE-ServiceDown", "storefront-graph-ServiceDown", "storefront-storefront-ServiceDown"],
    "latency-creep": ["E2QWRUHEXAMPLE-Latency", "storefront-graph-Latency", "storefront-chat-Latency",
                      "storefront-storefront-Latency", "orders-rest-POST-orders-Latency"],
}


@pytest.fixture(scope="module")
def estate(tmp_path_factory):
    """The estate's prod synthesized once, and the simulator's view of it."""
    from tests.synth import synthesize

    cfg = load_config("prod", ESTATE)
    result = synthesize("prod", tmp_path_factory.mktemp("estate-prod"), cfg)
    return result, environment("prod", alarms_from_templates(result.templates), cfg)


_BY_SCENARIO = {s.name: s for s in scenarios()}


_RUNS: dict = {}


def _run(env, name: str, seeds: int):
    """Outcomes and verdict of a scenario over ``seeds`` seeds, run once per module."""
    if (name, seeds) not in _RUNS:
        scenario = _BY_SCENARIO[name]
        outcomes = [run_seed(env, scenario, seed) for seed in range(seeds)]
        _RUNS[(name, seeds)] = outcomes, judge(env, scenario, outcomes)
    return _RUNS[(name, seeds)]


def test_every_alarm_of_the_estate_is_simulated(estate):
    # GIVEN the estate's alarms, the pinned us-east-1 stack's included
    result, env = estate
    assert "watchtower-prod-Monitoring-storefront-us-east-1" in result.templates
    # THEN none reads a metric no scenario generates, and the CloudFront alarms are among them
    assert [w for w in env.alarms.warnings if "not simulated" in w] == []
    assert any("E2QWRUHEXAMPLE" in a.name for a in env.alarms.metric_alarms)


def test_normal_traffic_pages_nobody_and_reaches_people_at_most_once_a_week_per_service(estate):
    # GIVEN 7 days of normal, noisy traffic over 3 seeds
    _, env = estate
    outcomes, verdict = _run(env, "normal-7d", 3)
    # THEN no service (nor the monitoring's own machinery) pages in any seed
    assert all(not o.pages for o in outcomes), [o.pages for o in outcomes]
    # AND per service the median of what reaches people is at most 1 a week (the verdict's goals, all met)
    for service in SERVICES:
        assert verdict.stats["services"][service]["people"]["p50"] <= 1, (service, verdict.stats)
    assert verdict.verdict == "pass", verdict.reason


@pytest.mark.parametrize("name", sorted(FAILURES))
def test_each_new_family_reaches_alarm_in_its_failure_scenario(estate, name):
    # GIVEN the failure scenario of a family WHEN it runs THEN the resource's alarm of that family reaches ALARM
    _, env = estate
    outcomes, _ = _run(env, name, 1)
    fired = set().union(*(o.alarms_fired for o in outcomes))
    for part in FAILURES[name]:
        assert any(part in alarm for alarm in fired), (part, sorted(fired))


def test_every_alarm_family_of_the_estate_reaches_alarm_in_some_scenario(estate):
    _, env = estate
    verdicts = [_run(env, s.name, 1)[1] for s in scenarios()]
    goal = family_goal(env, verdicts)
    assert goal.ok, goal.measured


def test_a_cloudfront_5xx_incident_pages_once_through_the_router(estate):
    # GIVEN CloudFront answering 20 % with 5xx (the origin healthy), over 3 seeds
    result, env = estate
    outcomes, verdict = _run(env, "cdn-5xx", 3)
    paging = "watchtower-prod-storefront-us-east-1-Critical-critical"
    composite = next(c for c in env.alarms.composites if c.name == paging)
    for outcome in outcomes:
        # THEN the storefront is paged exactly once, by the us-east-1 stack's paging composite, within 10 minutes
        [(minute, alarm)] = outcome.pages["storefront"]
        assert alarm == composite.name and minute <= 10
        assert set(outcome.pages) == {"storefront"}
    assert verdict.verdict == "pass", verdict.reason
    # AND that composite notifies the region's critical topic, which the home region's alert router subscribes to
    [action] = composite.alarm_actions
    assert action == "arn:aws:sns:us-east-1:123456789012:watchtower-prod-alerts-us-east-1-critical"
    alerting = result.templates["watchtower-prod-Alerting-us-east-1"]["Resources"]
    [topic_id] = [lid for lid, r in alerting.items() if r["Type"] == "AWS::SNS::Topic"
                  and r["Properties"].get("TopicName") == action.rsplit(":", 1)[-1]]
    endpoints = [r["Properties"]["Endpoint"] for r in alerting.values() if r["Type"] == "AWS::SNS::Subscription"
                 and r["Properties"]["TopicArn"] == {"Ref": topic_id} and r["Properties"]["Protocol"] == "lambda"]
    assert endpoints == ["arn:aws:lambda:eu-west-1:123456789012:function:watchtower-prod-alert-router"]
    router = result.templates["watchtower-prod-Routing"]["Resources"]
    assert any(r["Type"] == "AWS::Lambda::Function" and r["Properties"].get("FunctionName") ==
               "watchtower-prod-alert-router" for r in router.values())


def test_a_hard_outage_fires_both_regions_paging_composites_and_pages_once(estate):
    # GIVEN a hard outage of every service, over 2 seeds
    _, env = estate
    outcomes, verdict = _run(env, "hard-outage", 2)
    paging = {c.name for c in env.alarms.composites
              if c.name.startswith("watchtower-prod-storefront-") and c.name.endswith("Critical-critical")}
    assert len(paging) == 2, paging  # the home region's and the us-east-1 stack's
    for outcome in outcomes:
        # THEN both storefront paging composites fire, yet the router merges them into one incident: one page,
        # the later trigger counted among what reaches people (its chat and e-mail)
        assert paging <= outcome.alarms_fired
        assert len(outcome.pages["storefront"]) == 1, outcome.pages["storefront"]
        assert outcome.people.get("storefront", 0) >= 1
    assert verdict.verdict == "pass", verdict.reason
