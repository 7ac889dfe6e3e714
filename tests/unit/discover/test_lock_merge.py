"""The loader reads config/discovered/ENV.yaml offline and merges it into the services: listed fields win."""
from __future__ import annotations

import pytest
import yaml

from config.loader import ConfigError, load_config, load_config_and_notes
from tests.unit.discover.envs import write_env


def lock(config_dir, services, tag_key="service", env="lab", schema_version=1):
    path = config_dir / "discovered" / "lab.yaml"  # the content may claim another env
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# generated\n" + yaml.safe_dump({"schema_version": schema_version, "env": env,
                                                      "tag_key": tag_key, "services": services}))
    return path


ORDERS = {"account_id": "111111111111", "region": "us-east-1", "resources": {
    "functions": [{"name": "orders-api", "timeout_seconds": 30, "stream_source": False, "async_invoked": True}],
    "queues": [{"name": "orders-jobs", "dlq": "orders-jobs-dlq"}],
}}


def test_discovered_resources_join_the_service(tmp_path):
    # GIVEN a service that is discovered and lists one table by hand, and a lock with its function and queue
    write_env(tmp_path, [{"name": "orders", "discover": True, "resources": {"tables": ["orders"]}}])
    lock(tmp_path, {"orders": ORDERS})
    # WHEN the config loads THEN the service has all three, the discovered facts included
    resources = load_config("lab", tmp_path).services[0].resources
    assert [t.name for t in resources.tables] == ["orders"]
    assert [(f.name, f.timeout_seconds, f.async_invoked) for f in resources.functions] == [("orders-api", 30, True)]
    assert [(q.name, q.dlq) for q in resources.queues] == [("orders-jobs", "orders-jobs-dlq")]


def test_a_listed_resource_wins_field_by_field_and_the_difference_is_noted(tmp_path):
    # GIVEN the function is also listed, by ARN, with another timeout and an override
    write_env(tmp_path, [{"name": "orders", "discover": True, "resources": {"functions": [
        {"name": "arn:aws:lambda:us-east-1:111111111111:function:orders-api", "timeout_seconds": 20,
         "overrides": {"Throttles": {"enabled": False}}}]}}])
    lock(tmp_path, {"orders": ORDERS})
    cfg, notes = load_config_and_notes("lab", tmp_path)
    (function,) = cfg.services[0].resources.functions
    # THEN the listed timeout and override are used, the field it leaves out comes from the lock
    assert (function.name, function.timeout_seconds, function.async_invoked) == ("orders-api", 20, True)
    assert not function.overrides["Throttles"].enabled
    # AND the difference is one note naming both files and the field
    assert len(notes) == 1 and "orders-api" in notes[0] and "timeout_seconds is 20" in notes[0]
    assert "30" in notes[0] and "discovered/lab.yaml" in notes[0] and "listed value is used" in notes[0]


def test_without_discover_true_the_lock_is_not_used_and_that_is_noted(tmp_path):
    write_env(tmp_path, [{"name": "orders", "resources": {"tables": ["orders"]}}])
    lock(tmp_path, {"orders": ORDERS})
    cfg, notes = load_config_and_notes("lab", tmp_path)
    assert cfg.services[0].resources.functions == ()
    assert len(notes) == 1 and "no service" in notes[0] and "discover: true" in notes[0]


def test_a_discovered_service_without_a_lock_says_to_run_make_discover(tmp_path):
    write_env(tmp_path, [{"name": "orders", "discover": True}])
    with pytest.raises(ConfigError) as failure:
        load_config("lab", tmp_path)
    (line,) = failure.value.lines
    assert "discover: true but no resources were discovered" in line and "make discover" in line
    # AND make discover itself can still read the config, before it knows the resources
    assert load_config("lab", tmp_path, lock=False).services[0].discover


@pytest.mark.parametrize("change, expected", [
    ({"schema_version": 2}, "schema_version 2 is not the one this version reads (1)"),
    ({"tag_key": "team"}, "by tag 'team'"),
    ({"env": "prod"}, "for env 'prod'"),
])
def test_a_stale_or_foreign_lock_is_one_line_asking_for_a_rerun(tmp_path, change, expected):
    write_env(tmp_path, [{"name": "orders", "discover": True}])
    arguments = {"tag_key": "service", "env": "lab", "schema_version": 1, **change}
    lock(tmp_path, {"orders": ORDERS}, **arguments)
    with pytest.raises(ConfigError) as failure:
        load_config("lab", tmp_path)
    (line,) = failure.value.lines
    assert expected in line and "make discover" in line


def test_a_damaged_lock_names_the_field(tmp_path):
    write_env(tmp_path, [{"name": "orders", "discover": True}])
    lock(tmp_path, {"orders": {**ORDERS, "resources": {"functions": [{"name": "f", "timeout_seconds": 0}]}}})
    with pytest.raises(ConfigError) as failure:
        load_config("lab", tmp_path)
    assert failure.value.lines[0].count("\n") == 0
    assert "services.orders.resources.functions.0.timeout_seconds" in failure.value.lines[0]


def test_config_validate_prints_the_merge_notes(tmp_path, capsys):
    # GIVEN a listed function whose timeout differs from the discovered one
    from config.__main__ import main

    path = write_env(tmp_path, [{"name": "orders", "discover": True, "slo": None, "resources": {
        "functions": [{"name": "orders-api", "timeout_seconds": 20}]}}])
    lock(tmp_path, {"orders": ORDERS})
    # WHEN make synth validates the config THEN it passes and prints the difference as a note
    assert main(["validate", str(path)]) == 0
    notes = [line for line in capsys.readouterr().out.splitlines() if line.startswith("note: ")]
    assert len(notes) == 1 and "timeout_seconds is 20" in notes[0]


def test_loading_with_a_lock_calls_no_aws_api(tmp_path, monkeypatch):
    # GIVEN any AWS call would fail the test
    import botocore.client

    def no_call(self, operation_name, params):
        raise AssertionError(f"synth called AWS: {operation_name}")

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", no_call)
    write_env(tmp_path, [{"name": "orders", "discover": True}])
    lock(tmp_path, {"orders": ORDERS})
    # WHEN the config loads with its lock THEN the discovered resources are there, read from the file alone
    assert load_config("lab", tmp_path).services[0].resources.count() == 2
