"""Incident scenarios: the traffic they generate, what a scenario expects, and how outcomes are judged."""
from __future__ import annotations

import math

import numpy as np
import pytest

from tools.alarmsim.scenarios import Environment, judge, scenarios
from tools.alarmsim.scenarios.__main__ import environment
from tools.alarmsim.scenarios.catalog import (EITHER, NO_PAGE, PAGE, Scenario, ServiceInfo, _burn_target,
                                              spike_expectation)
from tools.alarmsim.scenarios.runner import ONSET, WARMUP_MINUTES, SeedOutcome, generate, notification_class
from tools.alarmsim.scenarios.traffic import Condition, PROD, Streams, generate_metric
from tools.alarmsim.scenarios.verdict import percentile
from tools.alarmsim.series import MetricKey
from tools.alarmsim.template import alarms_from_templates

BY_NAME = {scenario.name: scenario for scenario in scenarios()}
LAMBDA = {"FunctionName": "orders-create"}


def _metric(name: str, namespace: str = "AWS/Lambda", dims: dict | None = None) -> MetricKey:
    return MetricKey.of(namespace, name, LAMBDA if dims is None else dims)


# --- traffic ---------------------------------------------------------------------------------------------------

def test_errors_never_exceed_invocations_and_follow_the_error_ratio():
    # GIVEN a day of a 20 % error spike on one function
    streams, conditions = Streams(ONSET, 1440, PROD, seed=7, label="t"), [Condition(error_ratio=0.2)] * 1440
    # WHEN its Errors and Invocations are generated
    errors = generate_metric(_metric("Errors"), "orders", streams, conditions)
    calls = generate_metric(_metric("Invocations"), "orders", streams, conditions)
    # THEN every minute's errors fit in its invocations and the overall rate is near 20 %
    assert (errors.total <= calls.total).all() and calls.total.sum() > 100_000
    assert 0.19 < errors.total.sum() / calls.total.sum() < 0.21


def test_router_state_machines_and_cost_checker_get_their_own_volume():
    # GIVEN a day of service traffic that doubles (an incident's traffic must not reach the router)
    streams, busy = Streams(ONSET, 1440, PROD, seed=3, label="t"), [Condition(traffic=2.0)] * 1440
    service = generate_metric(_metric("Invocations"), "orders", streams, busy)
    router = generate_metric(_metric("Invocations", dims={"FunctionName": "watchtower-prod-alert-router"}),
                             "alerting", streams, busy)
    sm = generate_metric(_metric("ExecutionsStarted", "AWS/States", {"StateMachineArn": "arn:sm"}), "orders",
                         streams, busy)
    cost = generate_metric(_metric("EstimatedHourlyCost", "Watchtower/Cost", {"Scope": "account"}), "cost",
                           streams, busy)
    # THEN the router sees a few notifications a minute at most, state machines a few % of the requests,
    # and the cost checker publishes one sample an hour
    assert router.total.sum() < 0.001 * service.total.sum() and router.total.max() <= 6
    assert 0.01 < sm.total.sum() / service.total.sum() < 0.06
    assert int(cost.count.sum()) == 24


def test_events_that_happen_only_on_failure_are_not_published_when_healthy():
    # GIVEN healthy traffic WHEN DynamoDB throttles, async failures and cold starts are generated
    streams, healthy = Streams(ONSET, 600, PROD, seed=1, label="t"), [Condition()] * 600
    throttles = generate_metric(_metric("ReadThrottleEvents", "AWS/DynamoDB", {"TableName": "orders"}), "orders",
                                streams, healthy)
    dropped = generate_metric(_metric("AsyncEventsDropped"), "orders", streams, healthy)
    # THEN nothing is published (missing data, as CloudWatch would hold it)
    assert throttles.count.sum() == 0 and dropped.count.sum() == 0


def test_hanging_invocations_run_until_the_configured_timeout():
    # GIVEN 5 % of invocations hanging on a function with a 6 s timeout
    streams = Streams(ONSET, 60, PROD, seed=2, label="t")
    duration = generate_metric(_metric("Duration"), "orders", streams, [Condition(hang_ratio=0.05)] * 60,
                               timeouts_ms={"orders-create": 6000.0})
    # THEN the slowest point of every busy minute is the timeout and it carries 5 % of the weight
    assert (duration.maximum[duration.count > 0] == 6000.0).all()
    assert abs(duration.weights[:, -1].sum() / duration.weights.sum() - 0.05) < 1e-9


def test_history_reaches_back_three_days_and_an_hour(synth):
    # GIVEN prod's alarms WHEN a short scenario generates its series
    env = environment("prod", alarms_from_templates(synth.templates("prod")), synth.app_config("prod"))
    store = generate(env, BY_NAME["hard-outage"], 0, ONSET, {"orders"})
    span = store.span()
    read = {metric.key for alarm in env.alarms.metric_alarms for metric in alarm.metrics()}
    # THEN the data starts at least the longest SLO window (3 days) plus an hour before the onset, and only
    # metrics the alarms read are generated
    assert ONSET - span[0] >= WARMUP_MINUTES >= 3 * 1440 + 60
    assert set(store.keys()) <= read


