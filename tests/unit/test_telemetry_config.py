"""Canary, tracing and log config (config/telemetry.py): defaults from the issue, one-line errors for bad input."""
from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings, strategies as st
from pydantic import ValidationError

from config.loader import CONFIG_DIR, ConfigError, load_config
from config.telemetry import CanaryConfig, EndpointCheck, LogsConfig, TracingConfig, TracingDefaults


def test_defaults_match_the_issue():
    # GIVEN nothing configured  THEN canaries every 5 min, 10% sampling with a reservoir of 1, archive 30 -> 365
    cfg = load_config("prod")
    assert cfg.synthetics.schedule_minutes == 5
    assert (cfg.tracing.sampling_rate, cfg.tracing.reservoir_size, cfg.tracing.debug) == (0.10, 1, False)
    assert (cfg.logs.archive_transition_days, cfg.logs.archive_expiry_days) == (30, 365)


def test_a_canary_checks_health_endpoints_and_shares_its_headers_secret():
    # GIVEN a canary with one critical path and a service-wide headers secret
    canary = CanaryConfig(base_url="https://api.example.com", headers_secret="acme/orders/canary",
                          checks=[EndpointCheck(name="list-orders", path="/orders", headers_secret="acme/other")])
    # WHEN its checks are listed
    checks = canary.all_checks()
    # THEN live and ready come first, every check has a secret, and a check's own secret wins
    assert [c.path for c in checks] == ["/health/live", "/health/ready", "/orders"]
    assert [c.headers_secret for c in checks] == ["acme/orders/canary", "acme/orders/canary", "acme/other"]
    assert canary.expected_duration_ms() == 1000 + 2000 + 2000 + 5000


def test_debug_samples_everything_and_service_values_override_environment_defaults():
    defaults = TracingDefaults(sampling_rate=0.05, reservoir_size=2)
    assert TracingConfig().effective_rate(defaults) == 0.05
    assert TracingConfig(sampling_rate=0.5).effective_rate(defaults) == 0.5
    assert TracingConfig(sampling_rate=0.5, debug=True).effective_rate(defaults) == 1.0
    assert TracingConfig().effective_rate(TracingDefaults(debug=True)) == 1.0
    assert TracingConfig(reservoir_size=0).effective_reservoir(defaults) == 0


@pytest.mark.parametrize(
    ("model", "values", "message"),
    [
        (CanaryConfig, {"health_checks": False}, "canary has nothing to check: keep health_checks or list checks"),
        (CanaryConfig, {"base_url": "http://plain.example.com"}, "String should match pattern"),
        (CanaryConfig, {"headers_secret": "https://hooks.example.com/x"}, "String should match pattern"),
        (EndpointCheck, {"name": "a", "path": "/a", "json_equals": "ok"}, "json_equals needs json_path"),
        (LogsConfig, {"archive_expiry_days": 60},
         "archive_expiry_days (60) must be at least archive_transition_days + 90"),
        (LogsConfig, {"archive_storage_class": "STANDARD_IA", "archive_transition_days": 7},
         "archive_transition_days must be at least 30 for STANDARD_IA"),
    ],
)
def test_bad_values_are_rejected_with_what_is_allowed(model, values, message):
    with pytest.raises(ValidationError) as error:
        model(**values)
    assert message in str(error.value)


def test_a_bad_extra_region_is_one_config_line(tmp_path):
    # GIVEN an environment file with a misspelt extra region
    raw = yaml.safe_load((CONFIG_DIR / "dev.yaml").read_text())
    raw["synthetics"] = {"extra_regions": ["us-east-1", "europe-1"]}
    (tmp_path / "dev.yaml").write_text(yaml.safe_dump(raw))
    # WHEN it is loaded  THEN one line names the file, the field and the bad value
    with pytest.raises(ConfigError) as error:
        load_config("dev", tmp_path)
    assert error.value.lines == [
        f"{tmp_path / 'dev.yaml'}: synthetics: extra_regions: 'europe-1' is not a region name (e.g. us-east-1)"
    ]


@settings(max_examples=100, deadline=None)
@given(transition=st.integers(30, 400), stay=st.integers(0, 400),
       storage=st.sampled_from(["STANDARD_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"]))
def test_archive_expiry_is_accepted_exactly_when_it_respects_the_minimum_stay(transition, stay, storage):
    minimum = {"STANDARD_IA": 30, "GLACIER_IR": 90, "GLACIER": 90, "DEEP_ARCHIVE": 180}[storage]
    expiry = transition + stay
    values = {"archive_transition_days": transition, "archive_expiry_days": expiry, "archive_storage_class": storage}
    if stay >= minimum and expiry <= 3650:
        assert LogsConfig(**values).archive_expiry_days == expiry
    else:
        with pytest.raises(ValidationError):
            LogsConfig(**values)
