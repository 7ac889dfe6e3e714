"""`make slo-report`: SLO names from the templates, budget reports from Application Signals (moto has no
application-signals API, so botocore's Stubber checks every request against the real service model)."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import boto3
import pytest
from botocore.stub import Stubber

from tools.slo_report import BudgetLine, budget_report, exit_code, format_report, main, slo_names

AT = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
ARN = "arn:aws:application-signals:eu-west-1:123456789012:slo/"


def report(name: str, status: str, attainment: float, total: int, remaining: int) -> dict:
    return {"Arn": ARN + name, "Name": name, "EvaluationType": "RequestBased", "BudgetStatus": status,
            "Attainment": attainment, "TotalBudgetRequests": total, "BudgetRequestsRemaining": remaining,
            "Goal": {"AttainmentGoal": 99.9}}


@pytest.fixture
def client():
    return boto3.client("application-signals", region_name="eu-west-1")


def templates_with(tmp_path, names):
    resources = {f"S{i}": {"Type": "AWS::ApplicationSignals::ServiceLevelObjective", "Properties": {"Name": n}}
                 for i, n in enumerate(names)}
    resources["T"] = {"Type": "AWS::SNS::Topic", "Properties": {}}
    (tmp_path / "x.template.json").write_text(json.dumps({"Resources": resources}))
    return tmp_path


def test_names_come_from_the_synthesized_slo_resources_only(synth):
    names = slo_names(synth.templates("prod"))
    assert names == sorted(names) and "watchtower-prod-orders-availability" in names
    assert all(n.startswith("watchtower-prod-") for n in names) and len(names) == 5


def test_reports_are_fetched_in_batches_of_50_and_kept_in_name_order(client):
    # GIVEN 51 SLOs: the API takes at most 50 ids per call
    names = [f"slo-{i:02d}" for i in range(51)]
    with Stubber(client) as stub:
        stub.add_response("batch_get_service_level_objective_budget_report",
                          {"Timestamp": AT, "Reports": [report(n, "OK", 99.95, 1000, 500) for n in names[:50]],
                           "Errors": []},
                          {"Timestamp": AT, "SloIds": names[:50]})
        stub.add_response("batch_get_service_level_objective_budget_report",
                          {"Timestamp": AT, "Reports": [report(names[50], "BREACHED", 99.0, 1000, -9000)],
                           "Errors": []},
                          {"Timestamp": AT, "SloIds": names[50:]})
        # WHEN the report is fetched
        lines = budget_report(client, names, AT)
        stub.assert_no_pending_responses()
    # THEN every SLO has its line, the breached one is overspent, and the exit code says so
    assert [l.name for l in lines] == names
    assert lines[0].remaining_percent == pytest.approx(50)
    assert lines[-1].status == "BREACHED" and lines[-1].remaining_percent == pytest.approx(-900)
    assert exit_code(lines) == 1 and exit_code(lines[:50]) == 0


def test_an_slo_the_service_does_not_know_is_reported_not_dropped(client):
    with Stubber(client) as stub:
        stub.add_response("batch_get_service_level_objective_budget_report",
                          {"Timestamp": AT, "Reports": [report("a", "WARNING", 99.92, 1000, 200)],
                           "Errors": [{"Name": "b", "Arn": ARN + "b", "ErrorCode": "ResourceNotFound",
                                       "ErrorMessage": "SLO b not found"}]},
                          {"Timestamp": AT, "SloIds": ["a", "b", "c"]})
        lines = budget_report(client, ["a", "b", "c"], AT)
    assert [(l.name, l.status) for l in lines] == [("a", "WARNING"), ("b", "ERROR"), ("c", "MISSING")]
    table = format_report(lines, AT)
    assert "200 of 1000 requests (20.0%)" in table and "ResourceNotFound: SLO b not found" in table
    assert exit_code(lines) == 1


def test_main_prints_the_table_for_the_templates_names(tmp_path, client, capsys):
    folder = templates_with(tmp_path, ["watchtower-prod-orders-latency", "watchtower-prod-orders-availability"])
    with Stubber(client) as stub:
        stub.add_response("batch_get_service_level_objective_budget_report",
                          {"Timestamp": AT, "Errors": [], "Reports": [
                              report("watchtower-prod-orders-availability", "OK", 99.97, 4320, 3000),
                              report("watchtower-prod-orders-latency", "OK", 99.5, 43200, 21600)]},
                          {"Timestamp": AT, "SloIds": ["watchtower-prod-orders-availability",
                                                       "watchtower-prod-orders-latency"]})
        code = main(["prod", "--templates", str(folder), "--at", "2026-12-01T09:00:00Z"], client=client)
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0] == "SLO budget report as of 2026-12-01T09:00:00Z"
    assert out[2].split()[:4] == ["watchtower-prod-orders-availability", "OK", "99.970", "99.900"]


def test_a_failed_aws_call_is_one_line_and_exit_2(tmp_path, client, capsys):
    folder = templates_with(tmp_path, ["a"])
    with Stubber(client) as stub:
        stub.add_client_error("batch_get_service_level_objective_budget_report", service_error_code="AccessDeniedException",
                              service_message="not authorized", http_status_code=403)
        code = main(["prod", "--templates", str(folder)], client=client)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and err[0].startswith("slo-report: error: AWS call failed: ")
    assert "AccessDeniedException" in err[0]


@pytest.mark.parametrize(("argv", "message"), [
    (["prod", "--templates", "/nonexistent"], "/nonexistent does not exist: run `make synth ENV=prod` first"),
    (["prod", "--at", "yesterday"], "--at 'yesterday' is not an ISO 8601 time"),
])
def test_bad_input_is_one_line_and_exit_2(argv, message, capsys):
    assert main(argv, client=object()) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_templates_without_slos_are_refused(tmp_path, capsys):
    assert main(["prod", "--templates", str(templates_with(tmp_path, []))], client=object()) == 2
    assert "no Application Signals SLO in the templates" in capsys.readouterr().err


def test_period_based_reports_count_seconds():
    line = BudgetLine("p", "OK", 99.9, 99.0, 2592, 1296, "seconds")
    assert "1296 of 2592 seconds (50.0%)" in format_report([line], AT)


def test_a_usage_mistake_on_the_command_line_is_one_line():
    import subprocess
    import sys
    from pathlib import Path

    done = subprocess.run([sys.executable, "-m", "tools.slo_report"], cwd=Path(__file__).resolve().parents[2],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "required: env" in done.stderr
