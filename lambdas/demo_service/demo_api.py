"""Demo weight-validation API (API Gateway REST -> this Lambda -> DynamoDB), instrumented with the layer.

Routes: POST /measurements (validate, score, store), GET /measurements/{id}, and the health endpoints.
Bad input is answered with 400 and one line saying what was wrong; a storage failure with 503; never 500.
"""
from __future__ import annotations

import os
import re
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from demo_storage import MeasurementStore, StorageError
from demo_validation import MeasurementError, parse_measurement, quality_score
from observability import business_metric, health, instrument, logger, tracer

__all__ = ["handler", "app", "store", "health_checks"]

_ID = re.compile(r"^[0-9a-f]{32}$")

app = APIGatewayRestResolver()
store = MeasurementStore()


def _table_ready() -> None:
    # Reads the module's current store, so the check follows whatever table the routes use.
    health.dynamodb_table_check(store.table_name, store.client)()


health_checks = health.HealthChecks({"measurements_table": _table_ready})
health_checks.register(app)


def _min_quality() -> float:
    try:
        return float(os.environ.get("MIN_QUALITY_SCORE", "70"))
    except ValueError:
        return 70.0


def _error(status: int, message: str) -> Response:
    return Response(status_code=status, content_type="application/json", body={"message": message})


@app.exception_handler(MeasurementError)
def _invalid(error: MeasurementError) -> Response:
    logger.info("measurement rejected as invalid", extra={"reason": str(error)})
    business_metric("InvalidRequests", 1)
    return _error(400, str(error))


@app.exception_handler(StorageError)
def _storage_down(error: StorageError) -> Response:
    logger.error("storage unavailable", extra={"reason": str(error)})
    return _error(503, "storage unavailable, retry later")


@app.post("/measurements")
@tracer.capture_method
def create_measurement() -> Response:
    measurement = parse_measurement(app.current_event.decoded_body)
    score = quality_score(measurement)
    accepted = score >= _min_quality()
    status = "accepted" if accepted else "rejected"
    measurement_id = store.save({
        "device_id": measurement.device_id, "weight_kg": round(measurement.weight_kg, 6),
        "reference_kg": measurement.reference_kg, "unit": measurement.unit, "quality_score": score,
        "status": status, "measured_at": measurement.measured_at.isoformat(),
    })
    business_metric("MeasurementsProcessed", 1)
    business_metric("QualityScore", score, "None")
    business_metric("MeasurementsAccepted" if accepted else "MeasurementsRejected", 1)
    logger.info("measurement processed", extra={"measurement_id": measurement_id, "status": status,
                                                 "quality_score": score, "device_id": measurement.device_id})
    return Response(status_code=201, content_type="application/json",
                    body={"measurement_id": measurement_id, "status": status, "quality_score": score})


@app.get("/measurements/<measurement_id>")
def get_measurement(measurement_id: str) -> Response:
    if not _ID.match(measurement_id):
        raise MeasurementError("measurement id must be 32 lowercase hex characters")
    item = store.load(measurement_id)
    if item is None:
        return _error(404, f"no measurement {measurement_id}")
    return Response(status_code=200, content_type="application/json", body=item)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point (``demo_api.handler``).

    Example
    -------
    >>> live = {"resource": "/health/live", "path": "/health/live", "httpMethod": "GET", "headers": {},
    ...         "requestContext": {"requestId": "r-1", "stage": "live", "httpMethod": "GET"}}
    >>> handler(live, None)["statusCode"]
    200
    """
    return app.resolve(event, context)
