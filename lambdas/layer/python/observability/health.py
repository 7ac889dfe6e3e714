"""Health endpoints: ``/health/live``, ``/health/ready`` and ``/health/detailed`` (200 healthy, 503 not).

Readiness checks run in parallel, each with its own timeout, and their results are cached for a few seconds
so a busy load balancer or canary does not hammer the dependencies. A check that is still running from an
earlier call is not started again: it reports a timeout until it finishes.
"""
from __future__ import annotations

import concurrent.futures
import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["HealthChecks", "HealthResult", "ComponentStatus", "HealthError",
           "dynamodb_table_check", "s3_bucket_check", "callable_check"]

Check = Callable[[], Any]


class HealthError(RuntimeError):
    """A dependency check failed (raised by the built-in checks, caught by :class:`HealthChecks`)."""


@dataclass(frozen=True)
class ComponentStatus:
    """One dependency's outcome: ``healthy`` or ``unhealthy``, latency, and a short reason when unhealthy."""

    name: str
    healthy: bool
    latency_ms: float
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"status": "healthy" if self.healthy else "unhealthy",
                                "latency_ms": round(self.latency_ms, 1)}
        if self.error:
            body["error"] = self.error
        return body


@dataclass(frozen=True)
class HealthResult:
    """An HTTP answer: status code and JSON body.

    Example
    -------
    >>> HealthResult(503, {"status": "unhealthy"}).to_api_gateway()["statusCode"]
    503
    """

    status_code: int
    body: dict[str, Any]

    def to_api_gateway(self) -> dict[str, Any]:
        """As an API Gateway proxy response."""
        return {"statusCode": self.status_code, "headers": {"Content-Type": "application/json",
                                                            "Cache-Control": "no-store"},
                "body": json.dumps(self.body)}


def dynamodb_table_check(table_name: str, client: Any = None) -> Check:
    """A check that the DynamoDB table exists and is ACTIVE (needs ``dynamodb:DescribeTable``).

    Example
    -------
    >>> check = dynamodb_table_check("orders")  # the table is described when the check runs
    >>> callable(check)
    True
    """
    holder: dict[str, Any] = {"client": client}

    def check() -> None:
        if holder["client"] is None:
            import boto3  # lazy: health is optional, boto3 is heavy

            holder["client"] = boto3.client("dynamodb")
        status = holder["client"].describe_table(TableName=table_name)["Table"]["TableStatus"]
        if status not in ("ACTIVE", "UPDATING"):
            raise HealthError(f"table {table_name} is {status}")

    return check


def s3_bucket_check(bucket_name: str, client: Any = None) -> Check:
    """A check that the S3 bucket exists and is reachable (needs ``s3:ListBucket``).

    Example
    -------
    >>> check = s3_bucket_check("my-bucket")  # the bucket is reached when the check runs
    >>> callable(check)
    True
    """
    holder: dict[str, Any] = {"client": client}

    def check() -> None:
        if holder["client"] is None:
            import boto3

            holder["client"] = boto3.client("s3")
        holder["client"].head_bucket(Bucket=bucket_name)

    return check


def callable_check(function: Callable[[], Any]) -> Check:
    """Wrap any callable: it is unhealthy when it raises or returns ``False``.

    Example
    -------
    >>> callable_check(lambda: True)() is None
    True
    """
    def check() -> None:
        if function() is False:
            raise HealthError("check returned False")

    return check


