"""An alert storm, in-process: 200 alarm notifications for 10 services within one simulated minute, routed by
several router instances (separate execution environments) against moto and local webhook servers on
127.0.0.1 that accept one request per second per webhook and answer 429 with ``Retry-After`` beyond it.

Shared by the storm test (which asserts the outcome) and ``make bench`` (which reports wall time and messages
per channel). Time is simulated for the grouping windows (the router's clock and moto's SQS delays agree);
the webhooks' rate limits and the router's Retry-After waits are real.
"""
from __future__ import annotations

import json
import math
import random
import threading
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

from tests.lambdas.alert_router.helpers import LocalWebhooks

__all__ = ["run_storm", "StormReport", "RateLimitedReceiver", "Atomic", "SERVICES", "PAGED", "NOTIFICATIONS"]

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REGION = "us-east-1"
ACCOUNT = "123456789012"
ARN = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:"
SERVICES = ("orders", "payments", "search", "catalog", "cart", "checkout", "users", "inventory", "shipping", "reviews")
PAGED = SERVICES[:6]  # these six page (their critical composite goes to ALARM); the other four only warn
NOTIFICATIONS = 200
START = 1_796_115_600.0  # 2026-12-01T09:00:00Z, simulated
ROUTING_KEY = "R0UTINGKEY0123456789012345678901"
PATHS = {"pagerduty": "/v2/enqueue", "slack-critical": "/slack/critical", "slack-warning": "/slack/warning",
         "slack-info": "/slack/info", "teams": "/teams"}


class RateLimitedReceiver(LocalWebhooks):
    """Local webhooks: each path accepts one request per ``interval_s`` and answers 429 with an integer
    ``Retry-After`` (seconds until it would accept) beyond that, as Slack's incoming webhooks do.

    ``first_answers[path]`` are answers given before the rate limit applies (e.g. one 429 asking for longer than
    the Lambda has). Accepted bodies are kept with the simulated time they arrived at.
    """

    def __init__(self, clock: Any, interval_s: float = 1.0) -> None:
        super().__init__()
        self.accepted: list[tuple[str, Any, float]] = []
        self.throttled: Counter[str] = Counter()
        self.first_answers: dict[str, list[tuple[int, dict[str, str]]]] = {}
        self._clock, self._interval_s = clock, interval_s
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def answer(self, path: str, body: Any) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            scripted = self.first_answers.get(path)
            if scripted:
                status, headers = scripted.pop(0)
            else:
                now = time.monotonic()
                wait = self._last.get(path, -math.inf) + self._interval_s - now
                if wait > 0:
                    status, headers = 429, {"Retry-After": str(max(1, math.ceil(wait)))}
                else:
                    self._last[path] = now
                    status, headers = 202, {}
            if status == 429:
                self.throttled[path] += 1
            elif status < 300:
                self.accepted.append((path, body, self._clock()))
        return status, headers, b'{"status":"success"}' if status < 300 else b'{"error":"rate limited"}'

    def bodies(self, path: str) -> list[tuple[Any, float]]:
        return [(body, at) for p, body, at in self.accepted if p == path]


class Atomic:
    """A client whose calls run one at a time. The real services serialise the writes to one item or queue;
    moto called from several threads does not, so this gives moto the per-request atomicity AWS has and lets
    threads stand for concurrent invocations. (Only the AWS calls are serialised; webhook waits overlap.)"""

    lock = threading.Lock()

    def __init__(self, client: Any) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            with Atomic.lock:
                return attr(*args, **kwargs)
        return call


@dataclass
class Notification:
    """One notification of the storm: when (simulated seconds from the start), how it arrives, and what."""

    at: float
    severity: str  # the topic it is published to (or, for direct payloads, the name's suffix)
    name: str
    state: str
    via: str  # sns | lambda_action | eventbridge
    message_id: str = ""


@dataclass
class StormReport:
    """What the storm did: every delivery record, what each webhook accepted, the DLQ, and the wall time."""

    notifications: list[Notification]
    records: list[dict[str, Any]]
    accepted: dict[str, list[tuple[Any, float]]]
    throttled: dict[str, int]
    dead_letters: list[dict[str, Any]]
    emails: int
    window_seconds: int
    wall_seconds: float
    classes: Counter = field(default_factory=Counter)
    final: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def messages_per_channel(self) -> dict[str, int]:
        counts = {name: len(self.accepted.get(path, [])) for name, path in PATHS.items()}
        counts["email"] = self.emails
        return counts


