"""CONFIG_DIR: a config kept outside config/ is tried through app.py, make and the tools without touching
config/, cdk.out/ENV or any tracked file, and the example estate under examples/estate is a valid environment
using every resource kind."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from aws_cdk import App

import app
from config.loader import ConfigError, load_config
from config.services import RESOURCE_KINDS
from stacks.monitoring.validation import check_environment

ROOT = Path(__file__).resolve().parents[2]
ESTATE = ROOT / "examples" / "estate"


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_each_example_environment_is_valid_and_uses_every_kind_over_several_services(env):
    # GIVEN examples/estate/ENV.yaml WHEN it is loaded and its monitoring resolved
    cfg = load_config(env, ESTATE)
    # THEN nothing is refused, and its services together list every kind (per-route alarms included)
    assert check_environment(cfg).problems == []
    used = {kind for service in cfg.services for kind in RESOURCE_KINDS if getattr(service.resources, kind)}
    assert used == set(RESOURCE_KINDS)
    assert 2 <= len(cfg.services) <= 3


def _context(monkeypatch, context: dict) -> None:
    # jsii's node process reads CDK_CONTEXT_JSON once, when it starts: hand the context to the App directly
    monkeypatch.setattr(app, "App", lambda: App(context=context))


def test_app_reads_the_config_dir_context(monkeypatch):
    # GIVEN the CDK context the Makefile passes for CONFIG_DIR=examples/estate
    _context(monkeypatch, {"env": "staging", "config_dir": str(ESTATE)})
    seen = []

    def build(_app, cfg):
        seen.append(cfg)
        raise ConfigError(["stop before synthesizing"])

    monkeypatch.setattr(app, "build_environment", build)
    # WHEN the entry point runs THEN it builds the example's staging, not config/staging.yaml
    assert app.main() == 2
    assert [s.name for s in seen[0].services] == ["storefront", "orders", "pipeline"]


def test_a_missing_config_dir_is_one_line_naming_it(monkeypatch, capsys):
    _context(monkeypatch, {"env": "prod", "config_dir": "examples/nowhere"})
    assert app.main() == 2
    assert capsys.readouterr().err.splitlines() == [
        "config error: examples/nowhere: no such config directory (CONFIG_DIR names a folder of ENV.yaml files)"]


def _make(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([shutil.which("make") or "make", "--no-print-directory", *args], cwd=ROOT,
                          capture_output=True, text=True)


def test_make_sends_a_config_dir_to_its_own_assembly():
    # GIVEN make synth and simulate with CONFIG_DIR WHEN their commands are listed (-n runs nothing)
    synth = _make("-n", "synth", "ENV=prod", "CONFIG_DIR=examples/estate").stdout
    simulate = _make("-n", "simulate", "ENV=prod", "CONFIG_DIR=examples/estate").stdout
    # THEN the example's file is validated, app.py gets the folder, and the assembly is cdk.out/estate-prod
    assert "-m config validate examples/estate/prod.yaml" in synth
    assert "-c config_dir=examples/estate" in synth and "-o cdk.out/estate-prod " in synth
    assert "cdk.out/prod" not in synth + simulate
    assert "--templates cdk.out/estate-prod --config examples/estate/prod.yaml" in simulate


def test_report_is_refused_for_a_config_dir_in_one_line():
    # GIVEN REPORT=1 with a CONFIG_DIR (BENCHMARKS holds the shipped environments only)
    done = _make("-n", "simulate", "ENV=prod", "CONFIG_DIR=examples/estate", "REPORT=1")
    # THEN make stops before anything runs, with one line that says why
    assert done.returncode != 0 and done.stdout == ""
    [line] = done.stderr.strip().splitlines()
    assert "REPORT=1" in line and "shipped environments" in line


def test_the_simulator_refuses_report_with_a_config_of_its_own(capsys):
    from tools.alarmsim.scenarios.__main__ import main

    assert main(["--env", "prod", "--config", str(ESTATE / "prod.yaml"), "--report"]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("simulate: error: --report is for the environments of config/")


def test_the_plan_of_a_config_dir_goes_to_its_own_folder(tmp_path, capsys):
    from plan.__main__ import main

    # GIVEN python -m plan with the example's file WHEN it runs
    assert main([str(ESTATE / "prod.yaml")], out_root=tmp_path) == 0
    # THEN the plan is written beside the example's assembly, never to cdk.out/prod
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.json")] == ["estate-prod/plan.json"]
    doc = json.loads((tmp_path / "estate-prod" / "plan.json").read_text())
    assert {s["name"] for s in doc["services"]} >= {"storefront", "orders", "pipeline"}
