"""app.py reports bad input as one line and exit 2, and lets a bug keep its traceback."""
from __future__ import annotations

import pytest

import app
from plan.discovery import DiscoveryError


def _failing_build(error: Exception):
    def build(_app, _cfg):
        raise error
    return build


def test_bad_input_from_any_layer_is_one_config_error_line_and_exit_2(monkeypatch, capsys):
    # GIVEN a service template that discovery cannot read (an input problem found while building the stacks)
    monkeypatch.setenv("CDK_CONTEXT_JSON", '{"env": "dev"}')
    monkeypatch.setattr(app, "build_environment", _failing_build(DiscoveryError("orders: template x.json not found")))
    # WHEN the entry point runs
    status = app.main()
    # THEN one line names the problem and the exit status is 2
    assert status == 2
    assert capsys.readouterr().err.splitlines() == ["config error: orders: template x.json not found"]


def test_a_plain_value_error_is_a_bug_and_is_not_reported_as_bad_config(monkeypatch, capsys):
    # GIVEN code that raises a ValueError of its own (a bug, not an input problem)
    monkeypatch.setenv("CDK_CONTEXT_JSON", '{"env": "dev"}')
    monkeypatch.setattr(app, "build_environment", _failing_build(ValueError("math domain error")))
    # WHEN the entry point runs
    # THEN the error propagates with its traceback instead of being dressed up as a config error
    with pytest.raises(ValueError, match="math domain error"):
        app.main()
    assert "config error" not in capsys.readouterr().err
