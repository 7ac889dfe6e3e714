"""The alarm catalog: every alarm family, the resource kinds it applies to, and its default thresholds.

One readable table. The first rows are the seed alarms the catalog started from: ServiceDown, HighErrorRate,
DatabaseThrottling, Latency, MemoryPressure, ColdStarts. Rates are percentages (0-100), times milliseconds.
A threshold's duration is ``period x evaluation_periods``; ``min_requests`` is the traffic guard of rate alarms
(requests per period below which the rate counts as healthy, so one failed request in a quiet hour never pages)
and ``min_bad`` the floor of bad events a period needs before it may breach at all.

Where AWS lists a metric among its recommended alarms (CloudWatch user guide, "Best practice alarm
recommendations for AWS services"), the row says so and says where it departs from the recommendation, and why.
AWS's rows are per metric and per minute; ours are rates with traffic guards because they roll up into paging
composites, where a single failed request must not wake anybody.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Mapping

from config.errors import InputError
from config.services import AlarmOverride
from plan.enums import Comparison, MissingData

__all__ = ["Threshold", "AlarmDefault", "CATALOG", "FAMILIES", "CatalogError", "resolve_threshold",
           "defaults_for_kind", "ACCOUNT"]

GT, GTE, LT = (Comparison.GREATER_THAN_THRESHOLD, Comparison.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
               Comparison.LESS_THAN_THRESHOLD)
LOWER_BAND = Comparison.LESS_THAN_LOWER_THRESHOLD
NOT_BREACHING, IGNORE = MissingData.NOT_BREACHING, MissingData.IGNORE

FUNCTION, REST_API, HTTP_API = "functions", "rest_apis", "http_apis"
TABLE, QUEUE, STATE_MACHINE, EVENT_RULE, TOPIC = "tables", "queues", "state_machines", "event_rules", "topics"
APIS = (REST_API, HTTP_API)


class CatalogError(InputError):
    """An override produced settings CloudWatch would reject."""


@dataclass(frozen=True)
class Threshold:
    """When one severity of an alarm fires: ``value`` breached in ``datapoints_to_alarm`` of
    ``evaluation_periods`` periods of ``period`` seconds.

    Example
    -------
    >>> Threshold(10, period=60, evaluation_periods=5).duration_seconds
    300
    """

    value: float
    period: int = 60
    evaluation_periods: int = 1
    datapoints_to_alarm: int | None = None
    min_requests: int = 0
    min_bad: int = 0

    @property
    def duration_seconds(self) -> int:
        return self.period * self.evaluation_periods

    @property
    def datapoints(self) -> int:
        return self.datapoints_to_alarm or self.evaluation_periods


@dataclass(frozen=True)
class AlarmDefault:
    """One catalog row: a family, where it applies, how it compares, and its thresholds by severity."""

    family: str
    kinds: tuple[str, ...]
    comparison: Comparison
    treat_missing: MissingData
    unit: str
    what: str
    thresholds: Mapping[str, Threshold] = field(default_factory=dict)


def _row(family: str, kinds: tuple[str, ...], comparison: Comparison, treat_missing: MissingData, unit: str,
         what: str, **thresholds: Threshold) -> AlarmDefault:
    return AlarmDefault(family, kinds, comparison, treat_missing, unit, what, MappingProxyType(thresholds))


# fmt: off
_ROWS = (
    # --- seeds (the alarms the catalog started from) -------------------------------------------------------
    # ServiceDown: 2 breaching minutes of 5 open it (the seed's "< 50% for 2 min"); it closes only after 4
    # healthy minutes in a row, so a page does not resolve and re-fire while an outage stutters.
    _row("ServiceDown", (FUNCTION, *APIS), LT, NOT_BREACHING, "%", "success rate (non-5xx / requests)",
         critical=Threshold(50, period=60, evaluation_periods=5, datapoints_to_alarm=2, min_requests=5)),
    # ServiceDown needs 5 requests a minute, so a service at about 1 request a minute is blind to it. This one
    # judges 10 minutes with a small absolute floor (3 requests, 3 of them failed, more than half failed): a
    # total outage of a quiet service opens it within minutes, while the odd failed request of a quiet dev
    # service never reaches 3. Ten minutes, not five: at one request a minute one 5-minute window in eight holds
    # fewer than 3 requests and counts as healthy mid-outage, which resolved and re-sent the page (10 minutes:
    # one in 350). 1 of 3 periods: it closes after 30 minutes without a failing window.
    _row("QuietOutage", (FUNCTION, *APIS), LT, NOT_BREACHING, "%", "success rate over 10 minutes (quiet traffic)",
         critical=Threshold(50, period=600, evaluation_periods=3, datapoints_to_alarm=1, min_requests=3,
                            min_bad=3)),
    # AWS recommends Lambda Errors (Sum > 0, 60 s, 3 of 3) and API Gateway 5XXError (Average > 0.05, 60 s, 3 of
    # 3). We alarm on the rate with a traffic guard instead: a count > 0 pages on one failed request at peak.
    # The critical one judges minutes: 5 minutes over 10 % (the seed's "for 5 min") among the last 15 open it,
    # and it closes once fewer than 5 of the last 15 breach (11 healthy minutes). An error rate hovering at
    # the threshold breaches about every other minute, so it stays open; with 5-minute periods it closed and
    # re-paged within minutes of opening. 20 requests a minute: below that one failure is 5 %, and quieter
    # services are judged by QuietOutage and their SLO windows.
    _row("HighErrorRate", (FUNCTION, *APIS), GT, NOT_BREACHING, "%", "error rate",
         critical=Threshold(10, period=60, evaluation_periods=15, datapoints_to_alarm=5, min_requests=20),
         warning=Threshold(5, period=300, evaluation_periods=1, min_requests=10)),
    # AWS's recommended alarms include ReadThrottleEvents and WriteThrottleEvents per table. One throttled
    # request is retried by the SDK and is no incident, so this needs 5 or more a minute in 3 of 5 minutes.
    # AWS/DynamoDB alarms always ignore missing data whatever the setting says; the template says 'ignore' so it
    # reads as it behaves, and the expression adds the consumed capacity (which DynamoDB publishes every minute
    # the table is used) times 0, so it has a value, and can go back to OK, whenever the table has traffic.
    _row("DatabaseThrottling", (TABLE,), GTE, IGNORE, "count", "throttled read and write requests per minute",
         critical=Threshold(5, period=60, evaluation_periods=5, datapoints_to_alarm=3)),
    # AWS's recommended alarms include API Gateway Latency and Lambda Duration, with thresholds the application
    # chooses; ours are the seed numbers.
    _row("Latency", (FUNCTION, *APIS), GT, NOT_BREACHING, "ms", "p99 latency",
         critical=Threshold(10_000, period=300, evaluation_periods=3, datapoints_to_alarm=1),
         warning=Threshold(5_000, period=300, evaluation_periods=2)),
    _row("MemoryPressure", (FUNCTION,), GT, NOT_BREACHING, "%", "Lambda Insights memory utilization",
         warning=Threshold(80, period=300, evaluation_periods=1)),
    _row("ColdStarts", (FUNCTION,), GT, NOT_BREACHING, "%", "cold starts per invocation (Powertools ColdStart)",
         warning=Threshold(20, period=900, evaluation_periods=1, min_requests=20)),
    # --- anchors: defaults chosen for the remaining signals ------------------------------------------------
    # AWS's recommended alarms include Lambda Throttles; a rate with a guard keeps one retried throttle quiet.
    _row("Throttles", (FUNCTION,), GT, NOT_BREACHING, "%", "throttled invocations per request",
         warning=Threshold(1, period=300, evaluation_periods=2, min_requests=10)),
    _row("DurationNearTimeout", (FUNCTION,), GT, NOT_BREACHING, "% of timeout", "p99 duration",
         warning=Threshold(90, period=300, evaluation_periods=2)),
    # AWS's recommended alarms include IteratorAge for stream sources, with a threshold from the expected delay.
    _row("IteratorAge", (FUNCTION,), GT, NOT_BREACHING, "ms", "maximum stream iterator age",
         warning=Threshold(60_000, period=300, evaluation_periods=1)),
    # Every failed async delivery is a lost event: a count on purpose.
    _row("AsyncFailures", (FUNCTION,), GT, NOT_BREACHING, "count",
         "failed async deliveries (DeadLetterErrors + DestinationDeliveryFailures + AsyncEventsDropped)",
         warning=Threshold(0, period=300, evaluation_periods=1)),
    _row("ErrorLogs", (FUNCTION,), GT, NOT_BREACHING, "count", "ERROR-level log lines",
         warning=Threshold(10, period=300, evaluation_periods=1)),
    # AWS recommends API Gateway 4XXError with Average > 0.05; many clients legitimately get 4xx, hence 20 %.
    _row("Api4xxRate", APIS, GT, NOT_BREACHING, "%", "4xx rate",
         warning=Threshold(20, period=300, evaluation_periods=3, min_requests=50)),
    # Band width in standard deviations; missing data is fine (canaries keep a live API above zero).
    _row("TrafficDrop", APIS, LOWER_BAND, NOT_BREACHING, "std devs", "request count below its expected band",
         warning=Threshold(3, period=300, evaluation_periods=3)),
    # AWS's recommended alarms include ApproximateAgeOfOldestMessage, with a threshold from the processing time.
    _row("QueueMessageAge", (QUEUE,), GT, NOT_BREACHING, "s", "age of the oldest message",
         warning=Threshold(900, period=300, evaluation_periods=1)),
    # A message in a dead-letter queue is a lost unit of work: a count on purpose.
    _row("DlqDepth", (QUEUE,), GT, NOT_BREACHING, "count", "messages in the dead-letter queue",
         warning=Threshold(0, period=60, evaluation_periods=1)),
    # AWS's recommended alarms include ExecutionsFailed. A count over 0 notified people about 88 times a day at a
    # busy state machine's normal, retried failures (measured with make simulate), so this is the share of
    # started executions that failed, timed out or were aborted: over 10 % with at least 3 such executions, in 2
    # of 3 ten-minute periods.
    _row("StepFunctionsFailures", (STATE_MACHINE,), GT, NOT_BREACHING, "%",
         "failed, timed-out and aborted executions per started execution",
         warning=Threshold(10, period=600, evaluation_periods=3, datapoints_to_alarm=2, min_requests=3,
                           min_bad=3)),
    _row("EventDeliveryFailures", (EVENT_RULE,), GT, NOT_BREACHING, "count", "failed target invocations",
         warning=Threshold(0, period=300, evaluation_periods=1)),
    # AWS's recommended alarms include NumberOfNotificationsFailed; any failed delivery is a lost message here.
    _row("NotificationFailures", (TOPIC,), GT, NOT_BREACHING, "count", "failed notification deliveries",
         warning=Threshold(0, period=300, evaluation_periods=1)),
)
# fmt: on

# --- account-level signals: one account and region, not a resource of a service ------------------------------
# Rendered by the environment's Account stack into a warning composite (they reach people, never page: at these
# levels nothing fails yet, and the services' own alarms page when something does).
ACCOUNT = "account"
# fmt: off
_ACCOUNT_ROWS = (
    # AWS's recommended alarms (Lambda): ClaimedAccountConcurrency, statistic Maximum, threshold near 90 % of the
    # account's concurrency quota, so the quota is raised (or reservations cut) before on-demand invocations
    # throttle. The metric is account-level (per region, no FunctionName dimension): unreserved concurrency plus
    # every reserved and provisioned allocation. Ten minutes in a row, not a burst; the quota is config
    # (account_signals.lambda_concurrency_quota), the threshold a share of it.
    _row("AccountConcurrency", (ACCOUNT,), GT, NOT_BREACHING, "% of quota",
         "Lambda concurrency claimed in the account and region (ClaimedAccountConcurrency, Maximum)",
         warning=Threshold(90, period=60, evaluation_periods=10)),
    # SES publishes account reputation as Reputation.BounceRate and Reputation.ComplaintRate (AWS/SES, 0..1,
    # statistic Average; SES developer guide, 'Creating reputation monitoring alarms using CloudWatch'). SES
    # places an account under review at a 5 % bounce rate or a 0.1 % complaint rate and may pause sending at
    # 10 % / 0.5 % (SES developer guide, 'Reputation metrics messages'): alarm at the review levels, averaged
    # over an hour, so a person acts before the pause. The rates are rolling and published no more often than
    # that; a missing hour (no mail sent) is fine.
    _row("SesBounceRate", (ACCOUNT,), GTE, NOT_BREACHING, "%", "SES bounce rate of the account (Reputation.BounceRate)",
         warning=Threshold(5, period=3600, evaluation_periods=1)),
    _row("SesComplaintRate", (ACCOUNT,), GTE, NOT_BREACHING, "%",
         "SES complaint rate of the account (Reputation.ComplaintRate)",
         warning=Threshold(0.1, period=3600, evaluation_periods=1)),
)
# fmt: on

CATALOG: Mapping[str, AlarmDefault] = MappingProxyType({row.family: row for row in (*_ROWS, *_ACCOUNT_ROWS)})
# The one list of alarm families: config checks override keys against it (importing it when it validates, so
# config never imports plan/ at import time).
FAMILIES: tuple[str, ...] = tuple(CATALOG)


def defaults_for_kind(kind: str) -> list[AlarmDefault]:
    """Catalog rows that apply to resources of ``kind`` (a ServiceResources field name), in catalog order.

    Example
    -------
    >>> [row.family for row in defaults_for_kind("tables")]
    ['DatabaseThrottling']
    """
    return [row for row in CATALOG.values() if kind in row.kinds]


def resolve_threshold(family: str, severity: str, *override_maps: Mapping[str, AlarmOverride]) -> Threshold | None:
    """The catalog threshold of ``family``/``severity`` with overrides applied, or None when disabled.

    Later maps win (pass service overrides, then resource overrides); within a map, ``Family.severity`` beats
    ``Family``.

    Example
    -------
    >>> resolve_threshold("HighErrorRate", "warning", {"HighErrorRate": AlarmOverride(threshold=3)}).value
    3.0
    """
    threshold = CATALOG[family].thresholds.get(severity)
    if threshold is None:
        return None
    enabled = True
    for overrides in override_maps:
        for key in (family, f"{family}.{severity}"):
            change = overrides.get(key)
            if change is None:
                continue
            enabled = change.enabled
            updates: dict[str, Any] = {
                name: value
                for name, value in (
                    ("value", change.threshold),
                    ("period", change.period_seconds),
                    ("evaluation_periods", change.evaluation_periods),
                    ("datapoints_to_alarm", change.datapoints_to_alarm),
                    ("min_requests", change.min_requests),
                    ("min_bad", change.min_bad_events),
                )
                if value is not None
            }
            if (change.evaluation_periods is not None and change.datapoints_to_alarm is None
                    and threshold.datapoints_to_alarm is not None):
                # fewer evaluation periods than the default's datapoints: every one of them must breach
                updates["datapoints_to_alarm"] = min(threshold.datapoints_to_alarm, change.evaluation_periods)
            threshold = replace(threshold, **updates)
    if not enabled:
        return None
    _check_limits(family, severity, threshold)
    return threshold


def _check_limits(family: str, severity: str, threshold: Threshold) -> None:
    """CloudWatch's documented alarm limits (PutMetricAlarm): neither CDK nor cfn-lint checks them."""
    where = f"{family}.{severity}"
    if threshold.datapoints > threshold.evaluation_periods:
        raise CatalogError(f"{where}: datapoints_to_alarm ({threshold.datapoints}) must be <= evaluation_periods "
                           f"({threshold.evaluation_periods})")
    limit = 7 * 86400 if threshold.period >= 3600 else 86400
    if threshold.duration_seconds > limit:
        raise CatalogError(f"{where}: period x evaluation_periods = {threshold.duration_seconds} s exceeds "
                           f"CloudWatch's {limit} s ({'7 days' if limit > 86400 else '1 day for periods < 1 h'})")
