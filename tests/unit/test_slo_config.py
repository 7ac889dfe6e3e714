"""SLO options in config: alarms on the native SLO's burn-rate metrics are refused with one clear line."""
from __future__ import annotations

import pytest
import yaml

from config.loader import CONFIG_DIR, ConfigError, load_config


def test_alarms_on_native_is_refused_with_one_line_naming_the_field(tmp_path):
    # GIVEN prod.yaml with its first service asking for alarms on the native SLO's burn-rate metrics
    data = yaml.safe_load((CONFIG_DIR / "prod.yaml").read_text())
    data["services"][0]["slo"]["alarms_on"] = "native"
    (tmp_path / "prod.yaml").write_text(yaml.safe_dump(data))
    # WHEN it loads THEN one line names the field, says why, and lists what is allowed
    with pytest.raises(ConfigError) as caught:
        load_config("prod", tmp_path)
    (line,) = caught.value.lines
    assert "services.0.slo.alarms_on: alarms_on 'native' is not supported yet" in line
    assert "not named in its documentation (allowed: burn_rate)" in line


def test_slo_options_default_to_native_objects_and_our_own_burn_rate_alarms():
    slo = load_config("prod").services[0].slo
    assert (slo.native, slo.alarms_on, slo.warning_threshold) == (True, "burn_rate", 50)
