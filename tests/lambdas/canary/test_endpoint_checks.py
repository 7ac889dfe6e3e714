"""The canary's check module against a real local HTTP server: each way a check can fail says why, in one line."""
from __future__ import annotations

import json

import boto3
import pytest
from hypothesis import given, settings, strategies as st
from moto import mock_aws

from endpoint_checks import (
    CheckConfigError,
    HeadersSecretError,
    HttpCheck,
    parse_checks,
    run_check,
    run_checks,
    secret_headers,
)
from tests.lambdas.canary.conftest import Answer


def test_a_healthy_endpoint_passes_with_status_and_latency_recorded(server):
    # GIVEN a ready endpoint answering 200 with {"status": "ok"}
    server.answers["/health/ready"] = Answer(200, {"status": "ok", "checks": {"db": "ok"}})
    check = HttpCheck(name="ready", path="/health/ready", json_path="checks.db", json_equals="ok")
    # WHEN the check runs
    result = run_check(server.base_url, check)
    # THEN it passes, with no reason, and the request was the configured one
    assert result.passed, result.reason
    assert (result.status, result.reason) == (200, "")
    assert result.latency_ms is not None and result.latency_ms >= 0
    assert server.requests[0][:2] == ("GET", "/health/ready")


def test_a_wrong_status_fails_naming_expected_and_actual(server):
    # GIVEN a readiness endpoint that answers 503
    server.answers["/health/ready"] = Answer(503, {"status": "degraded"})
    # WHEN a check expecting 200 runs
    result = run_check(server.base_url, HttpCheck(name="ready", path="/health/ready"))
    # THEN it fails and says which request, what was expected and what came back
    assert not result.passed
    assert result.reason == "GET /health/ready: expected HTTP 200, got 503"


def test_a_response_slower_than_its_budget_fails_naming_the_budget(server):
    # GIVEN an endpoint that takes a quarter of a second, far over a 50 ms budget
    server.answers["/orders"] = Answer(200, {"items": []}, delay_s=0.25)
    # WHEN the check runs
    result = run_check(server.base_url, HttpCheck(name="orders", path="/orders", latency_budget_ms=50))
    # THEN it fails on latency, with the budget in the reason
    assert not result.passed
    assert result.reason.startswith("GET /orders: took ")
    assert result.reason.endswith("ms, over its latency budget of 50 ms")


def test_no_answer_within_the_timeout_fails_saying_so(server):
    # GIVEN an endpoint that hangs longer than the canary waits
    server.answers["/hang"] = Answer(200, {}, delay_s=1.0)
    # WHEN the check runs with a 0.2 s socket timeout
    result = run_check(server.base_url, HttpCheck(name="hang", path="/hang"), timeout_s=0.2)
    # THEN it fails with a timeout reason, not a traceback
    assert not result.passed
    assert "no response from 127.0.0.1:" in result.reason and "within 0.2 s" in result.reason


@pytest.mark.parametrize(
    ("body", "expected_reason"),
    [
        ("<html>oops</html>", "body is not JSON (Expecting value); it starts with '<html>oops</html>'"),
        ({"state": "ok"}, "JSON body has no field 'status'"),
        ({"status": "degraded"}, "JSON field 'status' is 'degraded', expected 'ok'"),
    ],
    ids=["not-json", "missing-field", "wrong-value"],
)
def test_a_bad_json_body_fails_with_what_was_wrong(server, body, expected_reason):
    # GIVEN an endpoint answering 200 with a body that does not satisfy the JSON check
    server.answers["/health/ready"] = Answer(200, body)
    check = HttpCheck(name="ready", path="/health/ready", json_path="status", json_equals="ok")
    # WHEN the check runs
    result = run_check(server.base_url, check)
    # THEN it fails with the specific body problem
    assert not result.passed
    assert result.reason == f"GET /health/ready: {expected_reason}"


def test_connection_refused_fails_naming_the_target(closed_port_url):
    # GIVEN a port where nothing listens
    port = closed_port_url.rsplit(":", 1)[1]
    # WHEN a check runs against it
    result = run_check(closed_port_url, HttpCheck(name="live", path="/health/live"))
    # THEN it fails with a connection-refused reason naming host and port
    assert not result.passed
    assert result.status is None
    assert result.reason == f"GET /health/live: could not connect to 127.0.0.1:{port} (connection refused)"


def test_a_base_url_prefix_and_method_and_body_are_sent_as_configured(server):
    # GIVEN an API mounted under /v1 that accepts POST /v1/orders with 201
    server.answers["/v1/orders"] = Answer(201, {"id": "o-1"})
    check = HttpCheck(name="create", path="/orders", method="POST", expected_status=201, body='{"dry_run": true}',
                      json_path="id")
    # WHEN the check runs against the prefixed base URL
    result = run_check(server.base_url + "/v1/", check)
    # THEN the request went to the joined path with the method, and the field-exists check passed
    assert result.passed, result.reason
    assert server.requests[0][:2] == ("POST", "/v1/orders")


