"""Semantic validation of the resolved monitoring: every alarm that could never fire (or always would), every
service left without alarms, is one line naming service, resource, family and why; the CLI exits 2."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from config.loader import CONFIG_DIR, load_config
from config.services import FunctionRef, ServiceConfig
from plan.catalog import CATALOG, resolve_threshold
from plan.metrics import families_for
from stacks.monitoring.validation import check_environment, check_service, threshold_problem

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = "tests/fixtures/service_templates"


def env_file(tmp_path: Path, mutate, env: str = "prod") -> Path:
    """A copy of config/<env>.yaml under tmp_path, changed by ``mutate(dict)``; returns the file."""
    data = yaml.safe_load((CONFIG_DIR / f"{env}.yaml").read_text())
    mutate(data)
    path = tmp_path / f"{env}.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def problems_of(tmp_path: Path, mutate, env: str = "prod") -> list[str]:
    path = env_file(tmp_path, mutate, env)
    return check_environment(load_config(env, path.parent)).problems


def validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "config", "validate", str(path)], cwd=ROOT, capture_output=True,
                          text=True)


def orders(d: dict) -> dict:
    return d["services"][0]


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_the_shipped_configs_have_no_problem(env):
    # GIVEN each shipped environment WHEN its resolved monitoring is checked THEN nothing is wrong with it
    check = check_environment(load_config(env))
    assert check.problems == []
    assert all(service.alarms > 0 for service in check.services)


def test_a_negative_threshold_is_one_line_naming_every_resource_it_breaks(tmp_path):
    # GIVEN orders' warning latency set to -5 ms for the whole service
    lines = problems_of(tmp_path, lambda d: orders(d)["overrides"].update({"Latency.warning": {"threshold": -5}}))
    # THEN one line names the service, each resource, the alarm and why (a time is never below 0)
    assert lines == ["orders: orders-create, orders-get, orders-fulfil, orders-stream-projector, orders-api: "
                     "Latency.warning: threshold -5 ms is negative: a time is never below 0, so the alarm would "
                     "always fire"]


def test_a_rate_above_100_percent_can_never_fire(tmp_path):
    lines = problems_of(tmp_path, lambda d: d["services"][2]["overrides"].update(
        {"HighErrorRate.critical": {"threshold": 250}}))
    (line,) = lines
    assert line.startswith("notifications: notifications-sender: HighErrorRate.critical: threshold 250 % is out "
                           "of range: a percentage is between 0 and 100, so the alarm could never fire")


def test_a_latency_at_the_function_timeout_can_never_fire(tmp_path):
    # GIVEN payments-authorize (timeout 15 s) with a critical p99 latency of 15 s
    def mutate(d):
        d["services"][1]["resources"]["functions"][0]["overrides"] = {"Latency.critical": {"threshold": 15000}}
    (line,) = problems_of(tmp_path, mutate)
    assert line == ("payments: payments-authorize: Latency.critical: threshold 15000 ms is not below the function's "
                    "timeout (15 s): its duration never exceeds the timeout, so the alarm could never fire; set it "
                    "below 15000 ms")


def test_a_latency_above_an_api_is_not_held_to_a_function_timeout(tmp_path):
    # GIVEN a 12 s latency threshold on the orders REST API (its integration timeout is not the function's)
    def mutate(d):
        orders(d)["resources"]["rest_apis"][0]["overrides"] = {"Latency.critical": {"threshold": 12000}}
    assert problems_of(tmp_path, mutate) == []


@pytest.mark.parametrize("family,value,verdict", [
    ("DatabaseThrottling", -1, "is negative"),         # count > -1: always in ALARM
    ("ServiceDown", 0, "can never be undercut"),      # success rate < 0 %: never
    ("ServiceDown", 101, "out of range"),
    ("DurationNearTimeout", 100, "can never be exceeded"),
    ("QueueMessageAge", -60, "is negative"),
    ("TrafficDrop", 0, "standard deviations"),
    ("HighErrorRate", 0, None),                        # any error at all: strict, but it can fire
    ("HighErrorRate", 99.9, None),
    ("DlqDepth", 0, None),
])
def test_threshold_verdicts_follow_the_unit_and_comparison_of_the_catalog(family, value, verdict):
    problem = threshold_problem(family, value)
    assert (problem is None) if verdict is None else (verdict in problem)


@settings(max_examples=200, deadline=None)
@given(value=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), family=st.sampled_from(sorted(CATALOG)))
def test_every_out_of_range_value_of_a_percent_or_count_family_is_refused(value, family):
    # Whatever the value, a percentage outside 0..100 and a negative count or time are always reported
    unit = CATALOG[family].unit
    problem = threshold_problem(family, value)
    if unit.startswith("%") and not 0 <= value <= 100:
        assert problem is not None
    if unit in ("count", "ms", "s") and value < 0:
        assert problem is not None


def test_the_catalog_defaults_are_all_workable():
    # Every default threshold of the catalog passes its own unit's rules (no default alarm is constant)
    for family, row in CATALOG.items():
        for severity in row.thresholds:
            assert threshold_problem(family, resolve_threshold(family, severity).value) is None, (family, severity)


def test_an_slo_latency_at_the_function_timeout_is_refused(tmp_path):
    # GIVEN notifications' SLO measured on its function (timeout 30 s) with a 30 s latency threshold
    def mutate(d):
        d["services"][2]["slo"] = {"availability": 99.5, "latency": 99.0, "latency_threshold_ms": 30000}
    (line,) = problems_of(tmp_path, mutate)
    assert line.startswith("notifications: notifications-sender: slo latency: latency_threshold_ms 30000 is not "
                           "below the function's timeout (30 s)")


def test_an_override_of_a_severity_the_family_lacks_changes_nothing_and_is_reported(tmp_path):
    (line,) = problems_of(tmp_path, lambda d: orders(d)["overrides"].update(
        {"MemoryPressure.critical": {"threshold": 90}}))
    assert line.startswith("orders: MemoryPressure: override 'MemoryPressure.critical' changes nothing: "
                           "MemoryPressure has no critical threshold (its severities: warning)")


def test_an_override_on_a_resource_the_family_does_not_watch_is_reported(tmp_path):
    def mutate(d):
        orders(d)["resources"]["tables"] = [{"name": "orders", "overrides": {"Latency": {"threshold": 100}}}]
    (line,) = problems_of(tmp_path, mutate)
    assert line.startswith("orders: orders: Latency: override 'Latency' changes nothing: no resource here has a "
                           "Latency alarm")


def test_a_service_whose_overrides_disable_every_alarm_is_an_error_saying_why():
    service = ServiceConfig(name="quiet", resources={"tables": ["t"]}, slo=None,
                            overrides={"DatabaseThrottling": {"enabled": False}})
    check = check_service(load_config("prod"), service)
    assert check.problems == ["quiet: no alarm at all: every alarm of its resources is disabled by overrides "
                              "(DatabaseThrottling); enable one, or drop the service"]


def test_an_slo_without_objectives_does_not_count_as_an_alarm():
    service = ServiceConfig(name="quiet", resources={"functions": ["f"]}, slo={"availability": None, "latency": None},
                            overrides={family: {"enabled": False} for family in families_for(
                                "functions", FunctionRef(name="f"))})
    (line,) = check_service(load_config("prod"), service).problems
    assert line.startswith("quiet: no alarm at all: every alarm of its resources is disabled by overrides")


def test_a_service_whose_template_yields_no_alarm_is_an_error_saying_why():
    # GIVEN a CDK template whose resources all have generated names (nothing nameable to alarm on)
    service = ServiceConfig(name="anon", template=f"{FIXTURES}/Generated.template.json")
    (line,) = check_service(load_config("prod"), service).problems
    assert line.startswith(f"anon: no alarm at all: its template {FIXTURES}/Generated.template.json yields no "
                           "resource to monitor (")
    assert "list the resources by name under resources:" in line


@pytest.mark.parametrize("case,mutate,expected", [
    ("negative threshold", lambda d: orders(d)["overrides"].update({"Latency.warning": {"threshold": -5}}),
     "Latency.warning: threshold -5 ms is negative"),
    ("250 % rate", lambda d: orders(d)["overrides"].update({"HighErrorRate.critical": {"threshold": 250}}),
     "HighErrorRate.critical: threshold 250 % is out of range"),
    ("latency at timeout", lambda d: orders(d)["resources"]["functions"][1]["overrides"].update(
        {"Latency.warning": {"threshold": 6000}}), "is not below the function's timeout (6 s)"),
    ("bad time zone", lambda d: orders(d)["maintenance_windows"][0].update(timezone="Europe/Berln"),
     "'Europe/Berln' is not a time zone"),
    ("queue is its own dlq", lambda d: orders(d)["resources"]["queues"][0].update(dlq="orders-fulfilment"),
     "names itself as its dlq"),
    ("no services", lambda d: d.pop("services"), "lists no services"),
    ("template with no alarm", lambda d: d["services"].append(
        {"name": "anon", "template": f"{FIXTURES}/Generated.template.json"}), "anon: no alarm at all"),
    ("webhook in slack_secret", lambda d: d["notifications"]["warning"].update(
        slack_secret="https://hooks.slack.com/services/T-EXAMPLE/B-EXAMPLE/not-a-real-token"),
     "this looks like a webhook URL: store it in Secrets Manager and put the secret's name here"),
])
def test_each_mistake_is_one_clear_line_and_exit_2_from_the_cli(tmp_path, case, mutate, expected):
    # GIVEN prod's config with one mistake, kept outside the repository
    path = env_file(tmp_path, mutate)
    # WHEN `python -m config validate` checks it
    done = validate(path)
    # THEN exit 2, exactly one line naming the problem, no traceback, and no secret repeated
    assert done.returncode == 2, done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], lines
    assert lines[0].startswith("config error: ")
    assert "Traceback" not in done.stderr and "s3cr3t" not in done.stderr + done.stdout


def test_the_cli_prints_what_each_service_monitors(tmp_path):
    path = env_file(tmp_path, lambda d: d["services"].append(
        {"name": "shop", "template": f"{FIXTURES}/CdkShop.template.yaml"}))
    done = validate(path)
    assert done.returncode == 0, done.stderr
    assert "orders: listed 4 functions, 1 REST API, 1 table, 1 queue, 1 state machine, 1 rule, 1 topic" in done.stdout
    assert (f"shop: discovered in {FIXTURES}/CdkShop.template.yaml: 1 function, 1 REST API, 1 table, 1 queue, "
            "1 state machine ->") in done.stdout
    assert "    skipped LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a" in done.stdout
    assert "is a framework helper: CDK log-retention handler" in done.stdout


def test_a_discovered_function_with_a_short_timeout_is_reported_with_the_fix(tmp_path):
    # GIVEN the Shop template: shop-projector keeps Lambda's default 3 s timeout, below the catalog's latencies
    path = env_file(tmp_path, lambda d: d["services"].append(
        {"name": "shop", "template": f"{FIXTURES}/Shop.template.json"}))
    lines = validate(path).stderr.strip().splitlines()
    line = next(line for line in lines if "shop: shop-projector: Latency.warning:" in line)
    assert "threshold 5000 ms is not below the function's timeout (3 s)" in line
    # AND says how to override a function it only discovered (listing it keeps what discovery knew)
    assert line.endswith("(to override it, list it: resources.functions: [{name: shop-projector, timeout_seconds: 3, "
                         "stream_source: true, overrides: {Latency.warning: {threshold: ...}}}])")