def _storm(rng: random.Random) -> list[Notification]:
    """200 notifications for 10 services within 60 s: children (info topic, as the alarms deploy), composites
    (critical pages, warnings), re-notifications, a recovery, and the same page arriving by more than one path."""
    out: list[Notification] = []
    signals = ("Errors", "Throttles", "Duration", "ConcurrentExecutions", "5XXError", "Latency", "IteratorAge",
               "ThrottledRequests", "DLQDepth", "OldestMessage", "ColdStarts", "MemoryPressure", "AsyncDropped")
    for svc in SERVICES:
        children = [f"watchtower-prod-{svc}-{'fn' if i % 2 else 'api'}{i}-{signal}-{'critical' if i % 3 == 0 else 'warning'}"
                    for i, signal in enumerate(signals)]
        fired = {name: rng.uniform(0, 20) for name in children}
        for name, at in fired.items():
            out.append(Notification(at, "info", name, "ALARM", "sns"))
        renotified = rng.sample(children, 2)
        for name in renotified:  # the same state again within the de-duplication window
            out.append(Notification(rng.uniform(25, 60), "info", name, "ALARM", "sns"))
        for name in rng.sample([c for c in children if c not in renotified], 2):  # back to OK seconds later
            out.append(Notification(fired[name] + rng.uniform(2, 8), "info", name, "OK", "sns"))
        if svc in PAGED:
            page = f"watchtower-prod-{svc}-service-critical"
            at = rng.uniform(8, 15)
            out.append(Notification(at, "critical", page, "ALARM", "sns"))
            out.append(Notification(at + 0.5, "critical", page, "ALARM", "lambda_action"))  # also a direct action
            out.append(Notification(rng.uniform(10, 20), "warning", f"watchtower-prod-{svc}-service-warning", "ALARM", "sns"))
        else:
            out.append(Notification(rng.uniform(8, 20), "warning", f"watchtower-prod-{svc}-service-warning", "ALARM", "sns"))
            out.append(Notification(rng.uniform(8, 30), "warning", f"watchtower-prod-{svc}-slo-availability-ticket-warning",
                                    "ALARM", "sns"))
    for svc in PAGED[:3]:  # the same pages once more, through an EventBridge rule
        out.append(Notification(rng.uniform(16, 22), "critical", f"watchtower-prod-{svc}-service-critical", "ALARM",
                                "eventbridge"))
    out.append(Notification(55.0, "critical", f"watchtower-prod-{PAGED[0]}-service-critical", "OK", "sns"))
    assert len(out) == NOTIFICATIONS, len(out)
    return sorted(out, key=lambda n: n.at)


def _event(n: Notification, topics: dict[str, str], base: dict[str, Any]) -> dict[str, Any]:
    when = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(START + n.at)) + ".000+0000"
    reason = f"Threshold Crossed: storm at +{n.at:.1f}s" if n.state == "ALARM" else "Threshold no longer crossed"
    if n.via == "sns":
        doc = {**base, "AlarmName": n.name, "AlarmArn": ARN + n.name, "NewStateValue": n.state,
               "OldStateValue": "OK" if n.state == "ALARM" else "ALARM", "NewStateReason": reason,
               "StateChangeTime": when}
        n.message_id = str(uuid.UUID(int=random.Random(f"{n.name}{n.at}").getrandbits(128)))
        return {"Records": [{"EventSource": "aws:sns", "Sns": {
            "Type": "Notification", "MessageId": n.message_id, "TopicArn": topics[n.severity], "Subject": "ALARM",
            "Message": json.dumps(doc), "Timestamp": when}}]}
    data = {"alarmName": n.name, "state": {"value": n.state, "reason": reason, "timestamp": when},
            "previousState": {"value": "OK", "reason": "", "timestamp": when},
            "configuration": {"alarmRule": f'ALARM("watchtower-prod-{n.name.split("-")[2]}-api0-Errors-critical")',
                              "description": "Runbook: https://runbooks.example.com/service-down"}}
    if n.via == "lambda_action":
        return {"source": "aws.cloudwatch", "alarmArn": ARN + n.name, "accountId": ACCOUNT, "time": when,
                "region": REGION, "alarmData": data}
    event_id = str(uuid.UUID(int=random.Random(f"eb{n.name}{n.at}").getrandbits(128)))
    n.message_id = event_id
    return {"version": "0", "id": event_id, "detail-type": "CloudWatch Alarm State Change", "source": "aws.cloudwatch",
            "account": ACCOUNT, "time": when, "region": REGION, "resources": [ARN + n.name], "detail": data}


