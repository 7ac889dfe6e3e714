"""The process-wide Logger, Metrics and Tracer, configured once per cold start from :mod:`settings`."""
from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

from .pseudonym import Pseudonymizer
from .redaction import Redactor
from .settings import Settings, load_settings

if TYPE_CHECKING:  # types only: the cold start does not pay for the import
    from aws_lambda_powertools.logging.types import LogRecord

__all__ = ["RedactingFormatter", "Runtime", "runtime"]

# Keys the formatter fills from the LogRecord itself (level name, code location, time): not user data, unless
# an extra or an appended key replaced them, which ``format`` checks per record.
_GENERATED = {"level": "%(levelname)s", "location": "%(funcName)s:%(lineno)d", "timestamp": "%(asctime)s"}


class RedactingFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON formatter with PII redaction applied to the finished record (message, extras, errors).

    Example
    -------
    >>> RedactingFormatter(Redactor()).serialize({"message": "ann@example.com"})
    '{"message":"[REDACTED]"}'
    """

    def __init__(self, redactor: Redactor | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._redactor = redactor
        self._skip: frozenset[str] = frozenset()

    def format(self, record: logging.LogRecord) -> str:  # noqa: A003
        # Handlers format under their lock, so this per-record attribute is not shared between threads.
        self._skip = frozenset(key for key, fmt in _GENERATED.items()
                               if self.log_format.get(key) == fmt and key not in record.__dict__)
        try:
            return super().format(record)
        finally:
            self._skip = frozenset()

    def serialize(self, log: LogRecord) -> str:
        if self._redactor is not None:
            log = self._redactor.redact_record(log, self._skip)
        return super().serialize(log)


class _CurrentStdout:
    """Writes to whatever ``sys.stdout`` is now, so logs and EMF (printed) share one stream, even under capture."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


class Runtime:
    """Everything ``instrument`` needs, built from one :class:`Settings`.

    Example
    -------
    >>> rt = Runtime(load_settings({"SERVICE_NAME": "orders", "METRICS_NAMESPACE": "Shop"}))
    >>> rt.logger.service
    'orders'
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        redactor = self.redactor = Redactor(settings.redact_fields) if settings.redact_pii else None
        # Logger's stream is typed IO[str]; it only calls write and flush, which _CurrentStdout provides.
        self.logger = Logger(
            service=settings.service, level=settings.log_level, stream=_CurrentStdout(),  # type: ignore[arg-type]
            logger_formatter=RedactingFormatter(redactor, utc=True),
        )
        self.logger.append_keys(environment=settings.environment)
        # Only our redacting handler may write these records: a root handler (Lambda's, or one added later)
        # would print them unredacted.
        self.logger._logger.propagate = False
        self.metrics = Metrics(namespace=settings.metrics_namespace, service=settings.service)
        # Powertools keeps metric state on the class: start from a clean slate (matters when tests build several).
        self.metrics.clear_default_dimensions()
        self.metrics.clear_metrics()
        self.metrics.set_default_dimensions(environment=settings.environment)
        # Tracer() imports the X-Ray SDK (~0.2 s) even when disabled, so it is built on first use only, and
        # never when tracing is off (ENABLE_TRACING=false, or outside Lambda as Powertools decides).
        self.tracing_enabled = settings.enable_tracing and not Tracer._is_tracer_disabled()
        self._tracer: Tracer | None = None
        self.pseudonymize = Pseudonymizer(settings.user_id_salt_secret_name, on_problem=self.logger.warning)
        # Provisioned concurrency initializes ahead of traffic: the first request is not a cold start.
        self.cold_start = os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") != "provisioned-concurrency"
        self.invocation_cold_start = self.cold_start  # what the current (or next) invocation reports
        for problem in settings.problems:
            self.logger.warning(problem, extra={"config_problem": True})

    @property
    def tracer(self) -> Tracer:
        """The Powertools Tracer (created on first access).

        Example
        -------
        >>> Runtime(load_settings({"SERVICE_NAME": "orders", "METRICS_NAMESPACE": "Shop",
        ...                        "ENABLE_TRACING": "false"})).tracer.disabled
        True
        """
        if self._tracer is None:
            self._tracer = Tracer(service=self.settings.service, disabled=not self.tracing_enabled or None)
        return self._tracer

    def take_cold_start(self) -> bool:
        """True on this container's first invocation only.

        Example
        -------
        >>> rt = Runtime(load_settings({"SERVICE_NAME": "orders", "METRICS_NAMESPACE": "Shop"}))
        >>> rt.take_cold_start(), rt.take_cold_start()
        (True, False)
        """
        cold, self.cold_start = self.cold_start, False
        self.invocation_cold_start = cold
        return cold


runtime = Runtime(load_settings())
