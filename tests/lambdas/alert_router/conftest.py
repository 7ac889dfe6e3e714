"""Fixtures for the router handler tests: moto for SNS, SQS, DynamoDB and Secrets Manager, and a local
HTTP server for Slack, PagerDuty and Teams. The handler runs in-process."""
from __future__ import annotations

import io
import json
import logging
import uuid
from dataclasses import dataclass, field, replace
from typing import Any, Callable

import boto3
import pytest
from aws_lambda_powertools import Logger
from moto import mock_aws

from lambdas.alert_router.delivery import RetryPolicy
from lambdas.alert_router.router import Router
from lambdas.alert_router.settings import RouterSettings
from tests.lambdas.alert_router.helpers import Receiver

REGION = "us-east-1"
SEVERITY_TOPICS = ("critical", "warning", "info")


@dataclass
class RouterWorld:
    """Everything a handler test needs: AWS stand-ins, the HTTP receiver and a router factory."""

    receiver: Receiver
    sns: Any
    sqs: Any
    dynamodb: Any
    secrets: Any
    topics: dict[str, str]
    email_topic: str
    dlq_url: str
    email_capture_url: str
    table: str
    flush_url: str = ""
    log: io.StringIO = field(default_factory=io.StringIO)

    def settings(self, **overrides: Any) -> RouterSettings:
        base = RouterSettings(
            routes={
                "critical": {"pagerduty": "test/pagerduty", "slack": "test/slack", "email": None},
                "warning": {"slack": "test/slack", "teams": "test/teams", "email": None},
                "info": {"slack": "test/slack"},
            },
            dlq_url=self.dlq_url,
            email_topic_arn=self.email_topic,
            dedup_table_name=self.table,
            dedup_window_seconds=300,
            topic_severities={arn: severity for severity, arn in self.topics.items()},
            # Short timeouts and backoff keep the failure tests fast; the logic is the same.
            retry=RetryPolicy(max_attempts=3, base_delay_ms=10, max_delay_ms=50, timeout_ms=300),
            reserve_ms=0,
        )
        return replace(base, **overrides)

    def router(self, *, clock: Callable[[], float] | None = None, dynamodb: Any = None, sqs: Any = None,
               **overrides: Any) -> Router:
        handler = logging.StreamHandler(self.log)
        logger = Logger(service=f"router-test-{uuid.uuid4().hex[:8]}", logger_handler=handler)
        extra = {"clock": clock} if clock else {}
        return Router(self.settings(**overrides), sqs=sqs or self.sqs, sns=self.sns, dynamodb=dynamodb or self.dynamodb,
                      secrets=self.secrets, logger=logger, **extra)

    def grouping_router(self, clock: Callable[[], float], window: int = 30, **overrides: Any) -> Router:
        """A router that groups per service and severity (services orders, payments, search)."""
        return self.router(clock=clock, group_window_seconds=window, flush_queue_url=self.flush_url,
                           alarm_prefix="watchtower-prod-", services=("orders", "payments", "search"), **overrides)

    def flush_due(self, router: Router, remaining_ms: int = 20_000) -> list[dict[str, Any]]:
        """Run every flush message SQS now delivers through ``router``, as the flush queue's event source does;
        returns the delivery records the flushes wrote."""
        records = []
        for message in _drain(self.sqs, self.flush_url):
            event = {"Records": [{"eventSource": "aws:sqs", "messageId": message["MessageId"], "body": message["Body"]}]}
            records += router.handle(event, remaining_ms)["records"]
        return records

    def dead_letters(self) -> list[dict[str, Any]]:
        return [json.loads(m["Body"]) for m in _drain(self.sqs, self.dlq_url)]

    def emails(self) -> list[dict[str, Any]]:
        """E-mails published to the e-mail topic: subject, body and the severity attribute."""
        out = []
        for message in _drain(self.sqs, self.email_capture_url):
            envelope = json.loads(message["Body"])
            out.append({
                "subject": envelope.get("Subject"),
                "body": envelope["Message"],
                "severity": envelope.get("MessageAttributes", {}).get("severity", {}).get("Value"),
            })
        return out

    def log_records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.log.getvalue().splitlines() if line.strip()]


def _drain(sqs: Any, url: str) -> list[dict[str, Any]]:
    messages = []
    while True:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        if not batch:
            return messages
        messages += batch
        for message in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def sns_event(message: str, topic_arn: str, message_id: str | None = None) -> dict[str, Any]:
    """An SNS -> Lambda event holding one message, as Lambda delivers it."""
    return {"Records": [{
        "EventSource": "aws:sns",
        "EventVersion": "1.0",
        "Sns": {
            "Type": "Notification",
            "MessageId": message_id or str(uuid.uuid4()),
            "TopicArn": topic_arn,
            "Subject": "ALARM",
            "Message": message,
            "Timestamp": "2026-11-22T05:00:13.000Z",
            "MessageAttributes": {},
        },
    }]}


@pytest.fixture
def world() -> RouterWorld:
    with mock_aws(), Receiver() as receiver:
        sns = boto3.client("sns", region_name=REGION)
        sqs = boto3.client("sqs", region_name=REGION)
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        secrets = boto3.client("secretsmanager", region_name=REGION)
        topics = {s: sns.create_topic(Name=f"watchtower-test-alerts-{s}")["TopicArn"] for s in SEVERITY_TOPICS}
        email_topic = sns.create_topic(Name="watchtower-test-alerts-email")["TopicArn"]
        dlq_url = sqs.create_queue(QueueName="watchtower-test-alert-router-dlq")["QueueUrl"]
        capture_url = sqs.create_queue(QueueName="email-capture")["QueueUrl"]
        capture_arn = sqs.get_queue_attributes(QueueUrl=capture_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=email_topic, Protocol="sqs", Endpoint=capture_arn)
        flush_url = sqs.create_queue(QueueName="watchtower-test-alert-router-flush")["QueueUrl"]
        table = "watchtower-test-alert-dedup"
        dynamodb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                              KeySchema=[{"AttributeName": "dedup_id", "KeyType": "HASH"}],
                              AttributeDefinitions=[{"AttributeName": "dedup_id", "AttributeType": "S"}])
        base = receiver.base_url
        secrets.create_secret(Name="test/slack", SecretString=f"{base}/slack")
        secrets.create_secret(Name="test/teams", SecretString=json.dumps({"webhook_url": f"{base}/teams"}))
        secrets.create_secret(Name="test/pagerduty", SecretString=json.dumps(
            {"routing_key": "R0UTINGKEY0123456789012345678901", "events_url": f"{base}/v2/enqueue"}))
        yield RouterWorld(receiver, sns, sqs, dynamodb, secrets, topics, email_topic, dlq_url, capture_url, table,
                          flush_url)


@pytest.fixture
def send(world: RouterWorld) -> Callable[..., dict[str, Any]]:
    """Route one message through a router built with the default test settings."""
    router = world.router()

    def _send(message: str, severity: str = "critical", remaining_ms: int = 20_000, **kw: Any) -> dict[str, Any]:
        return router.handle(sns_event(message, world.topics[severity], **kw), remaining_ms)

    return _send


class SimClock:
    """Simulated epoch seconds shared by the router and moto's SQS, so a 30 s grouping window (and the
    DelaySeconds of its flush message) passes in no real time."""

    def __init__(self, start: float = 1_796_115_600.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> SimClock:
    import moto.sqs.models

    sim = SimClock()
    monkeypatch.setattr(moto.sqs.models, "unix_time_millis", lambda *a: sim.now * 1000)
    return sim
