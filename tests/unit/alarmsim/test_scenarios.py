"""Incident scenarios against the real synthesized templates: each scenario's verdict, not its timings.

The simulator's acceptance targets run on prod (hard outage, 14.4x and 6x burns, 7 days of normal traffic)
and dev (quiet traffic). Scenarios whose target the current alarm design misses are marked xfail with the
alarm change that would fix them, so the miss stays visible in every run.
"""
from __future__ import annotations

import pytest

from tools.alarmsim.scenarios import run_scenario, scenarios
from tools.alarmsim.scenarios.traffic import Condition, PROD, emit
from tools.alarmsim.series import MetricKey, SeriesStore
from tools.alarmsim.template import alarms_from_templates

import random

BY_NAME = {scenario.name: scenario for scenario in scenarios()}

# Known misses of the current alarm design: scenario -> what would fix it (reported to the lead). The SLO page
# pairs AND a long window with a short one; at a burn exactly at the pair's factor the long window crosses
# its threshold only when it is full of bad minutes: after 1 h (14.4x) and 6 h (6x), whatever the short window.
KNOWN_MISSES: dict[str, str] = {
    "burn-14.4x": "the 1h/5m pair pages after ~60 min at exactly 14.4x; fix: BurnPage1hLong threshold at 1.2x "
                  "the budget instead of 14.4x (simulated: page at 5 min, none in 7 normal days or at 2x)",
    "burn-6x": "the 6h/30m pair pages after ~6 h at exactly 6x; fix: BurnPage6hLong threshold at 0.5x the "
               "budget instead of 6x (simulated: page at 29 min, none in 7 normal days or at 2x)",
}


def _alarms(synth, env):
    return alarms_from_templates(synth.templates(env))


def _services(synth, env):
    cfg = synth.app_config(env)
    return [f"{cfg.app}-{cfg.env}-{service.name}-" for service in cfg.services]


def _objectives(synth, env):
    cfg = synth.app_config(env)
    return {f"{cfg.app}-{cfg.env}-{s.name}-": s.slo.availability for s in cfg.services if s.slo and s.slo.availability}


def _case(env: str, name: str):
    marks = [pytest.mark.xfail(reason=KNOWN_MISSES[name], strict=True)] if name in KNOWN_MISSES else []
    return pytest.param(env, name, marks=marks, id=f"{env}-{name}")


DONE_WHEN = [_case("prod", "hard-outage"), _case("prod", "burn-14.4x"), _case("prod", "burn-6x"),
             _case("prod", "normal-7d"), _case("dev", "quiet-dev")]


@pytest.mark.parametrize("env,name", DONE_WHEN)
def test_done_when_scenarios_meet_their_target(synth, env, name):
    # GIVEN the environment's synthesized alarms and one scenario of the "Done when" list
    alarms = _alarms(synth, env)
    assert alarms.metric_alarms, f"{env} synthesizes no alarms"
    assert len(alarms.warnings) <= len(alarms.metric_alarms) // 10, alarms.warnings  # nearly all are simulated
    # WHEN the scenario's series are generated for the metrics those alarms read and simulated
    result = run_scenario(alarms, BY_NAME[name], service_prefixes=_services(synth, env),
                          objectives=_objectives(synth, env))
    # THEN the scenario passes: paged within its target, or no page at all when none is wanted
    assert result.verdict == "pass", f"{name} on {env}: {result.reason}; unwanted: {[p.alarm for p in result.unwanted_pages]}"


@pytest.mark.parametrize("name", [s.name for s in scenarios() if s.name not in
                                  ("hard-outage", "burn-14.4x", "burn-6x", "normal-7d", "quiet-dev")])
def test_other_scenarios_run_on_prod_and_judge_every_page(synth, name):
    # GIVEN prod's alarms WHEN any other scenario runs
    result = run_scenario(_alarms(synth, "prod"), BY_NAME[name], service_prefixes=_services(synth, "prod"),
                          objectives=_objectives(synth, "prod"))
    # THEN it gets a verdict, and a failing verdict is explained by a missing page or by unwanted pages
    assert result.verdict in ("pass", "fail", "n/a")
    if result.verdict == "fail":
        assert result.unwanted_pages or result.first_page_minutes is None or BY_NAME[name].page_within
    if not BY_NAME[name].expect_page:
        assert result.unwanted_pages == result.pages


def test_generated_series_cover_exactly_the_metrics_the_alarms_read(synth):
    # GIVEN prod's alarms WHEN a short scenario generates its series
    from tools.alarmsim.scenarios.runner import ONSET, affected_metrics, generate
    alarms = _alarms(synth, "prod")
    store = generate(alarms, BY_NAME["dynamodb-throttling"], ONSET, PROD, affected_metrics(alarms, None))
    read = {metric.key for alarm in alarms.metric_alarms for metric in alarm.metrics()}
    # THEN nothing outside what the alarms read is generated, at one-minute resolution
    assert set(store.keys()) <= read
    assert all(isinstance(minute, int) for key in store.keys() for minute in store.buckets(key))


def test_lambda_errors_never_exceed_invocations_in_generated_traffic():
    # GIVEN one minute of a 20% error spike, emitted for Errors and Invocations from one request count
    store, rng = SeriesStore(), random.Random(7)
    errors, calls = MetricKey.of("AWS/Lambda", "Errors", {"FunctionName": "f"}), MetricKey.of("AWS/Lambda", "Invocations", {"FunctionName": "f"})
    for minute in range(200):
        for key in (errors, calls):
            emit(store, key, minute, 50, Condition(error_ratio=0.2), PROD, rng)
    # THEN every minute's errors fit in its invocations and the overall rate is near 20%
    assert all(store.bucket(errors, m).total <= store.bucket(calls, m).total for m in range(200))
    rate = sum(store.bucket(errors, m).total for m in range(200)) / sum(store.bucket(calls, m).total for m in range(200))
    assert 0.17 < rate < 0.23


def test_incidents_hit_only_the_monitored_services_metrics():
    # GIVEN a service alarm and an infrastructure (router) alarm on different functions
    from tests.unit.alarmsim.builders import metric_alarm, template
    from tools.alarmsim.scenarios.runner import affected_metrics
    alarms = alarms_from_templates({"S": template(
        Svc=metric_alarm("app-prod-orders-fn-Errors-critical", dimensions={"FunctionName": "orders"}),
        Infra=metric_alarm("app-prod-alerting-router-Errors-critical", dimensions={"FunctionName": "router"}))})
    orders = MetricKey.of("AWS/Lambda", "Errors", {"FunctionName": "orders"})
    router = MetricKey.of("AWS/Lambda", "Errors", {"FunctionName": "router"})
    # WHEN the affected metrics are chosen by service prefix THEN only the service's metrics are hit;
    # no service at all hits nothing, and no names at all hits everything
    assert affected_metrics(alarms, ["app-prod-orders-"]) == {orders}
    assert affected_metrics(alarms, []) == set()
    assert affected_metrics(alarms, None) == {orders, router}


def test_incident_scenarios_are_not_applicable_without_a_monitored_service():
    # GIVEN only an infrastructure alarm and no monitored service
    from tests.unit.alarmsim.builders import metric_alarm, template
    alarms = alarms_from_templates({"S": template(Infra=metric_alarm("app-dev-alerting-router-Errors-critical"))})
    # WHEN an incident scenario runs THEN it is n/a rather than a miss; a no-page scenario still runs
    assert run_scenario(alarms, BY_NAME["hard-outage"], service_prefixes=[]).verdict == "n/a"
    assert run_scenario(alarms, BY_NAME["traffic-drop"], service_prefixes=[]).verdict == "pass"
