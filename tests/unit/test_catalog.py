"""The alarm catalog and override resolution, as pure logic (no synth)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from config.services import AlarmOverride
from plan.catalog import CATALOG, CatalogError, Threshold, defaults_for_kind, resolve_threshold
from plan.enums import MissingData

SEEDS = {  # the seed catalog: (family, severity) -> (threshold, breaching time in seconds or None)
    ("ServiceDown", "critical"): (50, 120),
    ("HighErrorRate", "critical"): (10, 300),  # 5 breaching minutes (of the last 15)
    ("HighErrorRate", "warning"): (5, 300),
    # The seed said "> 0 for 1 min": that pages on one throttled (and retried) request. 5+ a minute in 3 minutes.
    ("DatabaseThrottling", "critical"): (5, 180),
    ("Latency", "critical"): (10_000, None),
    ("Latency", "warning"): (5_000, 600),
    ("MemoryPressure", "warning"): (80, 300),
    ("ColdStarts", "warning"): (20, None),
}


@pytest.mark.parametrize(("family", "severity"), sorted(SEEDS))
def test_catalog_defaults_are_the_seed_numbers(family, severity):
    value, duration = SEEDS[(family, severity)]
    threshold = CATALOG[family].thresholds[severity]
    assert threshold.value == value
    if duration is not None:  # the time the signal must breach before the alarm opens
        assert threshold.period * threshold.datapoints == duration


def test_config_accepts_overrides_of_catalog_families_only():
    # GIVEN the catalog's families
    from pydantic import ValidationError

    from config.services import ServiceConfig
    from plan.catalog import FAMILIES
    # WHEN a service overrides each of them, THEN config accepts it
    ServiceConfig(name="orders", resources={"tables": ["orders"]},
                  overrides={family: {"enabled": False} for family in FAMILIES})
    # AND a family the catalog lacks is rejected with the nearest one suggested
    with pytest.raises(ValidationError, match="did you mean 'HighErrorRate'"):
        ServiceConfig(name="orders", resources={"tables": ["orders"]}, overrides={"HighErrorRat": {"threshold": 3}})


def test_rate_alarms_carry_a_traffic_guard_and_tolerate_missing_data():
    for family in ("ServiceDown", "QuietOutage", "HighErrorRate", "ColdStarts", "Throttles", "Api4xxRate",
                   "StepFunctionsFailures"):
        row = CATALOG[family]
        assert row.treat_missing is MissingData.NOT_BREACHING
        assert all(t.min_requests > 0 for t in row.thresholds.values()), family


def test_defaults_per_kind_cover_the_issue_list():
    assert [r.family for r in defaults_for_kind("tables")] == ["DatabaseThrottling"]
    assert {r.family for r in defaults_for_kind("queues")} == {"QueueMessageAge", "DlqDepth"}
    assert {r.family for r in defaults_for_kind("rest_apis")} == {
        "ServiceDown", "QuietOutage", "HighErrorRate", "Latency", "Api4xxRate", "TrafficDrop"}


def test_service_override_changes_every_severity_and_resource_override_wins():
    # GIVEN a service-wide override of HighErrorRate and a resource override of its warning only
    service = {"HighErrorRate": AlarmOverride(threshold=20, period_seconds=60, evaluation_periods=3)}
    resource = {"HighErrorRate.warning": AlarmOverride(threshold=7)}
    # WHEN thresholds resolve
    critical = resolve_threshold("HighErrorRate", "critical", service, resource)
    warning = resolve_threshold("HighErrorRate", "warning", service, resource)
    # THEN the service override applies to both, the resource override on top for warning
    # (the critical default needs 5 of 15 breaching periods: with 3 evaluation periods, all 3 must breach)
    assert critical == Threshold(20, period=60, evaluation_periods=3, datapoints_to_alarm=3, min_requests=20)
    assert warning == Threshold(7, period=60, evaluation_periods=3, min_requests=10)


def test_enabled_false_drops_one_severity_or_the_whole_family():
    assert resolve_threshold("Latency", "warning", {"Latency.warning": AlarmOverride(enabled=False)}) is None
    assert resolve_threshold("Latency", "critical", {"Latency.warning": AlarmOverride(enabled=False)}) is not None
    assert resolve_threshold("Latency", "critical", {"Latency": AlarmOverride(enabled=False)}) is None
    # a resource can re-enable what its service disabled
    assert resolve_threshold("Latency", "critical", {"Latency": AlarmOverride(enabled=False)},
                             {"Latency": AlarmOverride(enabled=True)}) is not None


def test_a_family_without_that_severity_resolves_to_none():
    assert resolve_threshold("MemoryPressure", "critical") is None


@settings(max_examples=100, deadline=None)
@given(period=st.sampled_from([60, 300, 900, 3600, 21600]), evaluations=st.integers(1, 400))
def test_overrides_beyond_cloudwatch_limits_are_rejected(period, evaluations):
    override = {"Latency": AlarmOverride(period_seconds=period, evaluation_periods=evaluations)}
    limit = 86400 if period < 3600 else 7 * 86400
    if period * evaluations > limit:
        with pytest.raises(CatalogError, match="exceeds CloudWatch"):
            resolve_threshold("Latency", "warning", override)
    else:
        assert resolve_threshold("Latency", "warning", override).duration_seconds == period * evaluations


def test_datapoints_beyond_evaluation_periods_are_rejected():
    with pytest.raises(CatalogError, match="datapoints_to_alarm"):
        resolve_threshold("Latency", "warning", {"Latency": AlarmOverride(datapoints_to_alarm=5)})


def test_a_min_bad_events_override_reaches_the_threshold():
    override = {"StepFunctionsFailures": AlarmOverride(min_bad_events=10)}
    assert resolve_threshold("StepFunctionsFailures", "warning", override).min_bad == 10
    assert resolve_threshold("StepFunctionsFailures", "warning").min_bad == 3


def test_paging_alarms_resolve_only_after_a_sustained_recovery():
    # An M-of-N alarm goes back to OK once fewer than M of its last N periods breach: with M < N a page needs
    # N - M + 1 healthy periods in a row to resolve, so a stuttering outage does not resolve and re-page.
    for family, row in CATALOG.items():
        critical = row.thresholds.get("critical")
        if critical is None or family == "DatabaseThrottling":
            continue
        healthy_needed = critical.evaluation_periods - critical.datapoints + 1
        assert healthy_needed * critical.period >= 4 * 60, family
