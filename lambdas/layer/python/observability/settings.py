"""Settings read once per cold start from environment variables.

A bad value never crashes the function: it is replaced by a safe default and described in ``problems``,
which ``observability`` logs as one warning line each at cold start (a crash here would be a crash loop). A
missing service name or metrics namespace is one more such line: the function works, but nothing watches it.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

__all__ = ["Settings", "load_settings", "LOG_LEVELS"]

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_TRUE = {"true", "1", "yes", "on"}
_NAMESPACE_ALLOWED = "1-255 of letters, digits and . - _ / # : space, not starting with AWS/"
_DIMENSION_ALLOWED = "1-256 printable ASCII characters"
_FALSE = {"false", "0", "no", "off"}


class Settings:
    """The layer's configuration; build it with :func:`load_settings`.

    A plain slotted class rather than a dataclass: ``dataclasses`` costs a millisecond of every cold start.

    Example
    -------
    >>> load_settings({"SERVICE_NAME": "orders"}).service
    'orders'
    """

    _DEFAULTS: dict[str, Any] = {
        "service": "service_undefined", "environment": "undefined", "log_level": "INFO",
        "metrics_namespace": "Observability", "enable_metrics": True, "enable_tracing": True,
        "trace_sample_rate": 1.0, "error_trace_sample_rate": 1.0, "redact_pii": True, "redact_fields": (),
        "user_id_salt_secret_name": None, "dimension_value_limit": 100, "health_cache_seconds": 5.0,
        "health_check_timeout_seconds": 2.0, "service_version": "unknown", "problems": (),
    }
    __slots__ = tuple(_DEFAULTS)

    service: str
    environment: str
    log_level: str
    metrics_namespace: str
    enable_metrics: bool
    enable_tracing: bool
    trace_sample_rate: float
    error_trace_sample_rate: float
    redact_pii: bool
    redact_fields: tuple[str, ...]
    user_id_salt_secret_name: str | None
    dimension_value_limit: int
    health_cache_seconds: float
    health_check_timeout_seconds: float
    service_version: str
    problems: tuple[str, ...]

    def __init__(self, **values: Any) -> None:
        unknown = set(values) - set(self._DEFAULTS)
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        for name, default in self._DEFAULTS.items():
            object.__setattr__(self, name, values.get(name, default))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Settings are read-only")

    def __repr__(self) -> str:
        return "Settings(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in self._DEFAULTS) + ")"


class _EnvironmentReader:
    """Reads typed values from an environment mapping, collecting one line per bad value."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self.problems: list[str] = []

    def raw(self, *names: str) -> tuple[str, str] | None:
        for name in names:
            value = self.env.get(name)
            if value is not None and value.strip() != "":
                return name, value.strip()
        return None

    def text(self, default: str, *names: str) -> str:
        found = self.raw(*names)
        return found[1] if found else default

    def flag(self, default: bool, name: str, inverted_alias: str | None = None) -> bool:
        found = self.raw(name)
        invert = False
        if found is None and inverted_alias:
            found, invert = self.raw(inverted_alias), True
        if found is None:
            return default
        key, value = found
        lowered = value.lower()
        if lowered in _TRUE or lowered in _FALSE:
            return (lowered in _TRUE) != invert
        self.problems.append(f"invalid {key}={value!r}: allowed true or false; using {str(default).lower()}")
        return default

    def number(self, default: float, low: float, high: float, *names: str) -> float:
        found = self.raw(*names)
        if found is None:
            return default
        key, value = found
        try:
            number = float(value)
        except ValueError:
            number = float("nan")
        if not low <= number <= high:  # also rejects NaN
            self.problems.append(f"invalid {key}={value!r}: allowed a number from {low:g} to {high:g}; "
                                 f"using {default:g}")
            return default
        return number

    def matching(self, default: str, pattern: str, allowed: str, *names: str) -> str:
        found = self.raw(*names)
        if found is None:
            return default
        key, value = found
        import re  # already loaded by Powertools; local so this module stays import-light

        if re.fullmatch(pattern, value) and not value.startswith("AWS/"):
            return value
        self.problems.append(f"invalid {key}={value[:80]!r}: allowed {allowed}; using {default}")
        return default

    def choice(self, default: str, allowed: tuple[str, ...], *names: str) -> str:
        found = self.raw(*names)
        if found is None:
            return default
        key, value = found
        if value.upper() in allowed:
            return value.upper()
        self.problems.append(f"invalid {key}={value!r}: allowed {', '.join(allowed)}; using {default}")
        return default


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read the layer's settings, replacing each bad value by a safe default.

    Seed names come first (SERVICE_NAME, ENVIRONMENT, LOG_LEVEL, METRICS_NAMESPACE, ENABLE_METRICS,
    ENABLE_TRACING, TRACE_SAMPLE_RATE, ERROR_TRACE_SAMPLE_RATE); the Powertools names work as fallbacks.

    Parameters
    ----------
    env : Mapping[str, str], optional
        The environment to read; ``os.environ`` by default.

    Returns
    -------
    Settings
        The settings, with ``problems`` listing each value that was replaced.

    Example
    -------
    >>> s = load_settings({"SERVICE_NAME": "orders", "METRICS_NAMESPACE": "Shop", "LOG_LEVEL": "LOUD"})
    >>> s.log_level, s.problems
    ('INFO', ("invalid LOG_LEVEL='LOUD': allowed DEBUG, INFO, WARNING, ERROR, CRITICAL; using INFO",))
    """
    read = _EnvironmentReader(os.environ if env is None else env)
    extra_fields = tuple(
        name.strip().lower() for name in read.text("", "REDACT_FIELDS").split(",") if name.strip()
    )
    limit = read.number(100, 1, 10_000, "METRICS_DIMENSION_VALUE_LIMIT")
    missing = _missing_identity(read)
    return Settings(
        # Both become metric dimension values: printable, at most 256 characters (CloudWatch drops bad EMF).
        service=read.matching("service_undefined", r"[\x21-\x7e][\x20-\x7e]{0,255}", _DIMENSION_ALLOWED,
                              "SERVICE_NAME", "POWERTOOLS_SERVICE_NAME"),
        environment=read.matching("undefined", r"[\x21-\x7e][\x20-\x7e]{0,255}", _DIMENSION_ALLOWED,
                                  "ENVIRONMENT", "ENV"),
        log_level=read.choice("INFO", LOG_LEVELS, "LOG_LEVEL", "POWERTOOLS_LOG_LEVEL"),
        metrics_namespace=read.matching("Observability", r"[A-Za-z0-9_./#: -]{1,255}", _NAMESPACE_ALLOWED,
                                        "METRICS_NAMESPACE", "POWERTOOLS_METRICS_NAMESPACE"),
        enable_metrics=read.flag(True, "ENABLE_METRICS", "POWERTOOLS_METRICS_DISABLED"),
        enable_tracing=read.flag(True, "ENABLE_TRACING", "POWERTOOLS_TRACE_DISABLED"),
        trace_sample_rate=read.number(1.0, 0.0, 1.0, "TRACE_SAMPLE_RATE"),
        error_trace_sample_rate=read.number(1.0, 0.0, 1.0, "ERROR_TRACE_SAMPLE_RATE"),
        redact_pii=read.flag(True, "REDACT_PII"),
        redact_fields=extra_fields,
        user_id_salt_secret_name=read.text("", "USER_ID_SALT_SECRET_NAME") or None,
        dimension_value_limit=int(limit),
        health_cache_seconds=read.number(5.0, 0.0, 300.0, "HEALTH_CACHE_SECONDS"),
        health_check_timeout_seconds=read.number(2.0, 0.01, 60.0, "HEALTH_CHECK_TIMEOUT_SECONDS"),
        service_version=read.text("unknown", "SERVICE_VERSION", "AWS_LAMBDA_FUNCTION_VERSION"),
        problems=tuple(read.problems) + missing,
    )


def _missing_identity(read: _EnvironmentReader) -> tuple[str, ...]:
    """One line when the service name or the metrics namespace is not set: the layer still runs, but its logs
    say service_undefined and its metrics land in a namespace no alarm of the monitoring app reads.

    Example
    -------
    >>> _missing_identity(_EnvironmentReader({"SERVICE_NAME": "orders"}))
    ('METRICS_NAMESPACE is not set: metrics go to the namespace Observability, ...; set it on the function',)
    """
    unset = [name for name, alias in (("SERVICE_NAME", "POWERTOOLS_SERVICE_NAME"),
                                      ("METRICS_NAMESPACE", "POWERTOOLS_METRICS_NAMESPACE"))
             if read.raw(name, alias) is None]
    if not unset:
        return ()
    effects = {"SERVICE_NAME": "logs and metrics say service_undefined",
               "METRICS_NAMESPACE": "metrics go to the namespace Observability, which no alarm reads"}
    verb = "is" if len(unset) == 1 else "are"
    return (f"{' and '.join(unset)} {verb} not set: {'; '.join(effects[name] for name in unset)}; "
            f"set {'it' if len(unset) == 1 else 'them'} on the function",)
