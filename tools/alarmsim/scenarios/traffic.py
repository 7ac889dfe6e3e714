"""Realistic per-minute metric values for a serverless service, driven by a health condition.

A :class:`Condition` says how the service behaves in one minute (traffic factor, error ratio, latency factor,
throttling ...). :func:`emit` turns it into what CloudWatch would hold for one metric in that minute, the way
each AWS service publishes: Lambda and API Gateway publish only when there is traffic, DynamoDB throttle events
and EventBridge failures only when they happen, SQS every minute.
"""
from __future__ import annotations

import math
import random
from functools import lru_cache
from dataclasses import dataclass

from tools.alarmsim.series import MetricKey, SeriesStore

__all__ = ["Condition", "Profile", "PROD", "DEV", "requests_per_minute", "emit", "poisson", "LATENCY_BINS"]

# Quantile bins (edges) used to represent a latency distribution with a few weighted points; the tail is split
# finely so p99 stays accurate.
LATENCY_BINS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 1.0)


@dataclass(frozen=True)
class Condition:
    """How the service behaves in one minute; the defaults are a healthy service."""

    traffic: float = 1.0          # multiplier on the profile's request rate
    error_ratio: float = 0.0005   # share of requests that fail (5xx / Lambda errors)
    client_error_ratio: float = 0.02
    latency_factor: float = 1.0   # multiplier on every latency quantile
    throttles_per_minute: float = 0.0
    cold_start_ratio: float = 0.02
    down: bool = False            # canaries fail, queues back up


@dataclass(frozen=True)
class Profile:
    """Traffic shape of an environment: mean requests per minute at the daily peak, and latency (ms)."""

    name: str
    peak_rpm: float
    trough_ratio: float = 0.35
    noise: float = 0.08
    latency_median_ms: float = 80.0
    latency_sigma: float = 0.6    # lognormal shape: p99 is about 4x the median (~320 ms)


PROD = Profile("prod", peak_rpm=900.0)
DEV = Profile("dev", peak_rpm=0.6, trough_ratio=0.1, noise=0.3)


def requests_per_minute(profile: Profile, minute: int, rng: random.Random) -> float:
    """Expected requests in an epoch minute: a daily curve (peak 15:00 UTC, trough 03:00) with noise.

    Example
    -------
    >>> 0.7 < requests_per_minute(PROD, 15 * 60, random.Random(1)) / PROD.peak_rpm < 1.3   # at the peak
    True
    >>> requests_per_minute(PROD, 3 * 60, random.Random(1)) < requests_per_minute(PROD, 15 * 60, random.Random(1))
    True
    """
    hour = (minute % 1440) / 60.0
    daily = (1 + math.cos((hour - 15.0) / 24.0 * 2 * math.pi)) / 2
    shape = profile.trough_ratio + (1 - profile.trough_ratio) * daily
    return max(0.0, profile.peak_rpm * shape * (1 + rng.gauss(0, profile.noise)))


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (normal approximation above a mean of 50).

    Example
    -------
    >>> poisson(random.Random(0), 0.0)
    0
    """
    if mean <= 0:
        return 0
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _binomial(rng: random.Random, n: int, p: float) -> int:
    if n <= 0 or p <= 0:
        return 0
    if p >= 1:
        return n
    if n * p > 30 and n * (1 - p) > 30:
        return min(n, max(0, round(rng.gauss(n * p, math.sqrt(n * p * (1 - p))))))
    if n < 200:
        return sum(rng.random() < p for _ in range(n))
    return min(n, poisson(rng, n * p))


@lru_cache(maxsize=4096)
def _lognormal_points(median: float, sigma: float) -> tuple[tuple[float, float], ...]:
    """(value, share) pairs: the quantile at the middle of each LATENCY_BINS bin, weighted by the bin width."""
    return tuple((median * math.exp(sigma * _probit((low + high) / 2)), high - low)
                 for low, high in zip(LATENCY_BINS, LATENCY_BINS[1:]))


def _probit(p: float) -> float:
    """Inverse standard normal CDF (Acklam's rational approximation; plenty for synthetic latency)."""
    a = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02, 1.383577518672690e02,
         -3.066479806614716e01, 2.506628277459239e00)
    b = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02, 6.680131188771972e01,
         -1.328068155288572e01)
    c = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00, -2.549732539343734e00,
         4.374664141464968e00, 2.938163982698783e00)
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)
    if p < 0.02425:
        q = math.sqrt(-2 * math.log(p))
        return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / \
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    if p > 1 - 0.02425:
        return -_probit(1 - p)
    q = p - 0.5
    r = q * q
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / \
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)


