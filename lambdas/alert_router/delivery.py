"""HTTP delivery with retries: 5xx, timeouts and connection errors are retried with exponential backoff and
jitter; a 429 waits as long as the receiver's ``Retry-After`` says (backoff when it says nothing) and holds every
delivery to the same endpoint for that long (a ChannelGate); all of it within the time the Lambda has left. Any
other answer is final."""
from __future__ import annotations

import json
import random
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from http.client import HTTPException
from typing import Any, Callable
from urllib.parse import urlsplit

__all__ = [
    "RetryPolicy",
    "Deadline",
    "DeliveryResult",
    "ChannelGate",
    "post_json",
    "validate_endpoint",
    "EndpointError",
    "retry_after_seconds",
]

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# Shortest attempt worth starting: below this the request would time out before a server could answer.
_MIN_ATTEMPT_S = 0.05
# Answers of 429 are the receiver pacing us, not failing: they do not use up ``max_attempts`` (the deadline bounds
# them), but a receiver that throttles this often is not going to take the message in this invocation.
_MAX_THROTTLED_ATTEMPTS = 30


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
    """Outcome of one delivery: ``ok``, how many attempts, the last HTTP status, a one-line detail and how many
    attempts the receiver answered 429."""

    ok: bool
    attempts: int
    status: int | None
    detail: str
    throttled: int = 0


class ChannelGate:
    """When the next request to one endpoint may start. A 429 closes the gate for its ``Retry-After``; every
    delivery to the endpoint (other threads of the same invocation included) waits for it instead of adding to
    the overload. ``on_hold`` is told of each 429's hold (the router shares it with other execution
    environments); holds learnt from elsewhere come in with ``share=False``.

    Example
    -------
    >>> gate = ChannelGate(clock=lambda: 100.0)
    >>> gate.hold(2.5); gate.wait_s()
    2.5
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 on_hold: Callable[[float], None] | None = None) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._open_at = 0.0
        self._on_hold = on_hold

    def hold(self, seconds: float, share: bool = True) -> None:
        """Keep the gate closed for at least ``seconds`` from now (a later hold never shortens an earlier one)."""
        with self._lock:
            self._open_at = max(self._open_at, self._clock() + max(seconds, 0.0))
        if share and self._on_hold is not None and seconds > 0:
            self._on_hold(seconds)

    def wait_s(self) -> float:
        """Seconds until the gate opens (0 when open)."""
        with self._lock:
            return max(self._open_at - self._clock(), 0.0)


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


def retry_after_seconds(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """``Retry-After`` in seconds: delta-seconds or an HTTP-date (RFC 9110), None when absent or unreadable.

    Example
    -------
    >>> retry_after_seconds("1.5"), retry_after_seconds("soon")
    (1.5, None)
    >>> retry_after_seconds("Tue, 01 Dec 2026 09:00:30 GMT", now=lambda: 1796115600.0)
    30.0
    """
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(when.timestamp() - now(), 0.0)


def post_json(
    url: str,
    body: dict[str, Any],
    policy: RetryPolicy,
    deadline: Deadline,
    *,
    sleep: Callable[[float], None] = time.sleep,
    rng: Callable[[], float] = random.random,
    gate: ChannelGate | None = None,
) -> DeliveryResult:
    """POST ``body`` as JSON to ``url``, retrying transient failures while ``deadline`` allows.

    ``gate`` is shared by every delivery to the same endpoint; without one, a private gate still makes this call
    honour ``Retry-After``. A wait that would outlast the deadline is not started: the result says so at once, so
    the caller has the remaining time to dead-letter the message.

    Example
    -------
    Against a local receiver that answers one POST with 200:

    >>> import threading
    >>> from http.server import BaseHTTPRequestHandler, HTTPServer
    >>> class Receiver(BaseHTTPRequestHandler):
    ...     def do_POST(self):
    ...         self.rfile.read(int(self.headers["Content-Length"]))
    ...         self.send_response(200)
    ...         self.end_headers()
    ...     def log_message(self, *args):
    ...         pass
    >>> server = HTTPServer(("127.0.0.1", 0), Receiver)
    >>> threading.Thread(target=server.handle_request).start()
    >>> post_json(f"http://127.0.0.1:{server.server_port}/hook", {"text": "hi"}, RetryPolicy(), Deadline(10))
    DeliveryResult(ok=True, attempts=1, status=200, detail='HTTP 200', throttled=0)
    >>> server.server_close()
    """
    data = json.dumps(body).encode("utf-8")
    gate = gate or ChannelGate()
    attempts = failures = throttled = 0
    status, detail = None, "no attempt made (no time left)"

    def given_up(why: str) -> DeliveryResult:
        return DeliveryResult(False, attempts, status, why, throttled)

    while True:
        wait = gate.wait_s()
        if wait > 0:
            if wait + _MIN_ATTEMPT_S >= deadline.remaining():
                if attempts == 0:  # an earlier 429 to this endpoint still holds it
                    return given_up(f"not attempted: the endpoint's last 429 asked to wait {wait:.1f}s more, "
                                    f"beyond the {deadline.remaining():.1f}s left")
                return given_up(f"{detail}; receiver asked to wait {wait:.1f}s, beyond the "
                                f"{deadline.remaining():.1f}s left after {attempts} attempt(s)")
            sleep(wait)
        left = deadline.remaining()
        if left < _MIN_ATTEMPT_S:
            return given_up(f"{detail}; out of time after {attempts} attempt(s)")
        attempts += 1
        request = urllib.request.Request(url, data=data, method="POST",
                                         headers={"Content-Type": "application/json", "User-Agent": "alert-router"})
        try:
            with _OPENER.open(request, timeout=min(policy.timeout_ms / 1000, left)) as response:
                status = response.status
                response.read(65536)
            return DeliveryResult(True, attempts, status, f"HTTP {status}", throttled)
        except urllib.error.HTTPError as error:
            status = error.code
            detail = f"HTTP {error.code} {error.reason}".strip()
            if error.code == 429:
                throttled += 1
                if throttled >= _MAX_THROTTLED_ATTEMPTS:
                    return given_up(f"{detail} {throttled} times; giving up after {attempts} attempt(s)")
                told = retry_after_seconds(error.headers.get("Retry-After") if error.headers else None)
                gate.hold(told if told is not None else policy.backoff_s(throttled, rng))
                continue
            if error.code < 500:
                return given_up(f"{detail} (not retried)")
        except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, HTTPException, OSError) as error:
            status = None
            reason = getattr(error, "reason", error)
            detail = f"{type(reason).__name__}: {reason}" if str(reason) else type(reason).__name__
        failures += 1
        if failures >= policy.max_attempts:
            return given_up(f"{detail} after {attempts} attempt(s)")
        delay = policy.backoff_s(failures, rng)
        if delay + _MIN_ATTEMPT_S >= deadline.remaining():
            return given_up(f"{detail}; out of time after {attempts} attempt(s)")
        sleep(delay)
