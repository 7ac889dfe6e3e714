"""Turn one SNS ``Message`` string (JSON, or the plain text AWS Budgets sends) into an Alert.

Every failure, including malformed or truncated input, surfaces as UnparseableMessageError with one line
saying what was wrong; callers never see a KeyError or a JSON traceback.
"""
from __future__ import annotations

import json
from typing import Any, Callable

from ..model import SEVERITIES, Alert, UnparseableMessageError
from .cloudwatch import (
    is_alarm_lambda_action,
    is_alarm_state_change_event,
    is_cloudwatch_alarm,
    parse_alarm_lambda_action,
    parse_alarm_state_change_event,
    parse_cloudwatch_alarm,
)
from .cost import is_cost_anomaly, looks_like_budget, parse_budget, parse_cost_anomaly
from .events import is_synthetics, is_xray_insight, parse_synthetics, parse_xray_insight

__all__ = ["parse_message", "UnparseableMessageError"]

_JSON_PARSERS: tuple[tuple[Callable[[dict[str, Any]], bool], Callable[[dict[str, Any]], Alert]], ...] = (
    (is_cloudwatch_alarm, parse_cloudwatch_alarm),
    (is_alarm_state_change_event, parse_alarm_state_change_event),
    (is_alarm_lambda_action, parse_alarm_lambda_action),
    (is_cost_anomaly, parse_cost_anomaly),
    (is_xray_insight, parse_xray_insight),
    (is_synthetics, parse_synthetics),
)
_KNOWN = ("CloudWatch alarm or composite alarm (SNS, EventBridge or Lambda action), Cost Anomaly Detection, "
          "AWS Budgets, X-Ray Insight or Synthetics event")


def parse_message(message: Any, severity: str | None = None) -> Alert:
    """Parse one notification into an Alert, at ``severity`` when given (the topic it came from).

    Parameters
    ----------
    message : str
        The SNS ``Message`` string.
    severity : str, optional
        "critical", "warning" or "info"; when None the parser's own hint is kept.

    Raises
    ------
    UnparseableMessageError
        For anything that is not a notification the router knows, with a one-line reason.

    Example
    -------
    >>> parse_message('{"AlarmName": "db-throttles-critical", "NewStateValue": "OK"}').state
    'OK'
    """
    if severity is not None and severity not in SEVERITIES:
        raise UnparseableMessageError(f"severity {severity!r} is not one of {', '.join(SEVERITIES)}")
    if not isinstance(message, str) or not message.strip():
        raise UnparseableMessageError("empty message: expected a notification body")
    alert = _parse(message)
    return alert.with_severity(severity) if severity else alert


def _parse(message: str) -> Alert:
    text = message.strip()
    if text.startswith("{"):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UnparseableMessageError(
                f"message looks like JSON but does not parse ({exc.msg} at char {exc.pos})") from None
        if not isinstance(doc, dict):
            raise UnparseableMessageError("JSON message is not an object")
        for matches, parse in _JSON_PARSERS:
            if matches(doc):
                try:
                    return parse(doc)
                except UnparseableMessageError:
                    raise
                except (KeyError, TypeError, ValueError, AttributeError) as exc:
                    # A known shape with fields of the wrong type: report it, never crash.
                    raise UnparseableMessageError(
                        f"{parse.__name__}: malformed field ({type(exc).__name__}: {exc})") from None
        raise UnparseableMessageError(f"JSON object is not a known notification (expected a {_KNOWN})")
    if looks_like_budget(text):
        return parse_budget(text)
    raise UnparseableMessageError(f"message is neither JSON nor an AWS Budgets notification (expected a {_KNOWN})")
