"""Synthetics canary entry point (handler ``canary_handler.handler``): runs endpoint_checks, reports, fails loudly.

Settings come from the canary's environment variables (names only, never secret values):

- ``CANARY_BASE_URL``: ``https://host[/prefix]`` of the service under test.
- ``CANARY_CHECKS``: JSON array of checks (see ``endpoint_checks.parse_checks``).
- ``CANARY_TIMEOUT_SECONDS``: per-request socket timeout (default 10).

A run passes only if every check passes; otherwise it raises, which is what makes Synthetics record the run
as failed (SuccessPercent below 100).
"""
from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from typing import Any

from endpoint_checks import CheckConfigError, CheckResult, parse_checks, run_checks

__all__ = ["handler", "CanaryFailedError", "CanarySettingsError"]


class CanaryFailedError(Exception):
    """At least one check failed; the message lists each failure's reason on one line, separated by '; '."""


class CanarySettingsError(Exception):
    """The canary's environment variables are missing or malformed (one line naming the variable)."""


def _logger() -> Any:
    """The Synthetics runtime's logger when running as a canary (its lines land in the run report)."""
    try:
        # Only the Synthetics runtime ships aws_synthetics (no stubs, not on PyPI).
        from aws_synthetics.common import synthetics_logger  # type: ignore[import-not-found]

        return synthetics_logger
    except ImportError:  # outside the Synthetics runtime: tests, local runs
        return logging.getLogger("canary")


def _settings(environ: Mapping[str, str]) -> tuple[str, str, float]:
    base_url = environ.get("CANARY_BASE_URL", "").strip()
    if not base_url:
        raise CanarySettingsError("CANARY_BASE_URL is not set: expected https://host[/prefix] of the service")
    checks = environ.get("CANARY_CHECKS", "").strip()
    if not checks:
        raise CanarySettingsError("CANARY_CHECKS is not set: expected a JSON array of checks")
    raw_timeout = environ.get("CANARY_TIMEOUT_SECONDS", "10")
    try:
        timeout_s = float(raw_timeout)
    except ValueError:
        timeout_s = -1.0
    if not 0 < timeout_s <= 840:
        raise CanarySettingsError(
            f"CANARY_TIMEOUT_SECONDS must be a number of seconds in (0, 840], got {raw_timeout!r}")
    return base_url, checks, timeout_s


def _report(log: Any, result: CheckResult) -> None:
    line = json.dumps({
        "check": result.name, "request": result.label, "passed": result.passed, "status": result.status,
        "latency_ms": None if result.latency_ms is None else round(result.latency_ms, 1),
        "reason": result.reason or None,
    })
    (log.info if result.passed else log.error)(line)


def handler(event: Any = None, context: Any = None, environ: Mapping[str, str] | None = None,
            **run_options: Any) -> str:
    """Run the configured checks; return a summary when all pass, raise CanaryFailedError otherwise.

    Parameters
    ----------
    event, context :
        Supplied by the Synthetics runtime; unused.
    environ : mapping, optional
        Settings (default ``os.environ``); tests pass their own.
    **run_options :
        Passed to ``endpoint_checks.run_checks`` (tests inject ``read_headers``).

    Example
    -------
    >>> import http.server, threading
    >>> server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    >>> threading.Thread(target=server.serve_forever, daemon=True).start()
    >>> handler(environ={"CANARY_BASE_URL": f"http://127.0.0.1:{server.server_port}",
    ...                  "CANARY_CHECKS": '[{"name": "root", "path": "/"}]'})
    '1 of 1 checks passed'
    >>> handler(environ={"CANARY_BASE_URL": f"http://127.0.0.1:{server.server_port}",
    ...                  "CANARY_CHECKS": '[{"name": "gone", "path": "/no-such-page"}]'})
    Traceback (most recent call last):
    canary_handler.CanaryFailedError: 1 of 1 checks failed: GET /no-such-page: expected HTTP 200, got 404
    >>> server.shutdown()
    """
    log = _logger()
    try:
        base_url, raw_checks, timeout_s = _settings(os.environ if environ is None else environ)
        checks = parse_checks(raw_checks)
    except (CanarySettingsError, CheckConfigError) as exc:
        raise CanarySettingsError(f"canary misconfigured: {exc}") from None
    results = run_checks(base_url, checks, timeout_s=timeout_s, **run_options)
    for result in results:
        _report(log, result)
    failures = [r.reason for r in results if not r.passed]
    if failures:
        raise CanaryFailedError(f"{len(failures)} of {len(results)} checks failed: " + "; ".join(failures))
    return f"{len(results)} of {len(results)} checks passed"
