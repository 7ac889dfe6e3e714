"""Demo service fixtures: the layer and the function on the import path (as in Lambda), a moto table."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace

import boto3
import pytest
from moto import mock_aws

ROOT = Path(__file__).resolve().parents[3]
for path in (ROOT / "lambdas" / "layer" / "python", ROOT / "lambdas" / "demo_service"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

TABLE = "watchtower-test-demo-measurements"


@pytest.fixture
def table(monkeypatch):
    """A moto DynamoDB table shaped like the one the demo stack creates."""
    monkeypatch.setenv("TABLE_NAME", TABLE)
    with mock_aws():
        boto3.client("dynamodb").create_table(
            TableName=TABLE, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "measurement_id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "measurement_id", "KeyType": "HASH"}])
        yield TABLE


@pytest.fixture
def api(table, monkeypatch):
    """The demo module wired to the moto table, plus a helper that sends one API Gateway REST request."""
    import demo_api
    from demo_storage import MeasurementStore

    monkeypatch.setattr(demo_api, "store", MeasurementStore(TABLE))  # a client created inside moto
    demo_api.health_checks.clear_cache()
    context = SimpleNamespace(function_name="watchtower-test-demo-api", memory_limit_in_mb=256,
                              invoked_function_arn="arn:aws:lambda:us-east-1:123456789012:function:demo",
                              aws_request_id="req-1")

    def call(method: str, path: str, body=None, raw: str | None = None, headers=None):
        event = {"resource": path, "path": path, "httpMethod": method, "headers": headers or {},
                 "multiValueHeaders": {}, "queryStringParameters": None, "pathParameters": None,
                 "requestContext": {"requestId": "api-req-1", "stage": "prod", "httpMethod": method,
                                    "path": f"/prod{path}", "resourcePath": path},
                 "body": raw if raw is not None else (json.dumps(body) if body is not None else None),
                 "isBase64Encoded": False}
        response = demo_api.handler(event, context)
        return response["statusCode"], json.loads(response["body"]) if response.get("body") else None

    return SimpleNamespace(call=call, module=demo_api)
