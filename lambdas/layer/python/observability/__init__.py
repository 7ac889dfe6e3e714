"""observability: one decorator gives a Lambda function JSON logs, EMF metrics, traces and health checks.

Example
-------
>>> from observability import instrument, logger, metrics
>>> @instrument
... def handler(event, context):
...     logger.info("order placed")
...     metrics.add_metric(name="OrdersPlaced", unit="Count", value=1)
...     return {"statusCode": 200}

``tracer``, ``health`` and ``business_metric`` are loaded on first access: the X-Ray SDK alone takes about
0.2 s to import, and functions that never touch them should not pay for them at cold start.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .instrument import instrument
from .redaction import redact
from .runtime import runtime

__all__ = ["instrument", "logger", "metrics", "tracer", "redact", "health", "business_metric"]

logger = runtime.logger
metrics = runtime.metrics

if TYPE_CHECKING:  # pragma: no cover
    from aws_lambda_powertools import Tracer

    from . import health
    from .business import business_metric

    tracer: Tracer


def __getattr__(name: str) -> Any:
    if name == "tracer":
        return runtime.tracer
    if name == "business_metric":
        from .business import business_metric

        return business_metric
    if name == "health":
        import importlib

        return importlib.import_module(".health", __name__)
    raise AttributeError(f"module 'observability' has no attribute {name!r}")