def run_storm(window_seconds: int = 30, routers: int = 3, seed: int = 18, lambda_timeout_ms: int = 60_000) -> StormReport:
    """Run the storm end to end and return what happened (see the module docstring).

    Example
    -------
    >>> run_storm().messages_per_channel()["slack-info"]  # doctest: +SKIP
    10
    """
    import io
    import logging
    import os

    import boto3
    import moto.sqs.models
    from aws_lambda_powertools import Logger
    from moto import mock_aws

    from lambdas.alert_router.delivery import RetryPolicy
    from lambdas.alert_router.router import Router
    from lambdas.alert_router.settings import RouterSettings

    for key, value in (("AWS_ACCESS_KEY_ID", "storm"), ("AWS_SECRET_ACCESS_KEY", "storm"),
                       ("AWS_DEFAULT_REGION", REGION)):
        os.environ.setdefault(key, value)
    clock_now = [START]

    def clock() -> float:
        return clock_now[0]

    storm = _storm(random.Random(seed))
    base = json.loads((FIXTURES / "metric_alarm.json").read_text())
    records: list[dict[str, Any]] = []
    with mock_aws(), mock.patch.object(moto.sqs.models, "unix_time_millis", lambda *a: clock_now[0] * 1000), \
            RateLimitedReceiver(clock) as receiver:
        sns, sqs = boto3.client("sns", region_name=REGION), boto3.client("sqs", region_name=REGION)
        ddb, sm = boto3.client("dynamodb", region_name=REGION), boto3.client("secretsmanager", region_name=REGION)
        topics = {s: sns.create_topic(Name=f"watchtower-prod-alerts-{s}")["TopicArn"] for s in ("critical", "warning", "info")}
        email = sns.create_topic(Name="watchtower-prod-alerts-email")["TopicArn"]
        dlq = sqs.create_queue(QueueName="storm-dlq")["QueueUrl"]
        flush = sqs.create_queue(QueueName="storm-flush")["QueueUrl"]
        capture = sqs.create_queue(QueueName="storm-email")["QueueUrl"]
        capture_arn = sqs.get_queue_attributes(QueueUrl=capture, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=email, Protocol="sqs", Endpoint=capture_arn)
        ddb.create_table(TableName="storm-state", BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "dedup_id", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "dedup_id", "AttributeType": "S"}])
        for name, path in PATHS.items():
            value = json.dumps({"routing_key": ROUTING_KEY, "events_url": receiver.base_url + path}) \
                if name == "pagerduty" else receiver.base_url + path
            sm.create_secret(Name=f"storm/{name}", SecretString=value)
        # Teams once asks for two minutes' pause: longer than any invocation has, so that message is dead-lettered.
        receiver.first_answers[PATHS["teams"]] = [(429, {"Retry-After": "120"})]
        settings = RouterSettings(
            routes={"critical": {"pagerduty": "storm/pagerduty", "slack": "storm/slack-critical", "email": None},
                    "warning": {"slack": "storm/slack-warning", "teams": "storm/teams", "email": None},
                    "info": {"slack": "storm/slack-info"}},
            dlq_url=dlq, email_topic_arn=email, dedup_table_name="storm-state", dedup_window_seconds=300,
            topic_severities={arn: s for s, arn in topics.items()},
            retry=RetryPolicy(max_attempts=3, base_delay_ms=50, max_delay_ms=500, timeout_ms=10_000),
            reserve_ms=3000, group_window_seconds=window_seconds, flush_queue_url=flush,
            alarm_prefix="watchtower-prod-", services=SERVICES)
        logger = Logger(service="router-storm", logger_handler=logging.StreamHandler(io.StringIO()))
        aws = {name: Atomic(client) for name, client in (("sqs", sqs), ("sns", sns), ("dynamodb", ddb), ("secrets", sm))}
        fleet = [Router(settings, logger=logger, clock=clock, **aws) for _ in range(routers)]
        records_lock = threading.Lock()

        def invoke(router: Router, event: dict[str, Any]) -> list[dict[str, Any]]:
            out = router.handle(event, lambda_timeout_ms)["records"]
            with records_lock:
                records.extend(out)
            return out

        def in_parallel(events: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
            # Concurrent invocations, one execution environment each (the fleet), as Lambda would run them.
            with ThreadPoolExecutor(max_workers=len(fleet)) as pool:
                futures = [pool.submit(invoke, fleet[i % len(fleet)], event) for i, event in enumerate(events)]
                return [future.result() for future in futures]

        def flush_due() -> None:
            while True:
                batch = sqs.receive_message(QueueUrl=flush, MaxNumberOfMessages=10).get("Messages", [])
                if not batch:
                    return
                in_parallel([{"Records": [{"eventSource": "aws:sqs", "messageId": m["MessageId"], "body": m["Body"]}]}
                             for m in batch])
                for message in batch:
                    sqs.delete_message(QueueUrl=flush, ReceiptHandle=message["ReceiptHandle"])

        started = time.perf_counter()
        pending = list(storm)
        end = int(max(n.at for n in storm)) + window_seconds + 2
        for second in range(end + 1):
            # Simulated time moves in whole seconds: what is due flushes, then this second's arrivals run at once.
            clock_now[0] = START + second
            flush_due()
            arriving = []
            while pending and pending[0].at < second + 1:
                arriving.append(pending.pop(0))
            results = in_parallel([_event(n, topics, base) for n in arriving])
            for notification, out in zip(arriving, results):
                if notification.via == "lambda_action":
                    notification.message_id = out[0]["message_id"]
        wall = time.perf_counter() - started
        letters = [json.loads(m["Body"]) for m in _drain(sqs, dlq)]
        emails = len(_drain(sqs, capture))
    report = StormReport(storm, records, {path: receiver.bodies(path) for path in PATHS.values()},
                         dict(receiver.throttled), letters, emails, window_seconds, wall)
    _account(report)
    return report


def _drain(sqs: Any, url: str) -> list[dict[str, Any]]:
    out = []
    while True:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not batch:
            return out
        out += batch
        for message in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def _account(report: StormReport) -> None:
    """Resolve every (notification, channel) to its final record and class: delivered (in a message of its own),
    grouped (listed in a message for several), deduplicated, suppressed or dead_lettered."""
    group_sizes: Counter[tuple[str, str]] = Counter()
    for record in report.records:
        if record["group"] and record["outcome"] != "grouped":
            group_sizes[(record["group"], record["channel"])] += 1
    for record in report.records:
        # Records come in order: a "grouped" arrival is replaced by its flush's final record; one that is still
        # "grouped" at the end was never resolved (counted as such, so a lost notification cannot hide).
        report.final[(record["message_id"], record["channel"])] = record
    for record in report.final.values():
        outcome = "unresolved" if record["outcome"] == "grouped" else record["outcome"]
        if outcome == "delivered" and record["group"] and group_sizes[(record["group"], record["channel"])] > 1:
            outcome = "grouped"
        report.classes[outcome] += 1


def slack_message_service(body: dict[str, Any]) -> str:
    """The service a Slack message (grouped or single) is about, read from what the channel received."""
    text = body["text"]
    for svc in sorted(SERVICES, key=len, reverse=True):
        if f"] {svc}: " in text or f"watchtower-prod-{svc}-" in text:
            return svc
    raise AssertionError(f"no service in {text!r}")


def per_service_times(report: StormReport, path: str) -> dict[str, list[float]]:
    """Simulated times at which ``path`` accepted a message, per service."""
    out: dict[str, list[float]] = defaultdict(list)
    for body, at in report.accepted[path]:
        out[slack_message_service(body)].append(at - START)
    return {svc: sorted(times) for svc, times in out.items()}
