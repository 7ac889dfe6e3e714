"""A usage mistake on any tool's command line is one line on stderr and exit 2, not argparse's usage block."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("argv, expected", [
    (["lambdas.alert_router"], "required: command"),
    (["lambdas.alert_router", "preview", "--channel", "fax", "x.json"], "invalid choice: 'fax'"),
    (["tools.cost_estimate"], "required: outdir"),
    (["tools.drill"], "required: --env"),
    (["tools.redrive", "prod", "--limit", "many"], "expected a whole number of at least 1, got 'many'"),
    (["tools.alarmsim.scenarios", "--env", "prod", "--bogus"], "unrecognized arguments: --bogus"),
    (["tools.redrive", "prod", "--limit", "0"], "expected a whole number of at least 1, got '0'"),
    (["tools.drill", "--env", "prod", "--timeout", "-1"], "expected a number of seconds (0 or more), got '-1'"),
])
def test_a_usage_mistake_is_one_line_and_exit_2(argv, expected):
    # GIVEN a wrong command line WHEN the tool runs
    done = subprocess.run([sys.executable, "-m", *argv], cwd=ROOT, capture_output=True, text=True, timeout=120)
    # THEN exit 2, and one line naming the mistake and pointing at --help
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and expected in done.stderr and done.stderr.rstrip().endswith("(see --help)")
    assert done.stdout == ""


def test_an_unknown_env_for_the_cost_estimate_is_one_line(tmp_path):
    # GIVEN a folder holding a template and a mistyped --env (it used to price with the default assumptions)
    (tmp_path / "S.template.json").write_text('{"Resources": {}}')
    done = subprocess.run([sys.executable, "-m", "tools.cost_estimate", str(tmp_path), "--env", "prd"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    # THEN exit 2 and one line listing the known environments, nothing priced
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [
        "cost estimate: unknown environment 'prd' for --env: known environments are dev, prod, staging"]
