"""@instrument logging: JSON lines with Lambda context, correlation id, cold start, pseudonymous user, errors."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from observability import instrument
from observability.fingerprint import fingerprint
from tests.lambdas.layer.conftest import LAYER_PATH

API_EVENT = {
    "resource": "/orders", "path": "/orders", "httpMethod": "POST",
    "headers": {"Content-Type": "application/json"},
    "requestContext": {"requestId": "rest-req-1", "authorizer": {"claims": {"sub": "alice-123"}}},
    "body": "{}",
}


def test_every_log_line_is_json_with_context_correlation_cold_start_and_service(
        make_runtime, output, lambda_context):
    # GIVEN an instrumented handler that logs three lines
    rt = make_runtime()

    @instrument(runtime=rt)
    def handler(event, context):
        rt.logger.info("received")
        rt.logger.debug("not shown at INFO")
        rt.logger.info("validated", extra={"items": 3})
        rt.logger.warning("slow")
        return {"statusCode": 200}

    output()  # drop the runtime's start-up lines
    # WHEN it is invoked twice
    handler(API_EVENT, lambda_context)
    handler(API_EVENT, lambda_context)
    logs = output().logs

    # THEN each line is JSON carrying the context keys; cold_start is true only on the first invocation
    assert [log["message"] for log in logs] == ["received", "validated", "slow"] * 2
    for log in logs:
        assert log["service"] == rt.settings.service
        assert log["environment"] == "test"
        assert log["correlation_id"] == "rest-req-1"
        assert log["function_name"] == "orders-fn"
        assert log["function_request_id"] == lambda_context.aws_request_id
    assert [log["cold_start"] for log in logs] == [True] * 3 + [False] * 3
    assert logs[1]["items"] == 3


@pytest.mark.parametrize(("event", "expected"), [
    pytest.param({**API_EVENT, "headers": {"X-Correlation-ID": "from-header"}}, "from-header", id="header-wins"),
    pytest.param({"version": "2.0", "headers": {"x-correlation-id": "http-hdr"},
                  "requestContext": {"requestId": "http-req"}}, "http-hdr", id="http-api-header"),
    pytest.param({"version": "2.0", "headers": {}, "requestContext": {"requestId": "http-req"}}, "http-req",
                 id="http-api-request-id"),
    pytest.param({"multiValueHeaders": {"x-correlation-id": ["mv-1"]}, "requestContext": {"requestId": "r"}},
                 "mv-1", id="multi-value-header"),
    pytest.param({"Records": [{"eventSource": "aws:sqs", "messageId": "m1", "messageAttributes": {
        "correlation_id": {"stringValue": "sqs-cid", "dataType": "String"}}}]}, "sqs-cid", id="sqs-attribute"),
    pytest.param({"Records": [{"EventSource": "aws:sns", "Sns": {"MessageId": "n1", "MessageAttributes": {
        "x-correlation-id": {"Type": "String", "Value": "sns-cid"}}}}]}, "sns-cid", id="sns-attribute"),
    pytest.param({"id": "eb-123", "detail-type": "Order Placed", "source": "shop", "detail": {}}, "eb-123",
                 id="eventbridge-id"),
    pytest.param({"anything": 1}, "11111111-2222-3333-4444-555555555555", id="fallback-request-id"),
    pytest.param([1, 2], "11111111-2222-3333-4444-555555555555", id="non-dict-event"),
])
def test_correlation_id_comes_from_the_event_with_the_header_winning(
        make_runtime, output, lambda_context, event, expected):
    # GIVEN an instrumented handler
    rt = make_runtime()

    @instrument(runtime=rt)
    def handler(event, context):
        rt.logger.info("hi")

    output()
    # WHEN invoked with an event of a given shape
    handler(event, lambda_context)
    # THEN the log line carries the id that shape defines
    assert output().logs[-1]["correlation_id"] == expected


def test_user_id_is_pseudonymized_on_logs_and_never_raw(make_runtime, output, lambda_context):
    # GIVEN a handler called by two users and then anonymously
    rt = make_runtime()

    @instrument(runtime=rt)
    def handler(event, context):
        rt.logger.info("work")

    def as_user(sub):
        return {**API_EVENT, "requestContext": {"requestId": "r", "authorizer": {"claims": {"sub": sub}}}}

    output()
    # WHEN invoked
    handler(as_user("alice-123"), lambda_context)
    handler(as_user("alice-123"), lambda_context)
    handler(as_user("bob-456"), lambda_context)
    handler({"requestContext": {"requestId": "r"}}, lambda_context)
    out = output()
    users = [log.get("user") for log in out.logs]

    # THEN the same user maps to the same pseudonym, different users differ, anonymous calls carry none
    assert users[0] == users[1] and users[0] != users[2] and users[3] is None
    assert all(len(user) == 24 for user in users[:3])
    assert "alice-123" not in "\n".join(out.lines) and "bob-456" not in "\n".join(out.lines)


def test_pseudonym_salt_is_read_from_a_named_secret(make_runtime, output, monkeypatch):
    # GIVEN a salt secret in (moto) Secrets Manager, named by USER_ID_SALT_SECRET_NAME
    boto3 = pytest.importorskip("boto3")
    moto = pytest.importorskip("moto")
    for name, value in {"AWS_DEFAULT_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "testing",
                        "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    with moto.mock_aws():
        boto3.client("secretsmanager", region_name="eu-west-1").create_secret(
            Name="demo/user-salt", SecretString="s3cret-salt")
        first, second = make_runtime(USER_ID_SALT_SECRET_NAME="demo/user-salt"), \
            make_runtime(USER_ID_SALT_SECRET_NAME="demo/user-salt")
        # WHEN two containers pseudonymize the same user
        # THEN they agree (a random per-container salt would not)
        assert first.pseudonymize("alice") == second.pseudonymize("alice")
        missing = make_runtime(USER_ID_SALT_SECRET_NAME="no/such-secret")
        output()
        missing.pseudonymize("alice")
    # AND a missing secret gives one warning line, not a crash
    warnings = [log for log in output().logs if log["level"] == "WARNING"]
    assert len(warnings) == 1 and "no/such-secret" in warnings[0]["message"]


def test_uncaught_exception_is_logged_once_with_fingerprint_then_reraised(make_runtime, output, lambda_context):
    # GIVEN an instrumented handler calling an instrumented inner function that fails
    rt = make_runtime()

    @instrument(runtime=rt)
    def inner(event, context):
        return int(event["quantity"])

    @instrument(runtime=rt)
    def handler(event, context):
        return inner(event, context)

    output()
    # WHEN it raises
    with pytest.raises(ValueError):
        handler({"quantity": "many"}, lambda_context)
    errors = [log for log in output().logs if log["level"] == "ERROR"]

    # THEN exactly one error line, with the type and the top frame of our own code (not the library's)
    assert len(errors) == 1
    assert errors[0]["error_type"] == "ValueError"
    assert errors[0]["error_location"] == "test_layer_logging.py:inner"
    assert len(errors[0]["error_fingerprint"]) == 16
    assert "Traceback" in errors[0]["exception"]


def test_fingerprint_groups_by_type_and_function_not_by_message_or_line():
    # GIVEN the same error type raised from one function with different messages, and from another function
    def parse(text):
        return int(text)

    def other(text):
        return int(text)

    def caught(function, argument):
        try:
            function(argument)
        except ValueError as error:
            return fingerprint(error)

    # WHEN fingerprinted
    first, second, elsewhere = caught(parse, "a"), caught(parse, "b"), caught(other, "a")
    # THEN messages do not matter, the function does
    assert first == second
    assert first.fingerprint != elsewhere.fingerprint
    assert first.location == "test_layer_logging.py:parse"


def test_bad_configuration_gives_one_clear_line_each_and_safe_defaults(make_runtime, output):
    # GIVEN bad values in every validated variable
    output()
    rt = make_runtime(LOG_LEVEL="LOUD", ENABLE_METRICS="maybe", TRACE_SAMPLE_RATE="2",
                      ERROR_TRACE_SAMPLE_RATE="abc", ENABLE_TRACING="nope")
    # WHEN the runtime starts (cold start)
    warnings = [log for log in output().logs if log["level"] == "WARNING"]
    # THEN one warning line per bad value, naming it and what is allowed, and defaults apply
    assert len(warnings) == 5
    assert all(log["message"].startswith("invalid ") and "allowed" in log["message"] for log in warnings)
    assert any("LOG_LEVEL='LOUD'" in log["message"] for log in warnings)
    settings = rt.settings
    assert (settings.log_level, settings.enable_metrics, settings.trace_sample_rate,
            settings.error_trace_sample_rate) == ("INFO", True, 1.0, 1.0)


def test_powertools_variable_names_work_as_fallbacks(make_runtime):
    # GIVEN only Powertools names
    rt = make_runtime(SERVICE_NAME="", POWERTOOLS_SERVICE_NAME="pt-svc-fallback", POWERTOOLS_LOG_LEVEL="debug",
                      POWERTOOLS_METRICS_DISABLED="true", POWERTOOLS_TRACE_DISABLED="true")
    # THEN they configure the layer
    s = rt.settings
    assert (s.service, s.log_level, s.enable_metrics, s.enable_tracing) == ("pt-svc-fallback", "DEBUG", False, False)


def test_log_lines_survive_non_json_values(make_runtime, output, lambda_context):
    # GIVEN extras that json cannot serialize natively
    rt = make_runtime()

    @instrument(runtime=rt)
    def handler(event, context):
        rt.logger.info("odd", extra={"when": object(), "values": {1, 2}})

    output()
    handler({}, lambda_context)
    # THEN the line is still valid JSON
    line = output().lines[-1]
    assert json.loads(line)["message"] == "odd"


@pytest.mark.parametrize(("env", "field", "default"), [
    ({"METRICS_NAMESPACE": "AWS/Lambda"}, "metrics_namespace", "Observability"),
    ({"METRICS_NAMESPACE": "bad\u00e9namespace"}, "metrics_namespace", "Observability"),
    ({"METRICS_NAMESPACE": "x" * 300}, "metrics_namespace", "Observability"),
    ({"SERVICE_NAME": "s" * 300}, "service", "service_undefined"),
])
def test_values_cloudwatch_would_reject_fall_back_to_defaults(env, field, default):
    # GIVEN a namespace or dimension value CloudWatch would silently drop
    from observability.settings import load_settings

    settings = load_settings({"SERVICE_NAME": "orders", "METRICS_NAMESPACE": "Shop", **env})
    # THEN the default applies and the problem is one line naming the variable and what is allowed
    assert getattr(settings, field) == default
    assert len(settings.problems) == 1 and "allowed" in settings.problems[0]


def test_a_missing_namespace_is_one_config_problem_line_at_cold_start(make_runtime, output):
    # GIVEN a function with its service name but no metrics namespace (nor the Powertools fallback)
    output()
    rt = make_runtime(METRICS_NAMESPACE="")
    # WHEN the runtime starts (cold start)
    problems = [log for log in output().logs if log.get("config_problem")]
    # THEN one warning line says what is missing, what it costs and what to do; the default namespace applies
    assert len(problems) == 1 and problems[0]["level"] == "WARNING"
    assert problems[0]["message"].startswith("METRICS_NAMESPACE is not set: metrics go to the namespace "
                                             "Observability, which no alarm reads")
    assert rt.settings.metrics_namespace == "Observability"


def test_a_function_without_service_name_or_namespace_says_so_once_when_the_layer_loads(tmp_path):
    # GIVEN a Lambda environment with neither SERVICE_NAME nor METRICS_NAMESPACE (nor the Powertools names)
    env = {"PATH": os.environ.get("PATH", ""), "AWS_LAMBDA_FUNCTION_NAME": "orders-fn", "ENVIRONMENT": "prod"}
    # WHEN the layer is imported, as the function's cold start does
    script = f"import sys; sys.path.insert(0, {str(LAYER_PATH)!r}); import observability"
    completed = subprocess.run([sys.executable, "-I", "-c", script], cwd=tmp_path, env=env,
                               capture_output=True, text=True, timeout=60)
    lines = [json.loads(line) for line in completed.stdout.splitlines() if line.startswith("{")]
    # THEN exactly one config_problem line names both variables, and nothing crashed
    assert completed.returncode == 0, completed.stderr
    problems = [line for line in lines if line.get("config_problem")]
    assert len(problems) == 1, lines
    assert problems[0]["message"].startswith("SERVICE_NAME and METRICS_NAMESPACE are not set: ")
    assert problems[0]["service"] == "service_undefined" and problems[0]["level"] == "WARNING"
