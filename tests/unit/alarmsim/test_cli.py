"""The command line: JSON lines per state change; bad input is one stderr line and exit code 2."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.unit.alarmsim.builders import metric_alarm, template, topic
from tools.alarmsim.cli import main

ROOT = Path(__file__).resolve().parents[3]
HEADER = "timestamp,namespace,metric_name,dimensions,value\n"


@pytest.fixture()
def files(tmp_path):
    tmpl = tmp_path / "t.json"
    tmpl.write_text(json.dumps(template(
        Pager=topic("pager"),
        Errors=metric_alarm("orders-errors", evaluation_periods=2, AlarmActions=[{"Ref": "Pager"}]),
        Unnamed={"Type": "AWS::CloudWatch::Alarm", "Properties": {**metric_alarm("x")["Properties"], "AlarmName": None}},
    )))
    series = tmp_path / "s.csv"
    rows = [f"2026-01-01T00:0{m}:{s:02d}Z,AWS/Lambda,Errors,FunctionName=orders-handler,{v}\n"
            for m, v in ((0, 0), (1, 2), (2, 3)) for s in (0, 30)]
    series.write_text(HEADER + "".join(rows))
    return tmpl, series


def test_prints_one_json_line_per_state_change(files, capsys):
    # GIVEN a template and a CSV with two samples a minute, errors from 00:01
    tmpl, series = files
    # WHEN run from OK until 00:04
    code = main(["--template", str(tmpl), "--series", str(series), "--initial-state", "OK",
                 "--start", "2026-01-01T00:00:00Z", "--end", "2026-01-01T00:04:00Z"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    # THEN exit 0, and the named alarm pages at 00:03 (2 of 2 breaching: the 00:01 and 00:02 periods)
    assert code == 0
    named = [line for line in lines if line["alarm"] == "orders-errors"]
    assert {"time": "2026-01-01T00:03:00Z", "alarm": "orders-errors", "from": "OK", "to": "ALARM",
            "actions": ["pager"]} in named
    # AND an alarm without AlarmName is reported by its logical id
    assert any(line["alarm"] == "Unnamed" for line in lines)
    assert all(set(line) >= {"time", "alarm", "from", "to", "actions"} for line in lines)


@pytest.mark.parametrize("mutate,needle", [
    (lambda t, s: ["--template", str(t) + ".nope", "--series", str(s)], "cannot read template"),
    (lambda t, s: ["--template", str(s), "--series", str(s)], "not valid JSON"),
    (lambda t, s: ["--template", str(t), "--series", str(t)], "header must be"),
    (lambda t, s: ["--template", str(t), "--series", str(s), "--initial-state", "BROKEN"], "--initial-state"),
    (lambda t, s: ["--template", str(t), "--series", str(s), "--start", "yesterday"], "--start/--end"),
    (lambda t, s: ["--template", str(t), "--series", str(s), "--start", "2026-01-02T00:00:00Z",
                   "--end", "2026-01-01T00:00:00Z"], "before start"),
    (lambda t, s: ["--series", str(s)], "--template"),
])
def test_bad_input_is_one_line_and_exit_2(files, capsys, mutate, needle):
    # GIVEN a bad argument WHEN run THEN exit 2 with one stderr line naming the problem, and no stdout
    tmpl, series = files
    code = main(mutate(tmpl, series))
    captured = capsys.readouterr()
    assert code == 2
    assert len(captured.err.strip().splitlines()) == 1 and needle in captured.err
    assert "Traceback" not in captured.err and captured.out == ""


@pytest.mark.parametrize("row,needle", [
    ("2026-01-01T00:00:00Z,AWS/Lambda,Errors,FunctionName=f,abc\n", "not a number"),
    ("2026-13-01T00:00:00Z,AWS/Lambda,Errors,FunctionName=f,1\n", "not ISO-8601"),
    ("2026-01-01T00:00:00Z,AWS/Lambda,Errors,FunctionName,1\n", "Name=Value"),
    ("2026-01-01T00:00:00Z,AWS/Lambda,Errors\n", "expected 5 columns"),
])
def test_bad_csv_rows_name_the_line(files, tmp_path, capsys, row, needle):
    # GIVEN a CSV with one bad row WHEN run THEN exit 2 and the message names line 2
    tmpl, _ = files
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + row)
    assert main(["--template", str(tmpl), "--series", str(bad)]) == 2
    err = capsys.readouterr().err
    assert ":2:" in err and needle in err


@pytest.mark.parametrize("which, content, needle", [
    ("series", b"\x90\xff binary", "not UTF-8 text"),
    ("series", HEADER.encode() + b"2026-01-01T00:00:00Z,AWS/Lambda,Errors,FunctionName=" + b"f" * 200_000 + b",1\n",
     "not a readable CSV"),  # a field over csv's size limit
    ("template", b"\x90\xff binary", "not UTF-8 text"),
    ("template", b'{"Resources": {"A": 5}}', "each resource must be a mapping"),
])
def test_unreadable_files_are_one_line(files, tmp_path, capsys, which, content, needle):
    # GIVEN a series or template file that is binary, malformed CSV, or a template whose resource is not a mapping
    tmpl, series = files
    odd = tmp_path / "odd.json"
    odd.write_bytes(content)
    args = {"template": str(tmpl), "series": str(series), which: str(odd)}
    # WHEN run THEN exit 2 with one line naming the file, no traceback
    code = main(["--template", args["template"], "--series", args["series"]])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and str(odd) in err and needle in err


def test_module_entry_point_runs_as_a_process(files):
    # GIVEN the package WHEN run with python -m and a bad state THEN the process exits 2 without a traceback
    tmpl, series = files
    done = subprocess.run([sys.executable, "-m", "tools.alarmsim", "--template", str(tmpl), "--series", str(series),
                           "--initial-state", "nope"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr and done.stderr.count("\n") == 1