# --- expectations and targets -----------------------------------------------------------------------------------

def test_a_spike_is_a_page_only_where_it_is_an_incident_for_the_objective():
    # GIVEN 5 % errors for 30 min WHEN judged against 99.9 % and 99 % objectives
    expect = spike_expectation(0.05, 30)
    # THEN it pages at 99.9 % (50x burn) and not at 99 % (5x burn); a service without an SLO is not judged
    assert expect(ServiceInfo("a", availability=99.9)) == PAGE
    assert expect(ServiceInfo("b", availability=99.0)) == NO_PAGE
    assert expect(ServiceInfo("c", availability=None)) == EITHER


@pytest.mark.parametrize("burn,target", [(100.0, 12.0), (36.0, 27.0), (15.84, 58.0), (6.6, 330.0), (3.3, None)])
def test_burn_targets_are_the_window_times_factor_over_burn_plus_three_minutes(burn, target):
    # GIVEN a burn WHEN its target is taken THEN it is W*f/b + 3 of the pair that should catch it (1 h x 14.4,
    # 6 h x 6), to the nearest minute, and a burn below 1.1x the slow page factor has none
    assert _burn_target(burn)(ServiceInfo("a")) == target


def test_every_burn_sits_above_its_factor_not_on_it():
    # GIVEN the burn scenarios THEN none of them sits exactly on a factor of the workbook's windows
    burns = [s.burn for s in scenarios() if s.burn is not None]
    assert {100.0, 36.0, 15.84, 6.6, 3.3, 2.0, 1.1} <= set(burns)
    assert not {14.4, 6.0, 3.0, 1.0} & set(burns)


# --- the verdict ------------------------------------------------------------------------------------------------

def _env(**services: int) -> Environment:
    return Environment("prod", alarms_from_templates({"S": {"Resources": {}}}), "app-prod-",
                       [ServiceInfo(name, tier) for name, tier in services.items()])


def test_notifications_are_classed_by_who_they_reach():
    # GIVEN actions on each kind of topic WHEN classed THEN critical pages, info is chat, the rest reaches people
    assert [notification_class(a) for a in ("app-prod-alerts-critical", "app-prod-alerts-warning",
                                            "app-prod-alerts-ops", "app-prod-canary-alerts-us-east-1",
                                            "arn:aws:sns:eu-west-1:1:app-prod-alerts-info")] == \
        ["page", "people", "people", "people", "info"]


def test_a_page_re_sent_within_an_hour_fails_the_one_page_per_incident_goal():
    # GIVEN an outage scenario and two seeds: one pages once, the other pages again 40 min later
    env = _env(orders=1)
    outage = Scenario("o", "outage", 120, lambda offset: Condition(), expect=lambda s: PAGE,
                      page_within=lambda s: 3.0)
    once = SeedOutcome(0, ONSET, pages={"orders": [(2, "x")]}, hit={"orders"})
    twice = SeedOutcome(1, ONSET, pages={"orders": [(2, "x"), (42, "x")]}, hit={"orders"})
    # WHEN judged THEN the first alone passes; with the second, the flap fails the scenario
    assert judge(env, outage, [once]).verdict == "pass"
    verdict = judge(env, outage, [once, twice])
    assert verdict.verdict == "fail" and "1 flap" in verdict.reason
    assert verdict.stats["total"]["flaps"]["max"] == 1


def test_people_reaching_noise_is_judged_per_service_per_week_on_the_median():
    # GIVEN 7 normal days over three seeds: orders reaches people 0, 1 and 9 times, payments 2, 2 and 2
    env = _env(orders=1, payments=1)
    normal = BY_NAME["normal-7d"]
    runs = [SeedOutcome(s, ONSET, people={"orders": o, "payments": 2}, info={"orders": 3})
            for s, o in enumerate((0, 1, 9))]
    # WHEN judged
    verdict = judge(env, normal, runs)
    goals = {g.name: g for g in verdict.goals}
    # THEN orders (median 1) meets "at most 1 a week", payments (median 2) misses it, and info is counted too
    assert goals["orders reaches people"].ok and not goals["payments reaches people"].ok
    assert goals["orders info"].measured == "median 3"
    assert verdict.verdict == "fail"


def test_detection_is_judged_on_the_p90_and_a_seed_that_never_pages_counts_as_never():
    # GIVEN ten seeds paging after 1..9 minutes and one that never pages
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, math.inf], 90) == 9
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, math.inf, math.inf], 90) == math.inf


def test_generated_latency_points_match_the_profile(synth):
    # GIVEN prod's profile WHEN a minute of latency is generated THEN its p99 is about 4x the median
    streams = Streams(ONSET, 1, PROD, seed=0, label="t")
    duration = generate_metric(_metric("Duration"), "orders", streams, [Condition()])
    order = np.argsort(duration.values[0])
    cumulative = np.cumsum(duration.weights[0][order]) / duration.weights[0].sum()
    p99 = duration.values[0][order][np.searchsorted(cumulative, 0.99)]
    assert 3 * PROD.latency_median_ms < p99 < 5 * PROD.latency_median_ms
