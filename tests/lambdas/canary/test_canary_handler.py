"""The Synthetics entry point: runs the configured checks, passes quietly, fails with every reason."""
from __future__ import annotations

import json

import pytest

from canary_handler import CanaryFailedError, CanarySettingsError, handler
from tests.lambdas.canary.conftest import Answer


def _environ(base_url: str, checks: list[dict], **extra: str) -> dict[str, str]:
    return {"CANARY_BASE_URL": base_url, "CANARY_CHECKS": json.dumps(checks), **extra}


HEALTH = [
    {"name": "live", "path": "/health/live"},
    {"name": "ready", "path": "/health/ready", "json_path": "status", "json_equals": "ok"},
]


def test_all_checks_passing_returns_a_summary(server):
    # GIVEN a healthy service
    server.answers["/health/live"] = Answer(200, {"status": "ok"})
    server.answers["/health/ready"] = Answer(200, {"status": "ok"})
    # WHEN the canary runs  THEN it returns normally (a passed run) with a summary
    assert handler({}, None, environ=_environ(server.base_url, HEALTH)) == "2 of 2 checks passed"


def test_any_failing_check_fails_the_run_with_every_reason(server):
    # GIVEN a live service that is not ready
    server.answers["/health/live"] = Answer(200, {"status": "ok"})
    server.answers["/health/ready"] = Answer(503, {"status": "starting"})
    # WHEN the canary runs
    with pytest.raises(CanaryFailedError) as failure:
        handler({}, None, environ=_environ(server.base_url, HEALTH))
    # THEN the run fails (Synthetics records a failure) and the message carries the reason
    assert str(failure.value) == "1 of 2 checks failed: GET /health/ready: expected HTTP 200, got 503"


def test_each_result_is_logged_as_one_json_line(server, caplog):
    # GIVEN a healthy live endpoint
    server.answers["/health/live"] = Answer(200, {"status": "ok"})
    # WHEN the canary runs with logging captured
    with caplog.at_level("INFO", logger="canary"):
        handler({}, None, environ=_environ(server.base_url, HEALTH[:1]))
    # THEN one structured line per check is logged
    (record,) = [r for r in caplog.records if r.name == "canary"]
    assert json.loads(record.getMessage())["check"] == "live"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"CANARY_CHECKS": "[]"},
         "canary misconfigured: CANARY_BASE_URL is not set: expected https://host[/prefix] of the service"),
        ({"CANARY_BASE_URL": "https://x"},
         "canary misconfigured: CANARY_CHECKS is not set: expected a JSON array of checks"),
        ({"CANARY_BASE_URL": "https://x", "CANARY_CHECKS": "{}"},
         "canary misconfigured: checks must be a non-empty JSON array of objects"),
        ({"CANARY_BASE_URL": "https://x", "CANARY_CHECKS": json.dumps(HEALTH), "CANARY_TIMEOUT_SECONDS": "soon"},
         "canary misconfigured: CANARY_TIMEOUT_SECONDS must be a number of seconds in (0, 840], got 'soon'"),
    ],
)
def test_bad_settings_fail_with_one_line_naming_the_variable(environ, message):
    with pytest.raises(CanarySettingsError) as error:
        handler({}, None, environ=environ)
    assert str(error.value) == message
