"""Simulated data for previews: one model of the environment in a named state, read through each widget.

Every graph, number and alarm list of a preview reads the same model, so the numbers agree with each other:
errors are a share of the same requests the request graph shows, availability and budget are computed from those
errors by the widget's own metric math, a dead-letter queue is empty while its alarm is OK. The model is
deterministic (seeded by metric identity), so the same body always draws the same picture.

States: ``healthy`` (every alarm OK, traffic with a daily shape, no errors on the monitoring's own functions) and
an incident, built from the alarms an offline alarm simulator says would fire and the resources they watch.
"""
from __future__ import annotations

import ast
import hashlib
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from statistics import NormalDist
from typing import Any, Callable, Sequence

__all__ = ["State", "HEALTHY", "Model", "window_minutes", "rng_seed", "NOW_MINUTE", "resource_of",
           "evaluate_expression", "ExpressionError", "MetricRef", "series_range"]

# The moment every preview is drawn at: a Wednesday morning, so a 3 h range shows traffic rising to the day's peak.
NOW_MINUTE = int(datetime(2026, 3, 4, 10, 30, tzinfo=timezone.utc).timestamp() // 60)
HEALTHY_ERROR_RATIO = 0.0002      # a healthy month spends a fifth of a 99.9 % error budget
CLIENT_ERROR_RATIO = 0.02
_NORMAL = NormalDist()
# Dimensions that name the resource a metric belongs to, most specific first.
_RESOURCE_DIMENSIONS = ("FunctionName", "function_name", "ApiName", "ApiId", "TableName", "QueueName",
                        "StateMachineArn", "CanaryName", "RuleName", "EventBusName",
                        # the kinds beyond the serverless core
                        "StreamName", "DeliveryStreamName", "GraphQLAPIId", "LoadBalancer", "ClusterName",
                        "DBClusterIdentifier", "DistributionId", "BucketName", "ScheduleGroup", "PipeName",
                        "ses:configuration-set")
_ERRORS = {"5XXError", "5xx", "Errors", "ExecutionsFailed", "FailedInvocations",
           "HTTPCode_Target_5XX_Count", "IntegrationError", "5xxErrors", "ExecutionFailed", "LambdaInternalError"}
_CLIENT_ERRORS = {"4XXError", "4xx"}
_REQUESTS = {"Count", "Invocations", "ExecutionsStarted", "MatchedEvents", "NumberOfMessagesSent",
             "NumberOfMessagesReceived", "NumberOfMessagesDeleted", "TriggeredRules",
             "IncomingRecords", "Requests", "MessageCount", "RequestCount", "AllRequests", "InvocationAttemptCount"}
_NEVER_HEALTHY = {"Throttles", "ReadThrottleEvents", "WriteThrottleEvents", "ThrottledRequests", "SystemErrors",
                  "DeadLetterErrors", "DestinationDeliveryFailures", "AsyncEventsDropped", "ExecutionsTimedOut",
                  "ExecutionThrottled", "ExecutionsAborted", "ConditionalCheckFailedRequests", "UserErrors",
                  "WriteProvisionedThroughputExceeded", "ThrottledRecords", "HTTPCode_ELB_5XX_Count",
                  "ExecutionError", "LambdaUserError", "InvocationDroppedCount", "ExecutionTimeout",
                  "UnHealthyHostCount"}
_LATENCY = {"Latency", "IntegrationLatency", "Duration", "ExecutionTime", "IteratorAge", "OriginLatency",
            "GetRecords.IteratorAgeMilliseconds"}
# Percentages and ratios of the kinds beyond the core, as a healthy service shows them.
_UTILIZATION = {"CPUUtilization", "MemoryUtilization", "ACUUtilization"}
_HEALTHY_RATIOS = {"5xxErrorRate": 100 * HEALTHY_ERROR_RATIO, "Reputation.BounceRate": 0.005,
                   "Reputation.ComplaintRate": 0.0002}


def rng_seed(*keys: str) -> float:
    """A number in [0, 1) fixed by ``keys``: the same metric always gets the same level and phase.

    Example
    -------
    >>> rng_seed("a") == rng_seed("a") and 0 <= rng_seed("a") < 1
    True
    """
    digest = hashlib.sha256("|".join(keys).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2 ** 64


def window_minutes(start: str | None) -> int:
    """Minutes covered by a dashboard's ``start`` (``-PT3H``, ``-P7D``, ``-PT30M``, ``-P1W``); 180 if unreadable.

    Example
    -------
    >>> window_minutes("-PT3H"), window_minutes("-P30D"), window_minutes("-P1DT12H")
    (180, 43200, 2160)
    """
    found = re.fullmatch(r"-?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", (start or "").strip())
    if not found or not any(found.groups()):
        return 180
    weeks, days, hours, minutes, seconds = (int(g or 0) for g in found.groups())
    return max(1, ((weeks * 7 + days) * 24 + hours) * 60 + minutes + seconds // 60)


def resource_of(dimensions: dict[str, str]) -> str:
    """The resource a metric belongs to: the value of its most specific resource dimension.

    Example
    -------
    >>> resource_of({"Stage": "prod", "ApiName": "orders-api"})
    'orders-api'
    """
    for name in _RESOURCE_DIMENSIONS:
        if name in dimensions:
            return dimensions[name]
    return ";".join(f"{k}={v}" for k, v in sorted(dimensions.items())) or "-"


@dataclass(frozen=True)
class State:
    """What the picture shows: every alarm OK (``healthy``) or an incident.

    ``in_alarm`` are the alarm names in ALARM; ``affected`` the resources the incident hits (every request fails,
    canaries fail, dead-letter queues fill); the incident began ``incident_minutes`` before the picture's moment.

    Example
    -------
    >>> State("outage", frozenset({"a"}), frozenset({"orders-api"})).alarm_state("a")
    'ALARM'
    >>> HEALTHY.alarm_state("a")
    'OK'
    """

    name: str = "healthy"
    in_alarm: frozenset[str] = frozenset()
    affected: frozenset[str] = frozenset()
    incident_minutes: int = 30
    description: str = "healthy: every alarm OK"
    degraded: frozenset[str] = frozenset()  # resources of other alarms in ALARM: a few failures, not an outage

    def alarm_state(self, name: str) -> str:
        """``ALARM`` for the alarms the state puts in ALARM, else ``OK``."""
        return "ALARM" if name in self.in_alarm else "OK"


HEALTHY = State()


class ExpressionError(ValueError):
    """Metric math the preview cannot evaluate (it draws the series as missing)."""


def evaluate_expression(text: str, values: dict[str, float | None]) -> float | None:
    """Evaluate CloudWatch metric math of + - * /, numbers, ids and ``SUM([ids])`` on one point in time.

    A division by zero or a missing input gives ``None`` (a gap), as CloudWatch draws no point.

    Example
    -------
    >>> evaluate_expression("100*(1-SUM([e0])/SUM([r0]))", {"e0": 1.0, "r0": 1000.0})
    99.9
    >>> evaluate_expression("e/r", {"e": 1.0, "r": 0.0}) is None
    True
    """
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise ExpressionError(f"cannot read metric math {text!r}") from None

    def walk(node: ast.AST) -> float | None:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.Name):
            if node.id not in values:
                raise ExpressionError(f"metric math {text!r} reads {node.id!r}, which the widget does not define")
            return values[node.id]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = walk(node.operand)
            return None if inner is None else -inner
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            left, right = walk(node.left), walk(node.right)
            if left is None or right is None:
                return None
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            return None if right == 0 else left / right
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "SUM"
                and len(node.args) == 1 and isinstance(node.args[0], ast.List)):
            parts = [walk(element) for element in node.args[0].elts]
            present = [p for p in parts if p is not None]
            return sum(present) if present else None
        raise ExpressionError(f"metric math {text!r}: only + - * /, numbers, ids and SUM([ids]) are simulated")

    return walk(tree)


@dataclass(frozen=True)
class MetricRef:
    """One metric a widget reads: identity and how it is aggregated."""

    namespace: str
    name: str
    dimensions: tuple[tuple[str, str], ...]
    stat: str
    period: int

    @property
    def resource(self) -> str:
        """The resource the metric belongs to (requests and errors are shared by its metrics)."""
        return resource_of(dict(self.dimensions))

    @property
    def series_key(self) -> str:
        """The resource and its other dimensions (a table's operations have latencies of their own)."""
        others = [f"{k}={v}" for k, v in self.dimensions if v != self.resource and k != "Stage"]
        return ";".join([self.resource, *others])


def _overlap(start: float, end: float, incident_start: float, incident_end: float) -> float:
    return max(0.0, min(end, incident_end) - max(start, incident_start))


@dataclass
class Model:
    """The environment in ``state``: values of any metric for a period ending at a minute.

    ``own_prefix`` names the monitoring's own resources (``<app>-<env>-``): the alert router, cost checker and
    canaries run without errors unless an incident hits them.

    Example
    -------
    >>> model = Model(HEALTHY)
    >>> ref = MetricRef("AWS/Lambda", "Invocations", (("FunctionName", "f"),), "Sum", 300)
    >>> model.value(ref, NOW_MINUTE) > 0
    True
    >>> model.value(MetricRef("AWS/Lambda", "Errors", (("FunctionName", "f"),), "Sum", 300), NOW_MINUTE) <= 1
    True
    """

    state: State = HEALTHY
    own_prefix: str = ""
    _cache: dict = field(default_factory=dict)

    # -- the underlying behaviour of a resource --------------------------------------------------------------
    def _hit(self, resource: str) -> bool:
        return resource in self.state.affected

    def _incident(self) -> tuple[float, float]:
        if not (self.state.affected or self.state.degraded):
            return (math.inf, math.inf)
        return (NOW_MINUTE - self.state.incident_minutes, NOW_MINUTE + 1)

    def _own(self, resource: str) -> bool:
        return bool(self.own_prefix) and resource.startswith(self.own_prefix)

    def _wiggle(self, key: str, minute: float, size: float = 0.08) -> float:
        """1 plus a smooth deterministic wobble of about ``size``."""
        a, b, c = rng_seed(key, "a"), rng_seed(key, "b"), rng_seed(key, "c")
        return 1 + size * (0.6 * math.sin(minute / (37 + 20 * a) + 6.3 * b)
                           + 0.4 * math.sin(minute / (11 + 7 * c) + 6.3 * a))

    def requests_per_minute(self, resource: str, minute: float) -> float:
        """Requests a minute: a daily curve (trough 03:00 UTC, peak 15:00) around a level fixed per resource."""
        if self._own(resource):
            peak = 0.4  # the monitoring's own functions run a few times an hour
        else:
            peak = 200 + 700 * rng_seed(resource, "peak")
        hour = (minute / 60) % 24
        shape = 0.35 + 0.65 * (1 - math.cos(2 * math.pi * (hour - 3) / 24)) / 2
        weekend = int(minute // 1440 + 4) % 7 in (6, 0)  # Saturday, Sunday (epoch day 0 was a Thursday)
        days = 1 + 0.06 * math.sin(minute / (1440 * 2.3) + 6.3 * rng_seed(resource, "days"))
        return peak * shape * (0.7 if weekend else 1.0) * days * self._wiggle(resource, minute)

    def _requests(self, resource: str, start: float, end: float,
                  share: Callable[[float], float] | None = None) -> float:
        """Requests in ``[start, end)`` (times ``share(minute)`` when given, e.g. the failing share)."""
        steps = max(1, min(96, int(end - start) // 5 or 1))
        width = (end - start) / steps
        times = [start + (i + 0.5) * width for i in range(steps)]
        return sum(self.requests_per_minute(resource, t) * (share(t) if share else 1.0) for t in times) * width

    def _error_count(self, resource: str, start: float, end: float, ratio: float) -> float:
        """Failed requests in ``[start, end)``: ``ratio`` of them while healthy, all of them during the incident."""
        requests = self._requests(resource, start, end)
        if self._hit(resource):
            incident = _overlap(start, end, *self._incident())
            share = incident / max(end - start, 1e-9)
            return requests * (share + (1 - share) * ratio)
        if resource in self.state.degraded and ratio == HEALTHY_ERROR_RATIO:
            # another alarm of the picture is in ALARM on this resource: a failure every few minutes
            incident = _overlap(start, end, *self._incident())
            if incident:  # never more failures than requests: at most half of them, about one every 3 minutes
                return max(requests * ratio, min(0.5 * requests, incident / 3))
            return requests * ratio * (not self._own(resource))
        if self._own(resource) and ratio == HEALTHY_ERROR_RATIO:
            return 0.0
        # The expected count, not whole failures: a busy API's 0-or-1 errors per period would draw a comb that
        # reads like an incident; the ratio is what a reviewer compares with the thresholds.
        return self._requests(resource, start, end, lambda t: ratio * self._wiggle(resource + "errors", t, 0.3))

    def _latency_ms(self, resource: str, quantile: float, minute: float | None = None) -> float:
        """A lognormal latency (median fixed per resource, p99 about 4x it), slowly wobbling over time."""
        median = 40 + 110 * rng_seed(resource, "median")
        drift = self._wiggle(resource + "latency", minute, 0.06) if minute is not None else 1.0
        return median * drift * math.exp(0.6 * _NORMAL.inv_cdf(min(max(quantile, 1e-6), 0.999999)))

    def _incident_share(self, resource: str, start: float, end: float) -> float:
        return _overlap(start, end, *self._incident()) / max(end - start, 1e-9) if self._hit(resource) else 0.0

    # -- one metric over one period ---------------------------------------------------------------------------
    def value(self, ref: MetricRef, end_minute: float) -> float | None:
        """The value of ``ref`` for the period ending at ``end_minute`` (epoch minutes)."""
        key = (ref, end_minute)
        if key not in self._cache:
            self._cache[key] = self._value(ref, end_minute)
        return self._cache[key]

    def _value(self, ref: MetricRef, end: float) -> float | None:
        start = end - max(ref.period, 60) / 60
        resource, name, stat = ref.resource, ref.name, ref.stat
        per_minute = end - start
        hit = self._incident_share(resource, start, end)
        if name in _REQUESTS:
            total = self._requests(resource, start, end)
            return total if stat in ("Sum", "SampleCount") else total / per_minute
        if name in _ERRORS:
            return self._error_count(resource, start, end, HEALTHY_ERROR_RATIO)
        if name in _CLIENT_ERRORS:
            return self._error_count(resource, start, end, CLIENT_ERROR_RATIO)
        if name in _NEVER_HEALTHY:
            return 0.0
        if name in _LATENCY and ref.namespace != "CloudWatchSynthetics":
            return self._latency(ref, end)
        if name == "TargetResponseTime":  # a load balancer reports seconds
            return self._latency(ref, end) / 1000
        if name in _UTILIZATION:
            return (30 + 25 * rng_seed(resource, name)) * self._wiggle(resource + name, end, 0.05)
        if name in _HEALTHY_RATIOS:
            return _HEALTHY_RATIOS[name] * self._wiggle(resource + name, end, 0.2)
        if name.endswith(".DataFreshness"):  # seconds behind: about one buffering interval
            return (60 + 240 * rng_seed(resource, "freshness")) * self._wiggle(resource + name, end, 0.1)
        if name == "SuccessfulRequestLatency":
            return (3 + 5 * rng_seed(ref.series_key, "ddb")) * self._wiggle(ref.series_key, end, 0.1)
        if name == "ConcurrentExecutions":
            seconds = self._latency_ms(resource, 0.5) / 1000
            return max(1.0, round(self.requests_per_minute(resource, end) * seconds / 60 * 3))
        if name == "memory_utilization":
            return (30 + 25 * rng_seed(resource, "memory")) * self._wiggle(resource + name, end, 0.05)
        if name == "ColdStart":
            ratio = 0.004 + 0.012 * rng_seed(resource, "cold")
            return self._requests(resource, start, end) * ratio * self._wiggle(resource + "cold", end, 0.2)
        if name in ("ConsumedReadCapacityUnits", "ConsumedWriteCapacityUnits"):
            share = 0.8 if "Read" in name else 0.3
            return self._requests(resource, start, end) * share
        if name == "ApproximateNumberOfMessagesVisible":
            if hit:
                return 2.0 * _overlap(start, end, *self._incident())  # failures pile up in the queues
            return 0.0 if _is_dead_letter(resource) else math.floor(3 * self._wiggle(resource, end, 0.5))
        if name == "ApproximateAgeOfOldestMessage":
            if hit:
                return 60.0 * _overlap(-math.inf, end, *self._incident())
            return 0.0 if _is_dead_letter(resource) else 4 + 6 * rng_seed(resource, "age")
        if name == "SuccessPercent":
            return 100.0 * (1 - hit)
        if ref.namespace == "CloudWatchSynthetics" and name == "Duration":
            return 1500 + 800 * rng_seed(resource, "canary")
        if name == "EstimatedHourlyCost":
            return self._hourly_cost(ref, end)
        if name == "CostSoFarToday":
            return self._cost_today(ref, end)
        if name == "DailyCost":
            return 24 * self._hourly_cost(ref, end) * (0.2 + 0.3 * rng_seed(resource, "share"))
        if name == "EstimatedCharges":
            return self._month_to_date(ref, end)
        return (10 + 40 * rng_seed(ref.namespace, name, resource)) * self._wiggle(name + resource, end)

    def _latency(self, ref: MetricRef, end: float) -> float:
        stat, key = ref.stat, ref.series_key
        if stat.startswith("PR("):
            return self._latency_range(ref, end)
        if stat.startswith(("TM(", "WM(", "IQM")):  # trimmed and winsorized means: about the median
            return self._latency_ms(key, 0.5, end)
        if stat.startswith("p"):
            try:
                quantile = float(stat[1:]) / 100
            except ValueError:
                quantile = 0.5
            return self._latency_ms(key, quantile, end)
        if stat == "Maximum":
            return self._latency_ms(key, 0.9995, end)
        if stat == "Minimum":
            return self._latency_ms(key, 0.001, end)
        return self._latency_ms(key, 0.5, end) * math.exp(0.18)  # the lognormal's mean

    def _latency_range(self, ref: MetricRef, end: float) -> float:
        """``PR(low:high)``: percent of the period's requests whose latency is in the range."""
        found = re.fullmatch(r"PR\(([\d.]*):([\d.]*)\)", ref.stat)
        if not found:
            return 100.0
        start = end - max(ref.period, 60) / 60
        samples = [start + (i + 0.5) * (end - start) / 12 for i in range(12)]

        def below(limit: str, default: float, median: float) -> float:
            if not limit:
                return default
            return _NORMAL.cdf(math.log(float(limit) / median) / 0.6) if float(limit) > 0 else 0.0

        shares = []
        for minute in samples:
            median = self._latency_ms(ref.series_key, 0.5, minute)
            shares.append(below(found.group(2), 1.0, median) - below(found.group(1), 0.0, median))
        return 100.0 * sum(shares) / len(shares)

    def _hourly_cost(self, ref: MetricRef, end: float) -> float:
        scope = dict(ref.dimensions).get("Scope", "account")
        level = 2.0 if scope == "account" else 1.4   # the environment is part of the account's bill
        return level * self._wiggle("cost", end, 0.15)

    def _cost_today(self, ref: MetricRef, end: float) -> float:
        hours = (end % 1440) / 60 if ref.period < 86400 else 24.0
        return sum(self._hourly_cost(ref, end - 60 * h) for h in range(int(max(hours, 1))))

    def _month_to_date(self, ref: MetricRef, end: float) -> float:
        when = datetime.fromtimestamp(end * 60, tz=timezone.utc)
        days = when.day - 1 + (when.hour + when.minute / 60) / 24
        share = 0.3 + 0.4 * rng_seed(dict(ref.dimensions).get("ServiceName", "all")) \
            if "ServiceName" in dict(ref.dimensions) else 1.0
        return 24 * 2.0 * days * share

    # -- a widget's series --------------------------------------------------------------------------------------
    def widget_series(self, properties: dict[str, Any], window: int, points: int
                      ) -> list[tuple[str, dict[str, Any], list[float | None]]]:
        """(label, options, values) of every visible series of a metric widget, ``points`` values each over the
        ``window`` minutes ending now; math inputs are evaluated but not returned.

        Example
        -------
        >>> props = {"period": 300, "metrics": [["AWS/Lambda", "Invocations", "FunctionName", "f", {"id": "r"}],
        ...          [{"expression": "2*r", "label": "twice", "id": "t"}]]}
        >>> [(label, len(values)) for label, _, values in Model().widget_series(props, 180, 10)]
        [('f Invocations', 10), ('twice', 10)]
        """
        return _WidgetSeries(self, properties, window, points).visible()


def _is_dead_letter(resource: str) -> bool:
    return bool(re.search(r"(dlq|dead-?letter|deadletter)", resource, re.IGNORECASE))


class _WidgetSeries:
    """Evaluates one widget's metric entries (with the console's rendering rules) over the timeline."""

    def __init__(self, model: Model, properties: dict[str, Any], window: int, points: int) -> None:
        self.model = model
        self.properties = properties
        self.whole_range = bool(properties.get("setPeriodToTimeRange", False))
        self.window = window
        self.times = [NOW_MINUTE] if self.whole_range else \
            [NOW_MINUTE - window + (i + 1) * window / points for i in range(points)]
        self.entries = list(properties.get("metrics", []))

    def _options(self, entry: list[Any]) -> dict[str, Any]:
        return entry[-1] if entry and isinstance(entry[-1], dict) else {}

    def _ref(self, entry: list[Any], previous: list[Any] | None) -> MetricRef:
        options = self._options(entry)
        plain = [part for part in entry if not isinstance(part, dict)]
        # "..." repeats the previous entry's part at that position, as the console does
        if previous is not None:
            prior = [part for part in previous if not isinstance(part, dict)]
            plain = [prior[i] if part == "..." and i < len(prior) else part for i, part in enumerate(plain)]
        namespace, name, rest = plain[0], plain[1], plain[2:]
        dims = tuple(sorted(zip(rest[0::2], rest[1::2], strict=False)))
        period = self.window * 60 if self.whole_range else int(options.get("period") or
                                                             self.properties.get("period") or 300)
        stat = str(options.get("stat") or self.properties.get("stat") or "Average")
        return MetricRef(str(namespace), str(name), tuple((str(k), str(v)) for k, v in dims), stat, period)

    def _search(self, expression: str, options: dict[str, Any]) -> MetricRef | None:
        found = re.search(r"\{([^,}]+)[^}]*\}[^']*MetricName=\\?\"([^\"\\]+)", expression)
        if not found:
            return None
        period = self.window * 60 if self.whole_range else int(options.get("period") or
                                                             self.properties.get("period") or 300)
        stat = re.search(r"',\s*'([^']+)'", expression)
        dims = re.search(r"\{[^,}]+,([^}]*)\}", expression)
        names = [d.strip() for d in dims.group(1).split(",")] if dims else []
        # one line stands for all matches; its dimensions are wildcards ("*")
        return MetricRef(found.group(1), found.group(2), tuple((n, "*") for n in names),
                         stat.group(1) if stat else "Average", period)

    def visible(self) -> list[tuple[str, dict[str, Any], list[float | None]]]:
        values: dict[str, list[float | None]] = {}
        shown: list[tuple[str, dict[str, Any], list[float | None]]] = []
        previous: list[Any] | None = None
        for index, entry in enumerate(self.entries):
            options = self._options(entry)
            ident = options.get("id") or f"m{index}"
            if entry and isinstance(entry[0], dict):       # metric math or SEARCH
                expression = str(entry[0].get("expression", ""))
                options = entry[0]
                ident = options.get("id") or ident
                if "SEARCH(" in expression:
                    ref = self._search(expression, options)
                    series = [self.model.value(ref, t) if ref else None for t in self.times]
                    label = (f"{ref.name} (one line per match)" if ref else expression)
                else:
                    series = [self._math(expression, values, i) for i in range(len(self.times))]
                    label = options.get("label") or ident
            else:
                ref = self._ref(entry, previous)
                previous = entry
                series = [self.model.value(ref, t) for t in self.times]
                label = options.get("label") or f"{ref.resource} {ref.name}"
            values[ident] = series
            if options.get("visible") is not False:
                shown.append((str(label or ident), options, series))
        return shown

    def _math(self, expression: str, values: dict[str, list[float | None]], at: int) -> float | None:
        try:
            return evaluate_expression(expression, {k: v[at] for k, v in values.items()})
        except ExpressionError:
            return None


def series_range(series: Sequence[Sequence[float | None]]) -> tuple[float, float] | None:
    """Lowest and highest value drawn, ``None`` when every point is missing.

    Example
    -------
    >>> series_range([[1.0, None], [3.0]])
    (1.0, 3.0)
    """
    present = [v for values in series for v in values if v is not None and math.isfinite(v)]
    return (min(present), max(present)) if present else None

