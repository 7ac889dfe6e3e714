"""One syntax for a maintenance window: a service's windows and the router's read the same fields, the old
routing syntax is refused with the line to write, and each mechanism refuses what it cannot do."""
from __future__ import annotations

import pytest
import yaml

from config.loader import CONFIG_DIR, ConfigError, load_config
from config.windows import RoutingMaintenanceWindow, ServiceMaintenanceWindow

WINDOW = {"name": "weekly-db-patching", "cron": "0 2 * * SUN", "duration_minutes": 60}


def _problems(tmp_path, mutate) -> list[str]:
    data = yaml.safe_load((CONFIG_DIR / "dev.yaml").read_text())
    mutate(data)
    (tmp_path / "dev.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError) as caught:
        load_config("dev", tmp_path)
    return caught.value.lines


def test_the_same_window_is_valid_for_a_service_and_for_the_router():
    # GIVEN one window as written in a service's maintenance_windows
    # WHEN both mechanisms read it
    service, routing = ServiceMaintenanceWindow(**WINDOW), RoutingMaintenanceWindow(**WINDOW)
    # THEN both keep its schedule, and the router gets it as the weekly window it evaluates
    assert (service.cron, service.duration_minutes) == (routing.cron, routing.duration_minutes)
    assert routing.as_router_doc()["weekly"] == {"days": ["sun"], "start": "02:00", "duration_minutes": 60}


def test_an_old_routing_window_is_one_line_naming_where_and_what_to_write(tmp_path):
    # GIVEN a config whose routing window uses the old weekly block
    old = {"name": "patching", "weekly": {"days": ["sun"], "start": "02:00", "duration_minutes": 60}}
    lines = _problems(tmp_path, lambda d: d.setdefault("routing", {}).update(maintenance_windows=[old]))
    # THEN loading it gives one line, naming the window and the replacement
    (line,) = lines
    assert "routing.maintenance_windows.0" in line and 'write cron: "0 2 * * SUN", duration_minutes: 60' in line


def test_a_one_off_service_window_is_refused_pointing_at_what_can_do_it(tmp_path):
    # GIVEN a service window with a start and an end (AlarmMuteRules and SLO exclusions here only recur)
    one_off = {"name": "migration", "starts_at": "2026-12-01T02:00:00Z", "ends_at": "2026-12-01T04:00:00Z"}
    lines = _problems(tmp_path, lambda d: d["services"][0].update(maintenance_windows=[one_off]))
    # THEN the one line says where a one-off window goes
    (line,) = lines
    assert "services.0.maintenance_windows.0" in line and "routing.maintenance_windows" in line


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_shipped_configs_write_windows_only_in_the_one_syntax(env):
    # GIVEN a shipped config as text
    data = yaml.safe_load((CONFIG_DIR / f"{env}.yaml").read_text())
    windows = [w for s in data.get("services", []) for w in s.get("maintenance_windows", [])]
    windows += (data.get("routing") or {}).get("maintenance_windows", [])
    # THEN no window uses the old weekly block, and every recurring one validates for both mechanisms
    assert all("weekly" not in w for w in windows)
    for window in windows:
        if "cron" in window:
            assert ServiceMaintenanceWindow(**window).cron == RoutingMaintenanceWindow(**window).cron
