"""Tracing as in Lambda: a real X-Ray SDK in a fresh interpreter, subsegments caught by a local UDP 'daemon'."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from tests.lambdas.layer.conftest import LAYER_PATH

SCRIPT = r'''
from types import SimpleNamespace
from observability import instrument, logger

@instrument
def handler(event, context):
    logger.info("traced")
    if event.get("fail"):
        raise KeyError("no account for ann@example.com")
    return {"ok": True}

ctx = SimpleNamespace(function_name="f", memory_limit_in_mb=128, invoked_function_arn="arn", aws_request_id="r1")
event = {"requestContext": {"requestId": "req-7", "authorizer": {"claims": {"sub": "alice-raw-id"}}}}
handler(event, ctx)
try:
    handler({**event, "fail": True}, ctx)
except KeyError:
    pass
'''


def _run_traced(**env: str) -> list[dict]:
    """Run SCRIPT as a Lambda would (trace header set, daemon on a local UDP port); return the subsegments."""
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    full_env = {**os.environ, "PYTHONPATH": str(LAYER_PATH), "LAMBDA_TASK_ROOT": "/var/task",
                "AWS_LAMBDA_FUNCTION_NAME": "f", "SERVICE_NAME": "traced-svc",
                "_X_AMZN_TRACE_ID": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
                "AWS_XRAY_DAEMON_ADDRESS": f"127.0.0.1:{receiver.getsockname()[1]}", **env}
    try:
        subprocess.run([sys.executable, "-c", SCRIPT], env=full_env, capture_output=True, text=True, timeout=120,
                       check=True)
        receiver.settimeout(0.5)  # the child has exited: everything it sent is already queued
        documents = []
        while True:
            try:
                data, _ = receiver.recvfrom(65535)
            except socket.timeout:
                return documents
            documents.append(json.loads(data.decode().split("\n", 1)[1]))
    finally:
        receiver.close()


def test_handler_subsegment_carries_annotations_response_and_exception():
    # GIVEN tracing on, in Lambda, with both sample rates at 1
    documents = _run_traced(TRACE_SAMPLE_RATE="1", ERROR_TRACE_SAMPLE_RATE="1")
    handlers = [d for d in documents if d.get("name") == "## handler"]
    # THEN each invocation has a subsegment with cold start, service, correlation id and the user's pseudonym
    assert len(handlers) == 2
    ok, failed = handlers
    assert ok["annotations"]["ColdStart"] is True and failed["annotations"]["ColdStart"] is False
    assert ok["annotations"]["Service"] == "traced-svc" and ok["annotations"]["correlation_id"] == "req-7"
    assert len(ok["annotations"]["user"]) == 24 and "alice-raw-id" not in json.dumps(documents)
    # AND the response is metadata, the failure is recorded as the exception, its PII redacted
    assert ok["metadata"]["traced-svc"]["handler response"] == {"ok": True}
    assert failed["fault"] is True and failed["cause"]["exceptions"][0]["type"] == "KeyError"
    assert "[REDACTED]" in failed["cause"]["exceptions"][0]["message"]
    assert "KeyError" in failed["metadata"]["traced-svc"]["handler error"]
    assert "ann@example.com" not in json.dumps(documents)


def test_sample_rates_zero_record_annotations_only():
    documents = _run_traced(TRACE_SAMPLE_RATE="0", ERROR_TRACE_SAMPLE_RATE="0")
    handlers = [d for d in documents if d.get("name") == "## handler"]
    assert len(handlers) == 2 and all(h["annotations"]["correlation_id"] == "req-7" for h in handlers)
    assert "metadata" not in handlers[0] and "metadata" not in handlers[1]
    assert handlers[1]["cause"]["exceptions"][0]["type"] == "KeyError"  # the fault itself is always recorded


@pytest.mark.parametrize("switch", [{"ENABLE_TRACING": "false"}, {"POWERTOOLS_TRACE_DISABLED": "true"}])
def test_enable_tracing_false_sends_nothing(switch):
    assert _run_traced(**switch) == []
