"""Health endpoints: live/ready/detailed, parallel checks with timeouts, caching, the Powertools resolver."""
from __future__ import annotations

import json
import threading
import time

import boto3
import pytest
from moto import mock_aws

from observability.health import HealthChecks, callable_check, dynamodb_table_check, s3_bucket_check


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_ready_is_200_when_all_checks_pass_and_503_when_one_fails():
    # GIVEN one passing and one failing check
    health = HealthChecks({"ok": lambda: True, "broken": callable_check(lambda: False)}, cache_seconds=0)
    # WHEN readiness is asked
    result = health.ready()
    # THEN 503 naming the failing component
    assert result.status_code == 503 and result.body == {"status": "unhealthy", "failing": ["broken"]}
    assert HealthChecks({"ok": lambda: True}, cache_seconds=0).ready().status_code == 200


def test_a_check_returning_false_is_unhealthy_as_documented():
    # GIVEN a plain check (no callable_check wrapper) that reports its dependency down by returning False
    health = HealthChecks({"db": lambda: False, "cache": lambda: None}, cache_seconds=0)
    # WHEN readiness and the detailed view are asked
    ready, detailed = health.ready(), health.detailed()
    # THEN both answer 503 and name the check; a check returning anything else (None here) stays healthy
    assert ready.status_code == 503 and ready.body["failing"] == ["db"]
    assert detailed.status_code == 503
    db = detailed.body["components"]["db"]
    assert (db["status"], db["error"]) == ("unhealthy", "returned False")
    assert detailed.body["components"]["cache"]["status"] == "healthy"


def test_a_check_that_raises_is_unhealthy_with_its_type_only():
    def explode():
        raise ConnectionError("db.internal:5432 refused")

    detailed = HealthChecks({"db": explode}, cache_seconds=0).detailed()
    assert detailed.status_code == 503
    assert detailed.body["components"]["db"]["error"] == "ConnectionError"
    assert "db.internal" not in json.dumps(detailed.body)  # internals stay out of a public body


def test_a_slow_check_times_out_to_503_without_waiting_for_it():
    # GIVEN a check that hangs far longer than its timeout
    release = threading.Event()
    health = HealthChecks({"slow": lambda: release.wait(5), "fast": lambda: True},
                          timeout_seconds={"slow": 0.05, "fast": 1.0}, cache_seconds=0)
    try:
        # WHEN readiness is asked
        result = health.detailed()
        # THEN the slow check is reported as a timeout and the answer is 503
        assert result.status_code == 503
        assert result.body["components"]["slow"]["status"] == "unhealthy"
        assert result.body["components"]["slow"]["error"] == "timeout after 0.05 s"
        assert result.body["components"]["fast"]["status"] == "healthy"
    finally:
        release.set()


def test_checks_run_in_parallel():
    # GIVEN three checks that each wait until all three have started (a barrier)
    barrier = threading.Barrier(3, timeout=2)
    health = HealthChecks({f"c{i}": barrier.wait for i in range(3)}, timeout_seconds=3, cache_seconds=0)
    # WHEN run: THEN they all pass, which is only possible if they ran at the same time
    assert health.ready().status_code == 200


def test_results_are_cached_for_the_configured_seconds():
    # GIVEN a check that counts its calls, a 5-second cache and a controllable clock
    calls = []
    clock = FakeClock()
    health = HealthChecks({"counted": lambda: calls.append(1)}, cache_seconds=5, clock=clock)
    # WHEN asked three times within 5 s, then after 5 s
    health.ready()
    clock.now = 2
    health.detailed()
    clock.now = 4.9
    health.ready()
    assert len(calls) == 1
    clock.now = 5.0
    health.ready()
    # THEN the check ran once per cache window
    assert len(calls) == 2


def test_detailed_reports_components_latency_version_and_cold_start():
    body = HealthChecks({"db": lambda: time.sleep(0.01)}, version="1.4.2", cache_seconds=0).detailed().body
    assert body["status"] == "healthy" and body["version"] == "1.4.2"
    assert isinstance(body["cold_start"], bool)
    assert body["components"]["db"]["status"] == "healthy" and body["components"]["db"]["latency_ms"] >= 10


def test_live_is_always_200():
    assert HealthChecks({"broken": lambda: False}).live().status_code == 200


@pytest.fixture
def aws(monkeypatch):
    for name, value in {"AWS_DEFAULT_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "testing",
                        "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield


def test_dynamodb_and_s3_checks_against_moto(aws):
    # GIVEN a real (moto) table and bucket
    boto3.client("dynamodb").create_table(
        TableName="orders", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    boto3.client("s3").create_bucket(Bucket="assets", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    # (a generous timeout: this test is about the answers, and a loaded machine makes moto's first call slow)
    good = HealthChecks({"table": dynamodb_table_check("orders"), "bucket": s3_bucket_check("assets")},
                        cache_seconds=0, timeout_seconds=30)
    bad = HealthChecks({"table": dynamodb_table_check("missing"), "bucket": s3_bucket_check("nope")},
                       cache_seconds=0, timeout_seconds=30)
    # THEN existing resources are healthy and missing ones make readiness 503
    assert good.ready().status_code == 200
    result = bad.detailed()
    assert result.status_code == 503
    assert result.body["components"]["table"]["error"] == "ResourceNotFoundException"
    assert result.body["components"]["bucket"]["status"] == "unhealthy"


def test_routes_work_with_the_powertools_rest_resolver():
    # GIVEN health routes registered on an APIGatewayRestResolver
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver

    app = APIGatewayRestResolver()
    HealthChecks({"dep": callable_check(lambda: False)}, cache_seconds=0).register(app)

    def get(path):
        event = {"resource": path, "path": path, "httpMethod": "GET", "headers": {}, "multiValueHeaders": {},
                 "queryStringParameters": None, "requestContext": {"requestId": "r", "stage": "prod"},
                 "body": None, "isBase64Encoded": False}
        return app.resolve(event, None)

    # WHEN each endpoint is called; THEN status codes follow health, bodies are JSON
    live, ready, detailed = get("/health/live"), get("/health/ready"), get("/health/detailed")
    assert (live["statusCode"], ready["statusCode"], detailed["statusCode"]) == (200, 503, 503)
    assert json.loads(detailed["body"])["components"]["dep"]["status"] == "unhealthy"
