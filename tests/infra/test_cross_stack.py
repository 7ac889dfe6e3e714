"""Cross-stack wiring that survives change.

CloudFormation refuses to change or remove an export while a deployed stack imports it, and `cdk deploy --all`
updates the exporting stack while the old consumers are still deployed. So for each everyday config change,
prod is synthesized before and after, and every export any BEFORE template imports must still exist in the
AFTER templates with the same value. The topic exports meant for other apps (the contract) must not move either.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from aws_cdk import App

from config.schema import EnvironmentConfig
from stacks.environment import build_environment
from tests.synth import cdk_json_context

PROD_YAML = Path(__file__).resolve().parents[2] / "config" / "prod.yaml"
ENVIRONMENTS = ("dev", "staging", "prod")
# Exports other apps may import (documented in the README as a contract): name -> what it holds.
CONTRACT = {f"watchtower-prod-{n}-topic-arn": n for n in ("critical", "warning", "info", "email", "ops")}


def _raw() -> dict[str, Any]:
    return yaml.safe_load(PROD_YAML.read_text())


def _service(raw: dict, name: str) -> dict:
    return next(s for s in raw["services"] if s["name"] == name)


def _two_canaries(raw: dict) -> dict:
    raw = copy.deepcopy(raw)
    _service(raw, "payments")["canary"] = {"base_url": "https://payments.example.com"}
    return raw


def _without(raw: dict, service: str) -> dict:
    raw = copy.deepcopy(raw)
    raw["services"] = [s for s in raw["services"] if s["name"] != service]
    return raw


def _edited(raw: dict, change) -> dict:
    raw = copy.deepcopy(raw)
    change(raw)
    return raw


def _add_search(raw: dict) -> None:
    raw["services"].append({"name": "search", "resources": {"functions": [{"name": "search-query",
                                                                           "timeout_seconds": 5}]}})


# (before config, after config, what else changes): the six changes of everyday operation.
CHANGES = {
    "remove a service": (_raw, lambda: _without(_raw(), "notifications"), None),
    "remove one of two canaries": (lambda: _two_canaries(_raw()), _raw, None),
    "change a canary's severity": (_raw, lambda: _edited(
        _raw(), lambda r: _service(r, "orders")["canary"].update(severity="warning")), None),
    "add a service": (_raw, lambda: _edited(_raw(), _add_search), None),
    "change a threshold": (_raw, lambda: _edited(
        _raw(), lambda r: _service(r, "orders")["overrides"].update({"Latency.warning": {"threshold": 2500}})), None),
    # the switch alarm renamed (its name is what the paging composites' ActionsSuppressor points at)
    "rename the maintenance switch's reason": (_raw, _raw, "rename-switch"),
}


def synthesize(raw: dict, outdir: Path, extra: str | None = None) -> dict[str, dict]:
    """Templates of ``raw`` (a prod config as YAML data) by stack name; cdk-nag left out (size, not rules)."""
    cfg = EnvironmentConfig.model_validate(raw)
    with pytest.MonkeyPatch.context() as patch:
        if extra == "rename-switch":
            from plan import build as maintenance  # the plan names the switch, for every stack that uses it
            from stacks.naming import alarm_name
            patch.setattr(maintenance, "maintenance_alarm_name",
                          lambda c, region=None: alarm_name(c, "all", f"maintenance{'-' + region if region else ''}",
                                                            "PlannedWork", "info"))
        app = App(outdir=str(outdir), context=cdk_json_context())
        build_environment(app, cfg)
        app.synth()
    return {p.name.removesuffix(".template.json"): json.loads(p.read_text()) for p in outdir.glob("*.template.json")}


def imports(templates: dict[str, dict]) -> dict[str, set[str]]:
    """export name -> stacks importing it (every Fn::ImportValue, wherever it sits in a template)."""
    found: dict[str, set[str]] = {}

    def walk(node: Any, stack: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "Fn::ImportValue":
                    found.setdefault(json.dumps(value, sort_keys=True), set()).add(stack)
                else:
                    walk(value, stack)
        elif isinstance(node, list):
            for value in node:
                walk(value, stack)

    for stack, template in templates.items():
        walk(template, stack)
    return found


def exports(templates: dict[str, dict]) -> dict[str, str]:
    """export name (as JSON, as an import names it) -> the exported value (as JSON)."""
    return {json.dumps(o["Export"]["Name"], sort_keys=True): json.dumps(o["Value"], sort_keys=True)
            for t in templates.values() for o in t.get("Outputs", {}).values() if "Export" in o}


def broken_imports(before: dict[str, dict], after: dict[str, dict]) -> list[str]:
    """Every import of a BEFORE stack whose export the AFTER templates drop or change: what blocks the update."""
    old, new = exports(before), exports(after)
    problems = []
    for name, stacks in sorted(imports(before).items()):
        if name not in new:
            problems.append(f"{name} imported by {sorted(stacks)} disappears")
        elif old.get(name) != new[name]:
            problems.append(f"{name} imported by {sorted(stacks)} changes value")
    return problems


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory):
    cache: dict[str, dict[str, dict]] = {}

    def get(key: str, make, extra=None) -> dict[str, dict]:
        if key not in cache:
            cache[key] = synthesize(make(), tmp_path_factory.mktemp("xstack"), extra=extra)
        return cache[key]

    return get


def test_the_checker_sees_an_import_whose_export_goes_away():
    # GIVEN a consumer importing an export that the next synth drops, and one whose value changes
    before = {"A": {"Outputs": {"X": {"Value": {"Ref": "Alarm1"}, "Export": {"Name": "A:x"}},
                                "Y": {"Value": "v1", "Export": {"Name": "A:y"}}}},
              "B": {"Resources": {"R": {"Properties": {"P": {"Fn::ImportValue": "A:x"},
                                                        "Q": [{"Fn::ImportValue": "A:y"}]}}}}}
    after = {"A": {"Outputs": {"Y": {"Value": "v2", "Export": {"Name": "A:y"}}}}, "B": before["B"]}
    # THEN both are reported
    assert broken_imports(before, after) == ['"A:x" imported by [\'B\'] disappears',
                                             '"A:y" imported by [\'B\'] changes value']


@pytest.mark.parametrize("change", list(CHANGES))
def test_everyday_changes_keep_every_consumed_export(synthesized, change):
    make_before, make_after, extra = CHANGES[change]
    before_key = "two-canaries" if change == "remove one of two canaries" else "prod"
    # GIVEN prod deployed as synthesized before the change / WHEN the changed config is synthesized
    before = synthesized(before_key, make_before)
    after = synthesized(change, make_after, extra)
    # THEN the change really changed the templates (the scenario is not a no-op) ...
    assert before != after
    # ... AND no export a deployed stack imports disappears or changes
    assert broken_imports(before, after) == []
    # AND the topic exports other apps may import keep their names and values
    old, new = exports(before), exports(after)
    for name in CONTRACT:
        key = json.dumps(name)
        assert key in old and new.get(key) == old[key], name


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_no_stack_imports_another_stacks_export(synth, env):
    # Topics, alarms and the key are referenced by names (or SSM): no template of the app imports anything.
    assert imports(synth.templates(env)) == {}


def test_the_changes_touch_what_they_say(synthesized):
    before = synthesized("prod", _raw)
    assert "watchtower-prod-Monitoring-notifications" not in synthesized("remove a service",
                                                                        CHANGES["remove a service"][1])
    assert "watchtower-prod-Monitoring-search" in synthesized("add a service", CHANGES["add a service"][1])
    renamed = synthesized("rename the maintenance switch's reason", _raw, "rename-switch")
    (switch,) = renamed["watchtower-prod-Maintenance"]["Resources"].values()
    assert switch["Properties"]["AlarmName"] == "watchtower-prod-all-maintenance-PlannedWork-info"
    (old_switch,) = before["watchtower-prod-Maintenance"]["Resources"].values()
    assert old_switch["Properties"]["AlarmName"] != switch["Properties"]["AlarmName"]
    # the paging composites follow the renamed switch by name
    orders = json.dumps(renamed["watchtower-prod-Monitoring-orders"])
    assert ":alarm:watchtower-prod-all-maintenance-PlannedWork-info" in orders