def test_a_non_http_base_url_fails_without_sending_anything():
    # GIVEN a base URL with the wrong scheme
    result = run_check("ftp://example.com", HttpCheck(name="live", path="/health/live"))
    # THEN the check fails with what is allowed
    assert not result.passed
    assert result.reason == "GET /health/live: base URL 'ftp://example.com' must be http(s)://host[:port][/prefix]"


@mock_aws
def test_headers_come_from_the_secret_and_never_appear_in_reasons(server):
    # GIVEN a secret with an Authorization header, and an endpoint that rejects the call
    client = boto3.client("secretsmanager", region_name="us-east-1")
    client.create_secret(Name="watchtower/dev/orders-canary",
                         SecretString=json.dumps({"Authorization": "Bearer s3cr3t"}))
    server.answers["/orders"] = Answer(403, {"message": "forbidden"})
    checks = [HttpCheck(name="orders", path="/orders", headers_secret="watchtower/dev/orders-canary"),
              HttpCheck(name="orders-again", path="/orders", headers_secret="watchtower/dev/orders-canary")]
    # WHEN the checks run, reading the secret through Secrets Manager
    results = run_checks(server.base_url, checks, read_headers=lambda name: secret_headers(name, client))
    # THEN the header was sent on both requests, and the failure reason does not leak its value
    assert [r[2].get("Authorization") for r in server.requests] == ["Bearer s3cr3t", "Bearer s3cr3t"]
    assert all("s3cr3t" not in r.reason for r in results)
    assert results[0].reason == "GET /orders: expected HTTP 200, got 403"


@mock_aws
def test_an_unreadable_or_malformed_secret_fails_its_checks_with_the_secret_name():
    # GIVEN one missing secret and one that is not a JSON object of strings
    client = boto3.client("secretsmanager", region_name="us-east-1")
    client.create_secret(Name="bad-shape", SecretString='["Authorization", "x"]')
    # WHEN the headers are read
    with pytest.raises(HeadersSecretError) as missing:
        secret_headers("does-not-exist", client)
    with pytest.raises(HeadersSecretError) as malformed:
        secret_headers("bad-shape", client)
    # THEN each error names the secret and the problem
    assert str(missing.value) == "could not read headers secret 'does-not-exist' (ResourceNotFoundException)"
    assert str(malformed.value) == "headers secret 'bad-shape' must be a JSON object of header names to string values"
    # AND a check that needs such a secret fails without a request being made
    results = run_checks("http://127.0.0.1:9", [HttpCheck(name="x", path="/x", headers_secret="does-not-exist")],
                         read_headers=lambda name: secret_headers(name, client))
    assert results[0].reason == "GET /x: could not read headers secret 'does-not-exist' (ResourceNotFoundException)"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("not json", "checks are not valid JSON (Expecting value at char 0)"),
        ("[]", "checks must be a non-empty JSON array of objects"),
        ('[{"name": "a", "path": "health"}]', "checks[0] (a): 'path' is required and must start with '/'"),
        ('[{"name": "a", "path": "/a", "method": "FETCH"}]',
         "checks[0] (a): method 'FETCH' is not one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"),
        ('[{"name": "a", "path": "/a", "expected_status": 700}]',
         "checks[0] (a): expected_status must be an HTTP status 100-599, got 700"),
        ('[{"name": "a", "path": "/a", "timeout": 3}]',
         "checks[0]: unknown key(s) timeout; allowed: body, expected_status, headers_secret, json_equals, json_path, "
         "latency_budget_ms, method, name, path"),
    ],
)
def test_malformed_check_lists_are_rejected_in_one_line(raw, message):
    # WHEN a malformed check list is parsed  THEN the error is one line naming the entry and what is allowed
    with pytest.raises(CheckConfigError) as error:
        parse_checks(raw)
    assert str(error.value) == message
    assert "\n" not in str(error.value)


_names = st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True)
_paths = st.from_regex(r"/[a-z0-9/_-]{0,30}", fullmatch=True)


@settings(max_examples=100, deadline=None)
@given(
    name=_names, path=_paths, method=st.sampled_from(["get", "POST", "Put", "DELETE"]),
    status=st.integers(100, 599), budget=st.integers(1, 60_000),
)
def test_any_valid_check_round_trips_through_json(name, path, method, status, budget):
    # GIVEN a valid check written as the canary receives it (JSON)
    raw = json.dumps([{"name": name, "path": path, "method": method, "expected_status": status,
                       "latency_budget_ms": budget}])
    # WHEN parsed  THEN every field survives, with the method upper-cased
    (check,) = parse_checks(raw)
    assert (check.name, check.path, check.method, check.expected_status, check.latency_budget_ms) == (
        name, path, method.upper(), status, budget)
