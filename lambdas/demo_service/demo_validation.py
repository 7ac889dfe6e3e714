"""Measurement validation and quality scoring for the demo weight-validation service (pure, no AWS).

A request is *invalid* (HTTP 400) when it cannot be a measurement at all; a valid measurement is then
*accepted* or *rejected* on its quality score (how far it lies from the expected reference weight).
"""
from __future__ import annotations

import json
import math
import re
from datetime import datetime, timedelta, timezone
from typing import Any, Literal, overload

__all__ = ["Measurement", "MeasurementError", "parse_measurement", "quality_score", "UNITS_TO_KG",
           "MAX_WEIGHT_KG"]

UNITS_TO_KG = {"kg": 1.0, "g": 0.001, "lb": 0.45359237}
MAX_WEIGHT_KG = 1000.0
_DEVICE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$")
_FIELDS = ("device_id", "weight", "unit", "reference_weight", "measured_at")
_MAX_BODY_BYTES = 4096
_FUTURE_TOLERANCE = timedelta(minutes=5)


class MeasurementError(ValueError):
    """The request is not a valid measurement; the message is one line naming the field and what is allowed."""


class Measurement:
    """A validated measurement, weights in kilograms.

    Example
    -------
    >>> m = parse_measurement('{"device_id": "scale-01", "weight": 1500, "unit": "g"}')
    >>> m.weight_kg
    1.5
    """

    __slots__ = ("device_id", "weight_kg", "reference_kg", "measured_at", "unit")

    def __init__(self, device_id: str, weight_kg: float, reference_kg: float | None, measured_at: datetime,
                 unit: str) -> None:
        self.device_id = device_id
        self.weight_kg = weight_kg
        self.reference_kg = reference_kg
        self.measured_at = measured_at
        self.unit = unit


@overload
def _number(body: dict[str, Any], name: str, required: Literal[True]) -> float: ...


@overload
def _number(body: dict[str, Any], name: str, required: Literal[False]) -> float | None: ...


def _number(body: dict[str, Any], name: str, required: bool) -> float | None:
    value = body.get(name)
    if value is None:
        if required:
            raise MeasurementError(f"{name} is required: a number greater than 0")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise MeasurementError(f"{name} must be a number, got {json.dumps(value)[:40]}")
    if value <= 0:
        raise MeasurementError(f"{name} must be greater than 0, got {value}")
    return float(value)


def _timestamp(value: Any, now: datetime) -> datetime:
    if value is None:
        return now
    if not isinstance(value, str):
        raise MeasurementError("measured_at must be an ISO 8601 timestamp string, e.g. 2026-01-31T12:00:00Z")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise MeasurementError(
            f"measured_at must be an ISO 8601 timestamp, e.g. 2026-01-31T12:00:00Z, got {value[:40]!r}") from None
    if parsed.tzinfo is None:
        raise MeasurementError("measured_at needs a time zone, e.g. 2026-01-31T12:00:00Z")
    if parsed - now > _FUTURE_TOLERANCE:
        raise MeasurementError("measured_at is in the future (more than 5 minutes ahead)")
    return parsed.astimezone(timezone.utc)


def parse_measurement(body: str | bytes | None, now: datetime | None = None) -> Measurement:
    """Parse and validate a request body.

    Parameters
    ----------
    body : str or bytes or None
        The raw HTTP body: a JSON object with ``device_id``, ``weight``, optional ``unit`` (kg, g, lb; default
        kg), ``reference_weight`` (same unit) and ``measured_at`` (ISO 8601 with zone; default now).
    now : datetime, optional
        The current time (tests).

    Returns
    -------
    Measurement

    Raises
    ------
    MeasurementError
        With one line naming what was wrong and what is allowed.

    Example
    -------
    >>> parse_measurement('{"device_id": "scale-01", "weight": -1}')
    Traceback (most recent call last):
    demo_validation.MeasurementError: weight must be greater than 0, got -1
    """
    now = now or datetime.now(timezone.utc)
    if body is None or body == "" or body == b"":
        raise MeasurementError("request body is required: a JSON object with device_id and weight")
    if len(body) > _MAX_BODY_BYTES:
        raise MeasurementError(f"request body is too large: at most {_MAX_BODY_BYTES} bytes")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise MeasurementError("request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise MeasurementError("request body must be a JSON object with device_id and weight")
    unknown = sorted(set(data) - set(_FIELDS))
    if unknown:
        raise MeasurementError(f"unknown field {unknown[0]!r}: allowed {', '.join(_FIELDS)}")
    device_id = data.get("device_id")
    if not isinstance(device_id, str) or not _DEVICE_ID.match(device_id):
        raise MeasurementError("device_id is required: 3-64 letters, digits, '-' or '_'")
    unit = data.get("unit", "kg")
    if unit not in UNITS_TO_KG:
        raise MeasurementError(f"unit must be one of {', '.join(UNITS_TO_KG)}, got {json.dumps(unit)[:20]}")
    factor = UNITS_TO_KG[unit]
    weight = _number(data, "weight", required=True) * factor
    if weight > MAX_WEIGHT_KG:
        raise MeasurementError(f"weight must be at most {MAX_WEIGHT_KG:g} kg, got {weight:g} kg")
    reference = _number(data, "reference_weight", required=False)
    return Measurement(device_id, weight, reference * factor if reference else None,
                       _timestamp(data.get("measured_at"), now), unit)


def quality_score(measurement: Measurement) -> float:
    """Score 0-100: 100 at the reference weight, minus 10 points per percent of deviation.

    Without a reference there is nothing to compare against and the score is 100.

    Example
    -------
    >>> quality_score(Measurement("scale-01", 1.02, 1.0, datetime.now(timezone.utc), "kg"))
    80.0
    """
    if not measurement.reference_kg:
        return 100.0
    deviation_percent = abs(measurement.weight_kg - measurement.reference_kg) / measurement.reference_kg * 100
    return round(max(0.0, 100.0 - 10.0 * deviation_percent), 1)
