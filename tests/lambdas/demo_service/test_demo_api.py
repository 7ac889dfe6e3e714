"""Demo service: good, invalid and malformed requests; stored items; business metrics; health."""
from __future__ import annotations

import json

import boto3
import pytest

GOOD = {"device_id": "scale-01", "weight": 1005, "unit": "g", "reference_weight": 1000}


def _emf(capsys):
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith('{"_aws"')]


def test_a_good_measurement_is_scored_stored_and_counted(api, table, capsys):
    # GIVEN a measurement 0.5% off its reference
    capsys.readouterr()
    # WHEN posted
    status, body = api.call("POST", "/measurements", GOOD)
    # THEN 201, accepted with score 95, and the item is in DynamoDB
    assert status == 201 and body["status"] == "accepted" and body["quality_score"] == 95.0
    item = boto3.client("dynamodb").get_item(TableName=table, Key={"measurement_id": {"S": body["measurement_id"]}})
    assert item["Item"]["device_id"]["S"] == "scale-01" and float(item["Item"]["weight_kg"]["N"]) == 1.005
    # AND business metrics were emitted in the invocation's EMF blob
    blob = next(blob for blob in _emf(capsys) if "MeasurementsProcessed" in blob)
    assert blob["MeasurementsProcessed"] == [1.0] and blob["MeasurementsAccepted"] == [1.0]
    assert blob["QualityScore"] == [95.0] and "MeasurementsRejected" not in blob


def test_a_far_off_measurement_is_rejected_but_stored(api, capsys):
    capsys.readouterr()
    status, body = api.call("POST", "/measurements", {**GOOD, "weight": 1100})
    assert status == 201 and body["status"] == "rejected" and body["quality_score"] == 0.0
    blob = next(blob for blob in _emf(capsys) if "MeasurementsProcessed" in blob)
    assert blob["MeasurementsRejected"] == [1.0]
    status, stored = api.call("GET", f"/measurements/{body['measurement_id']}")
    assert status == 200 and stored["status"] == "rejected"


@pytest.mark.parametrize(("body", "message"), [
    ({"device_id": "scale-01"}, "weight is required: a number greater than 0"),
    ({**GOOD, "weight": -3}, "weight must be greater than 0, got -3"),
    ({**GOOD, "weight": "heavy"}, 'weight must be a number, got "heavy"'),
    ({**GOOD, "weight": True}, "weight must be a number, got true"),
    ({**GOOD, "weight": 2_000_000}, "weight must be at most 1000 kg, got 2000 kg"),
    ({**GOOD, "unit": "stone"}, 'unit must be one of kg, g, lb, got "stone"'),
    ({**GOOD, "device_id": "x"}, "device_id is required: 3-64 letters, digits, '-' or '_'"),
    ({**GOOD, "colour": "red"}, "unknown field 'colour': allowed device_id, weight, unit, reference_weight, "
                                "measured_at"),
    ({**GOOD, "measured_at": "yesterday"}, "measured_at must be an ISO 8601 timestamp, e.g. 2026-01-31T12:00:00Z, "
                                           "got 'yesterday'"),
    ({**GOOD, "measured_at": "2026-01-01T10:00:00"}, "measured_at needs a time zone, e.g. 2026-01-31T12:00:00Z"),
    ({**GOOD, "measured_at": "2999-01-01T00:00:00Z"}, "measured_at is in the future (more than 5 minutes ahead)"),
    ([1, 2], "request body must be a JSON object with device_id and weight"),
])
def test_invalid_measurements_get_400_with_one_clear_line(api, body, message):
    # WHEN an invalid measurement is posted; THEN 400 with exactly the line that says what is wrong
    status, answer = api.call("POST", "/measurements", body)
    assert (status, answer) == (400, {"message": message})


@pytest.mark.parametrize(("raw", "message"), [
    ("{not json", "request body is not valid JSON"),
    ("", "request body is required: a JSON object with device_id and weight"),
    ('"just a string"', "request body must be a JSON object with device_id and weight"),
    ("x" * 5000, "request body is too large: at most 4096 bytes"),
    ('{"device_id": "scale-01", "weight": NaN}', "weight must be a number, got NaN"),
])
def test_malformed_requests_get_400_never_500(api, raw, message):
    status, answer = api.call("POST", "/measurements", raw=raw)
    assert (status, answer) == (400, {"message": message})


def test_missing_body_and_bad_ids_are_400_unknown_ids_404(api):
    assert api.call("POST", "/measurements")[0] == 400
    assert api.call("GET", "/measurements/not-an-id") == (400, {
        "message": "measurement id must be 32 lowercase hex characters"})
    assert api.call("GET", "/measurements/" + "0" * 32) == (404, {"message": "no measurement " + "0" * 32})


def test_storage_failure_is_503_not_500(api, table):
    # GIVEN the table is gone
    boto3.client("dynamodb").delete_table(TableName=table)
    # WHEN a good measurement is posted; THEN 503 with a retry hint
    assert api.call("POST", "/measurements", GOOD) == (503, {"message": "storage unavailable, retry later"})


def test_health_endpoints_follow_the_table(api, table):
    assert api.call("GET", "/health/live") == (200, {"status": "alive"})
    status, detailed = api.call("GET", "/health/detailed")
    assert status == 200 and detailed["components"]["measurements_table"]["status"] == "healthy"
    boto3.client("dynamodb").delete_table(TableName=table)
    api.module.health_checks.clear_cache()  # results are cached for a few seconds
    assert api.call("GET", "/health/ready")[0] == 503


def test_logs_carry_the_correlation_id_from_the_header(api, capsys):
    # GIVEN a request with a correlation header
    capsys.readouterr()
    api.call("POST", "/measurements", GOOD, headers={"x-correlation-id": "corr-9"})
    logs = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"level"' in line]
    # THEN the handler's log line carries it
    processed = next(log for log in logs if log["message"] == "measurement processed")
    assert processed["correlation_id"] == "corr-9" and processed["status"] == "accepted"


def test_the_scheduled_synthetic_traffic_is_processed_like_api_calls(api, capsys):
    # GIVEN the exact events the dev schedule sends (defined once, in the stack)
    from stacks.demo.traffic import SYNTHETIC_MEASUREMENTS, synthetic_request

    capsys.readouterr()
    # WHEN the function receives them
    answers = [api.module.handler(synthetic_request(m, "live"), None) for m in SYNTHETIC_MEASUREMENTS]
    # THEN one is accepted and one rejected, both stored (201), and the business metrics say so
    bodies = [json.loads(a["body"]) for a in answers]
    assert [a["statusCode"] for a in answers] == [201, 201]
    assert [b["status"] for b in bodies] == ["accepted", "rejected"]
    blobs = [b for b in _emf(capsys) if "MeasurementsProcessed" in b]
    assert len(blobs) == 2 and "MeasurementsAccepted" in blobs[0] and "MeasurementsRejected" in blobs[1]
