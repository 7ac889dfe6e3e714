"""HTTP delivery with retries: 429, 5xx, timeouts and connection errors are retried with exponential
backoff and jitter, within the time the Lambda has left; any other answer is final."""
from __future__ import annotations

import json
import random
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.client import HTTPException
from typing import Any, Callable
from urllib.parse import urlsplit

__all__ = ["RetryPolicy", "Deadline", "DeliveryResult", "post_json", "validate_endpoint", "EndpointError"]

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# Shortest attempt worth starting: below this the request would time out before a server could answer.
_MIN_ATTEMPT_S = 0.05


class EndpointError(ValueError):
    """A webhook URL from a secret is not an allowed endpoint (the text says why)."""


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try one delivery.

    Example
    -------
    >>> RetryPolicy(max_attempts=3).backoff_s(2, rng=lambda: 1.0)
    1.0
    """

    max_attempts: int = 4
    base_delay_ms: int = 500
    max_delay_ms: int = 8000
    timeout_ms: int = 5000

    def backoff_s(self, attempt: int, rng: Callable[[], float] = random.random) -> float:
        """Delay before attempt ``attempt + 1``: exponential, capped, with jitter in [50%, 100%].

        Example
        -------
        >>> RetryPolicy(base_delay_ms=100).backoff_s(1, rng=lambda: 0.0)
        0.05
        """
        ceiling = min(self.max_delay_ms, self.base_delay_ms * 2 ** (attempt - 1)) / 1000
        return ceiling * (0.5 + 0.5 * rng())


class Deadline:
    """Wall-clock budget for one invocation (the Lambda's remaining time minus a reserve).

    Example
    -------
    >>> Deadline(2.0).remaining() <= 2.0
    True
    """

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._end = clock() + max(seconds, 0.0)

    def remaining(self) -> float:
        """Seconds left, never negative."""
        return max(self._end - self._clock(), 0.0)


@dataclass(frozen=True)
class DeliveryResult:
    """Outcome of one delivery: ``ok``, how many attempts, the last HTTP status and a one-line detail."""

    ok: bool
    attempts: int
    status: int | None
    detail: str


def validate_endpoint(url: str) -> str:
    """Accept https URLs, and http only to loopback (local stand-ins); reject anything else.

    Example
    -------
    >>> validate_endpoint("https://hooks.slack.com/services/T/B/X")
    'https://hooks.slack.com/services/T/B/X'
    """
    if any(not ("!" <= c <= "~") for c in url.strip()):
        # urllib would refuse it later with an error that quotes the URL, i.e. the webhook's token, into logs.
        raise EndpointError("endpoint URL contains whitespace, control or non-ASCII characters (URL not shown)")
    parts = urlsplit(url.strip())
    if parts.scheme == "https" and parts.hostname:
        return url.strip()
    if parts.scheme == "http" and parts.hostname in _LOOPBACK:
        return url.strip()
    raise EndpointError(f"endpoint must be an https URL (got scheme {parts.scheme or 'none'!r})")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A webhook that redirects is misconfigured; following it would turn the POST into a GET elsewhere.
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D401 - stdlib signature
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _retry_after_s(error: urllib.error.HTTPError) -> float | None:
    value = error.headers.get("Retry-After") if error.headers else None
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None


def post_json(
    url: str,
    body: dict[str, Any],
    policy: RetryPolicy,
    deadline: Deadline,
    *,
    sleep: Callable[[float], None] = time.sleep,
    rng: Callable[[], float] = random.random,
) -> DeliveryResult:
    """POST ``body`` as JSON to ``url``, retrying transient failures while ``deadline`` allows.

    Example
    -------
    >>> post_json("https://hooks.slack.com/services/T/B/X", {"text": "hi"},
    ...           RetryPolicy(), Deadline(10))  # doctest: +SKIP
    DeliveryResult(ok=True, attempts=1, status=200, detail='HTTP 200')
    """
    data = json.dumps(body).encode("utf-8")
    attempts, status, detail = 0, None, "no attempt made (no time left)"
    while attempts < policy.max_attempts:
        left = deadline.remaining()
        if left < _MIN_ATTEMPT_S:
            return DeliveryResult(False, attempts, status, f"{detail}; out of time after {attempts} attempt(s)")
        attempts += 1
        request = urllib.request.Request(url, data=data, method="POST",
                                         headers={"Content-Type": "application/json", "User-Agent": "alert-router"})
        wait = None
        try:
            with _OPENER.open(request, timeout=min(policy.timeout_ms / 1000, left)) as response:
                status = response.status
                response.read(65536)
            return DeliveryResult(True, attempts, status, f"HTTP {status}")
        except urllib.error.HTTPError as error:
            status = error.code
            detail = f"HTTP {error.code} {error.reason}".strip()
            if error.code != 429 and error.code < 500:
                return DeliveryResult(False, attempts, status, f"{detail} (not retried)")
            wait = _retry_after_s(error) if error.code == 429 else None
        except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, HTTPException, OSError) as error:
            status = None
            reason = getattr(error, "reason", error)
            detail = f"{type(reason).__name__}: {reason}" if str(reason) else type(reason).__name__
        if attempts >= policy.max_attempts:
            break
        delay = min(wait if wait is not None else policy.backoff_s(attempts, rng), policy.max_delay_ms / 1000)
        if delay + _MIN_ATTEMPT_S >= deadline.remaining():
            return DeliveryResult(False, attempts, status, f"{detail}; out of time after {attempts} attempt(s)")
        sleep(delay)
    return DeliveryResult(False, attempts, status, f"{detail} after {attempts} attempt(s)")
