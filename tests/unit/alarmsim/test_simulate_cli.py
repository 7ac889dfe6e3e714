"""`make simulate` (python -m tools.alarmsim.scenarios): exit code from the goals, and where reports go."""
from __future__ import annotations

import json

from tests.unit.alarmsim.builders import metric_alarm, template, topic
from tools.alarmsim.scenarios.__main__ import ROOT, main
from tools.report import REPORT_JSON, REPORT_MD


def _templates(tmp_path, threshold: float) -> str:
    # One router-like alarm: Errors > threshold over 5 min, paging the critical topic.
    resources = {"Crit": topic("acme-alerts-critical"),
                 "Err": metric_alarm("app-acme-test-alerting-router-Errors-critical", period=300, threshold=threshold,
                                     treat="notBreaching", dimensions={"FunctionName": "acme-test-alert-router"},
                                     AlarmActions=[{"Ref": "Crit"}])}
    (tmp_path / "S.template.json").write_text(json.dumps(template(**resources)))
    return str(tmp_path)


def _tracked() -> tuple[str, str]:
    return (REPORT_MD.read_text() if REPORT_MD.exists() else "", REPORT_JSON.read_text() if REPORT_JSON.exists() else "")


def test_a_missed_goal_exits_1_and_a_new_environment_never_touches_the_tracked_report(tmp_path, capsys):
    # GIVEN an alarm that pages on any router error (the router fails an attempt now and then), a new
    # environment and no config for it
    before = _tracked()
    # WHEN 7 normal days are simulated with --report
    code = main(["--env", "acme-test", "--templates", _templates(tmp_path, 0), "--only", "normal-7d",
                 "--seeds", "1", "--report"])
    # THEN the page in normal traffic fails the run, the report lands under cdk.out/ENV/reports, and the
    # tracked BENCHMARKS files are untouched
    assert code == 1
    assert "alerting never pages" in capsys.readouterr().err
    assert (ROOT / "cdk.out" / "acme-test" / "reports" / "simulate-acme-test.md").exists()
    assert _tracked() == before


def test_all_goals_met_exits_0(tmp_path):
    # GIVEN an alarm that needs 50 router errors in 5 minutes WHEN 7 normal days run THEN every goal holds
    assert main(["--env", "acme-test", "--templates", _templates(tmp_path, 50), "--only", "normal-7d",
                 "--seeds", "1"]) == 0


def test_bad_seed_count_is_a_usage_error(tmp_path, capsys):
    # GIVEN --seeds 0 WHEN run THEN exit 2 with one line
    assert main(["--env", "acme-test", "--templates", str(tmp_path), "--seeds", "0"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