class HealthChecks:
    """Liveness, readiness and detailed health over a set of named checks.

    Parameters
    ----------
    checks : Mapping[str, Callable[[], Any]]
        Name to check; a check is healthy when it returns anything but ``False`` without raising.
    timeout_seconds : float or Mapping[str, float]
        Per-check timeout (one number for all, or per name; default from HEALTH_CHECK_TIMEOUT_SECONDS).
    cache_seconds : float
        How long a readiness result is reused (default from HEALTH_CACHE_SECONDS).
    version : str
        Reported by ``/health/detailed`` (default SERVICE_VERSION or the function version).

    Example
    -------
    >>> health = HealthChecks({"always": lambda: True}, cache_seconds=0)
    >>> health.ready().status_code, health.live().status_code
    (200, 200)
    """

    def __init__(self, checks: Mapping[str, Check], timeout_seconds: float | Mapping[str, float] | None = None,
                 cache_seconds: float | None = None, version: str | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        from .runtime import runtime  # the process-wide settings, already loaded by `import observability`

        settings = runtime.settings
        self._runtime = runtime
        self._checks = dict(checks)
        default_timeout = settings.health_check_timeout_seconds
        if timeout_seconds is None or isinstance(timeout_seconds, (int, float)):
            value = default_timeout if timeout_seconds is None else float(timeout_seconds)
            self._timeouts = {name: value for name in self._checks}
        else:
            self._timeouts = {name: float(timeout_seconds.get(name, default_timeout)) for name in self._checks}
        self._cache_seconds = settings.health_cache_seconds if cache_seconds is None else cache_seconds
        self.version = version or settings.service_version
        self._clock = clock
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(2, 2 * len(self._checks)),
                                                           thread_name_prefix="health")
        self._running: dict[str, concurrent.futures.Future[Any]] = {}
        self._cached: tuple[float, list[ComponentStatus]] | None = None
        self._lock = threading.Lock()

    @staticmethod
    def _timed(check: Check) -> tuple[float, str | None]:
        """(latency in ms, why the check is unhealthy or None): it raised, or it returned ``False``."""
        start = time.perf_counter()
        try:
            reason = "returned False" if check() is False else None
        except Exception as caught:  # a failing dependency is data here, not a crash
            # The type only: messages can hold internals (ARNs, hosts) and this body goes to any caller.
            reason = type(caught).__name__
        return (time.perf_counter() - start) * 1000, reason

    def _run_all(self) -> list[ComponentStatus]:
        started = time.perf_counter()
        for name, check in self._checks.items():
            if name not in self._running or self._running[name].done():
                self._running[name] = self._pool.submit(self._timed, check)
        statuses = []
        for name in self._checks:
            remaining = self._timeouts[name] - (time.perf_counter() - started)
            try:
                latency_ms, reason = self._running[name].result(timeout=max(0.0, remaining))
            except concurrent.futures.TimeoutError:
                statuses.append(ComponentStatus(name, False, (time.perf_counter() - started) * 1000,
                                                f"timeout after {self._timeouts[name]:g} s"))
                continue
            statuses.append(ComponentStatus(name, reason is None, latency_ms, reason))
        return statuses

    def components(self) -> list[ComponentStatus]:
        """Each check's status, from the cache when fresh enough.

        Example
        -------
        >>> [c.healthy for c in HealthChecks({"a": lambda: False}).components()]
        [False]
        """
        with self._lock:
            now = self._clock()
            if self._cached is None or now - self._cached[0] >= self._cache_seconds:
                self._cached = (now, self._run_all())
            return self._cached[1]

    def clear_cache(self) -> None:
        """Forget the cached results, so the next call runs the checks.

        Example
        -------
        >>> HealthChecks({}).clear_cache()
        """
        with self._lock:
            self._cached = None

    def live(self) -> HealthResult:
        """200 while the process can answer at all.

        Example
        -------
        >>> HealthChecks({}).live().body
        {'status': 'alive'}
        """
        return HealthResult(200, {"status": "alive"})

    def ready(self) -> HealthResult:
        """200 when every dependency check passes in time, else 503 naming the failing ones.

        Example
        -------
        >>> HealthChecks({"db": lambda: False}, cache_seconds=0).ready().status_code
        503
        """
        failing = [component.name for component in self.components() if not component.healthy]
        if failing:
            return HealthResult(503, {"status": "unhealthy", "failing": failing})
        return HealthResult(200, {"status": "healthy"})

    def detailed(self) -> HealthResult:
        """Each component's status and latency, plus version and cold start.

        Example
        -------
        >>> sorted(HealthChecks({"db": lambda: True}).detailed().body)
        ['cold_start', 'components', 'status', 'version']
        """
        components = self.components()
        healthy = all(component.healthy for component in components)
        body = {"status": "healthy" if healthy else "unhealthy", "version": self.version,
                "cold_start": self._runtime.invocation_cold_start,
                "components": {component.name: component.as_dict() for component in components}}
        return HealthResult(200 if healthy else 503, body)

    def register(self, app: Any, prefix: str = "/health") -> None:
        """Add GET ``{prefix}/live``, ``/ready`` and ``/detailed`` routes to a Powertools API Gateway resolver.

        Example
        -------
        >>> from aws_lambda_powertools.event_handler import APIGatewayRestResolver
        >>> HealthChecks({}).register(APIGatewayRestResolver())
        """
        from aws_lambda_powertools.event_handler import Response

        def route(result: Callable[[], HealthResult]) -> Callable[[], Response]:
            def respond() -> Response:
                answer = result()
                return Response(status_code=answer.status_code, content_type="application/json",
                                body=json.dumps(answer.body), headers={"Cache-Control": "no-store"})
            return respond

        app.get(f"{prefix}/live")(route(self.live))
        app.get(f"{prefix}/ready")(route(self.ready))
        app.get(f"{prefix}/detailed")(route(self.detailed))
