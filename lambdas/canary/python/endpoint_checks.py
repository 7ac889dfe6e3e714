"""HTTP endpoint checks a canary runs: method, path, expected status, optional JSON field check, latency budget.

Plain Python (standard library; boto3 only to read a headers secret), so tests run the same checks against a
local server that the Synthetics canary runs against the real service. Failure reasons never include header
values: headers come from a Secrets Manager secret and may carry credentials.
"""
from __future__ import annotations

import http.client
import json
import socket
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "HttpCheck",
    "CheckResult",
    "CheckConfigError",
    "HeadersSecretError",
    "parse_checks",
    "run_check",
    "run_checks",
    "secret_headers",
]

_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
_MISSING = object()


class CheckConfigError(ValueError):
    """The check list handed to the canary is malformed; the message is one line naming what is wrong."""


class HeadersSecretError(RuntimeError):
    """A headers secret could not be read or is not a JSON object of header names to string values."""


@dataclass(frozen=True)
class HttpCheck:
    """One request and what a healthy answer looks like.

    ``json_path`` is a dotted path into the JSON body (``status`` or ``checks.db``); with ``json_equals`` the
    value there must equal it, without it the field only has to exist.

    Example
    -------
    >>> HttpCheck(name="ready", path="/health/ready", json_path="status", json_equals="ok").method
    'GET'
    """

    name: str
    path: str
    method: str = "GET"
    expected_status: int = 200
    latency_budget_ms: int = 2000
    json_path: str | None = None
    json_equals: Any = _MISSING
    headers_secret: str | None = None
    body: str | None = None

    @property
    def label(self) -> str:
        """``METHOD path``, how results and reasons name the check."""
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check. ``reason`` is empty when it passed, one readable line when it failed.

    Example
    -------
    >>> CheckResult(name="live", label="GET /health/live", passed=True, status=200, latency_ms=12.0).reason
    ''
    """

    name: str
    label: str
    passed: bool
    status: int | None
    latency_ms: float | None
    reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)


def parse_checks(raw: str | Sequence[Mapping[str, Any]]) -> list[HttpCheck]:
    """Build checks from JSON text (the canary's ``CANARY_CHECKS`` variable) or already-decoded mappings.

    Parameters
    ----------
    raw : str or sequence of mappings
        A JSON array of objects with keys name, path and optionally method, expected_status,
        latency_budget_ms, json_path, json_equals, headers_secret, body.

    Returns
    -------
    list[HttpCheck]

    Raises
    ------
    CheckConfigError
        One line naming the bad entry and what is allowed.

    Example
    -------
    >>> parse_checks('[{"name": "live", "path": "/health/live"}]')[0].label
    'GET /health/live'
    """
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise CheckConfigError(f"checks are not valid JSON ({exc.msg} at char {exc.pos})") from None
    if not isinstance(raw, list) or not raw:
        raise CheckConfigError("checks must be a non-empty JSON array of objects")
    allowed = set(HttpCheck.__dataclass_fields__)
    checks: list[HttpCheck] = []
    for index, entry in enumerate(raw):
        if not isinstance(entry, Mapping):
            raise CheckConfigError(f"checks[{index}] must be an object, got {type(entry).__name__}")
        unknown = sorted(set(entry) - allowed)
        if unknown:
            raise CheckConfigError(
                f"checks[{index}]: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
            )
        checks.append(_validated(index, dict(entry)))
    return checks


def _validated(index: int, entry: dict[str, Any]) -> HttpCheck:
    where = f"checks[{index}] ({entry.get('name', '?')})"
    if not isinstance(entry.get("name"), str) or not entry["name"]:
        raise CheckConfigError(f"checks[{index}]: 'name' is required and must be a non-empty string")
    if not isinstance(entry.get("path"), str) or not entry["path"].startswith("/"):
        raise CheckConfigError(f"{where}: 'path' is required and must start with '/'")
    method = str(entry.get("method", "GET")).upper()
    if method not in _METHODS:
        raise CheckConfigError(f"{where}: method '{entry.get('method')}' is not one of {', '.join(_METHODS)}")
    status = entry.get("expected_status", 200)
    if not isinstance(status, int) or not 100 <= status <= 599:
        raise CheckConfigError(f"{where}: expected_status must be an HTTP status 100-599, got {status!r}")
    budget = entry.get("latency_budget_ms", 2000)
    if not isinstance(budget, int) or budget <= 0:
        raise CheckConfigError(f"{where}: latency_budget_ms must be a positive integer, got {budget!r}")
    entry["method"] = method
    return HttpCheck(**entry)


def secret_headers(secret_name: str, client: Any = None) -> dict[str, str]:
    """Read request headers from a Secrets Manager secret holding a JSON object ``{"Header": "value"}``.

    Raises
    ------
    HeadersSecretError
        Naming the secret and the problem; never the secret's value.

    Example
    -------
    >>> import boto3
    >>> from moto import mock_aws
    >>> with mock_aws():
    ...     secrets = boto3.client("secretsmanager", region_name="eu-west-1")
    ...     _ = secrets.create_secret(Name="demo/headers", SecretString='{"X-Api-Key": "not-a-real-key"}')
    ...     sorted(secret_headers("demo/headers", secrets))
    ['X-Api-Key']
    """
    if client is None:
        import boto3  # only canaries with a headers secret need the SDK

        client = boto3.client("secretsmanager")
    try:
        value = client.get_secret_value(SecretId=secret_name)["SecretString"]
    except Exception as exc:  # botocore's ClientError and friends: report the code, not a traceback
        code = getattr(exc, "response", {}).get("Error", {}).get("Code", type(exc).__name__)
        raise HeadersSecretError(f"could not read headers secret '{secret_name}' ({code})") from None
    try:
        headers = json.loads(value)
    except (TypeError, json.JSONDecodeError):
        headers = None
    if not isinstance(headers, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
    ):
        raise HeadersSecretError(
            f"headers secret '{secret_name}' must be a JSON object of header names to string values"
        )
    return headers


def run_check(base_url: str, check: HttpCheck, headers: Mapping[str, str] | None = None,
              timeout_s: float = 10.0) -> CheckResult:
    """Send one request and judge the answer: status, then latency, then the JSON body check.

    Parameters
    ----------
    base_url : str
        ``http(s)://host[:port][/prefix]``; the check's path is appended.
    check : HttpCheck
    headers : mapping, optional
        Extra request headers (typically from ``secret_headers``).
    timeout_s : float
        Socket timeout; a request that gets no answer in time fails with a reason saying so.

    Returns
    -------
    CheckResult
        ``passed`` and, on failure, a one-line ``reason`` that names the check.

    Example
    -------
    >>> import http.server, threading
    >>> server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    >>> threading.Thread(target=server.serve_forever, daemon=True).start()
    >>> result = run_check(f"http://127.0.0.1:{server.server_port}", HttpCheck(name="root", path="/"))
    >>> result.passed, result.status, result.reason
    (True, 200, '')
    >>> server.shutdown()
    >>> run_check("ftp://api.example.com", HttpCheck(name="live", path="/health/live")).reason
    "GET /health/live: base URL 'ftp://api.example.com' must be http(s)://host[:port][/prefix]"
    """
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _failed(check, None, None, f"base URL '{base_url}' must be http(s)://host[:port][/prefix]")
    target = f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}"
    connection_type = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    kwargs: dict[str, Any] = {"timeout": timeout_s}
    if parts.scheme == "https":
        kwargs["context"] = ssl.create_default_context()
    connection = connection_type(parts.hostname, parts.port, **kwargs)
    path = parts.path.rstrip("/") + check.path
    request_headers = {"User-Agent": "watchtower-canary", "Accept": "application/json", **(headers or {})}
    started = time.perf_counter()
    try:
        connection.request(check.method, path, body=check.body, headers=request_headers)
        response = connection.getresponse()
        payload = response.read()
    except ConnectionRefusedError:
        return _failed(check, None, None, f"could not connect to {target} (connection refused)")
    except (socket.timeout, TimeoutError):
        return _failed(check, None, None, f"no response from {target} within {timeout_s:g} s")
    except ssl.SSLError as exc:
        return _failed(check, None, None, f"TLS handshake with {target} failed ({exc.reason or exc})")
    except (OSError, http.client.HTTPException) as exc:
        return _failed(check, None, None, f"request to {target} failed ({type(exc).__name__}: {exc})")
    finally:
        connection.close()
    latency_ms = (time.perf_counter() - started) * 1000
    return _judge(check, response.status, latency_ms, payload)


def _judge(check: HttpCheck, status: int, latency_ms: float, payload: bytes) -> CheckResult:
    if status != check.expected_status:
        return _failed(check, status, latency_ms, f"expected HTTP {check.expected_status}, got {status}")
    if latency_ms > check.latency_budget_ms:
        return _failed(
            check, status, latency_ms,
            f"took {latency_ms:.0f} ms, over its latency budget of {check.latency_budget_ms} ms",
        )
    if check.json_path is not None:
        problem = _json_problem(check, check.json_path, payload)
        if problem:
            return _failed(check, status, latency_ms, problem)
    return CheckResult(check.name, check.label, True, status, latency_ms)


def _json_problem(check: HttpCheck, json_path: str, payload: bytes) -> str:
    try:
        document = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        snippet = payload[:40].decode("utf-8", "replace").replace("\n", " ")
        detail = exc.msg if isinstance(exc, json.JSONDecodeError) else "not UTF-8"
        return f"body is not JSON ({detail}); it starts with {snippet!r}"
    value: Any = document
    for key in json_path.split("."):
        if isinstance(value, dict) and key in value:
            value = value[key]
        elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            return f"JSON body has no field '{check.json_path}'"
    if check.json_equals is not _MISSING and value != check.json_equals:
        return f"JSON field '{check.json_path}' is {value!r}, expected {check.json_equals!r}"
    return ""


def _failed(check: HttpCheck, status: int | None, latency_ms: float | None, reason: str) -> CheckResult:
    return CheckResult(check.name, check.label, False, status, latency_ms, f"{check.label}: {reason}")


def run_checks(base_url: str, checks: Sequence[HttpCheck],
               read_headers: Callable[[str], Mapping[str, str]] = secret_headers,
               timeout_s: float = 10.0) -> list[CheckResult]:
    """Run every check in order; each secret is read once. A secret that cannot be read fails its checks.

    Example
    -------
    >>> def unreadable(name):  # a secret that cannot be read fails its checks without a request
    ...     raise HeadersSecretError(f"could not read headers secret '{name}' (ResourceNotFoundException)")
    >>> checks = parse_checks('[{"name": "me", "path": "/me", "headers_secret": "demo/headers"}]')
    >>> [r.reason for r in run_checks("https://api.example.com", checks, read_headers=unreadable)]
    ["GET /me: could not read headers secret 'demo/headers' (ResourceNotFoundException)"]
    """
    cache: dict[str, Mapping[str, str] | HeadersSecretError] = {}
    results: list[CheckResult] = []
    for check in checks:
        headers: Mapping[str, str] = {}
        if check.headers_secret:
            if check.headers_secret not in cache:
                try:
                    cache[check.headers_secret] = read_headers(check.headers_secret)
                except HeadersSecretError as exc:
                    cache[check.headers_secret] = exc
            found = cache[check.headers_secret]
            if isinstance(found, HeadersSecretError):
                results.append(_failed(check, None, None, str(found)))
                continue
            headers = found
        results.append(run_check(base_url, check, headers, timeout_s))
    return results