def _add_count(store: SeriesStore, key: MetricKey, minute: int, samples: int, total: float) -> None:
    if samples > 0:
        store.add_summary(key, minute, samples, total, 0.0 if total < samples else 1.0, 1.0 if total > 0 else 0.0,
                          [total / samples])


def emit(store: SeriesStore, key: MetricKey, minute: int, requests: int, condition: Condition,
         profile: Profile, rng: random.Random) -> None:
    """Add one minute of ``key`` to ``store`` as the service in ``condition`` would publish it.

    Example
    -------
    >>> s = SeriesStore(); emit(s, MetricKey.of("AWS/Lambda", "Errors", {}), 0, 100, Condition(error_ratio=1.0), PROD, random.Random(0))
    >>> s.bucket(MetricKey.of("AWS/Lambda", "Errors", {}), 0).total
    100.0
    """
    name = key.metric_name
    if name in ("Invocations", "Count", "ConcurrentExecutions", "ExecutionsStarted", "ExecutionsSucceeded",
                "NumberOfMessagesPublished", "NumberOfMessagesSent", "Invocations.Count"):
        _add_count(store, key, minute, requests, float(requests))
    elif name in ("Errors", "5XXError", "5xx", "ExecutionsFailed", "SystemErrors", "FunctionErrors") \
            or name.endswith("-ErrorLogs") or name == "ErrorLogs":
        _add_count(store, key, minute, requests, float(_binomial(rng, requests, condition.error_ratio)))
    elif name in ("4XXError", "4xx", "UserErrors"):
        _add_count(store, key, minute, requests, float(_binomial(rng, requests, condition.client_error_ratio)))
    elif name in ("Duration", "Latency", "IntegrationLatency", "SuccessfulRequestLatency"):
        if requests > 0:
            points = _lognormal_points(profile.latency_median_ms * condition.latency_factor, profile.latency_sigma)
            mean = sum(value * share for value, share in points)
            store.add_summary(key, minute, requests, mean * requests, points[0][0], points[-1][0], weighted=points)
    elif name == "Throttles":
        _add_count(store, key, minute, requests, float(poisson(rng, condition.throttles_per_minute)))
    elif name in ("ReadThrottleEvents", "WriteThrottleEvents", "ThrottledRequests"):
        throttled = poisson(rng, condition.throttles_per_minute / 2)
        if throttled:  # DynamoDB publishes throttle events only when they happen
            store.add_summary(key, minute, throttled, float(throttled), 1.0, 1.0, [1.0])
    elif name == "ColdStart":
        colds = _binomial(rng, requests, condition.cold_start_ratio)
        if colds:  # Powertools emits ColdStart=1 on cold invocations only
            store.add_summary(key, minute, colds, float(colds), 1.0, 1.0, [1.0])
    elif name == "memory_utilization":
        if requests > 0:
            value = min(100.0, max(1.0, rng.gauss(45.0, 5.0)))
            store.add_summary(key, minute, requests, value * requests, value - 3, value, [value])
    elif name == "ApproximateAgeOfOldestMessage":
        value = 1800.0 + 60 * (minute % 60) if condition.down else max(0.0, rng.gauss(20.0, 8.0))
        store.add_sample(key, minute, value)
    elif name in ("ApproximateNumberOfMessagesVisible", "ApproximateNumberOfMessagesNotVisible"):
        store.add_sample(key, minute, float(poisson(rng, 5.0)) if condition.down else 0.0)
    elif name in ("SuccessPercent",):
        if minute % 5 == 0:
            store.add_sample(key, minute, 0.0 if condition.down else 100.0)
    elif name in ("FailedInvocations", "DeadLetterErrors", "DestinationDeliveryFailures", "AsyncEventsDropped",
                  "ExecutionsTimedOut", "ExecutionsAborted", "NumberOfNotificationsFailed", "IteratorAge"):
        return  # published only when something goes wrong; healthy and incident scenarios alike leave them empty
    else:
        _add_count(store, key, minute, requests, 0.0)
