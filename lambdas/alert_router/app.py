"""Lambda entry point (handler ``alert_router.app.handler``). The router and its AWS clients are built on the
first invocation and reused while the execution environment lives."""
from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools import Logger

from .router import Router
from .settings import RouterSettings

__all__ = ["handler", "build_router"]

logger = Logger(service=os.environ.get("POWERTOOLS_SERVICE_NAME", "alert-router"))
_router: Router | None = None


def build_router(settings: RouterSettings | None = None) -> Router:
    """A Router wired to real boto3 clients (moto in tests).

    Example
    -------
    >>> from alert_router.settings import RouterSettings
    >>> settings = RouterSettings.from_env({"DLQ_URL": "https://sqs.eu-west-1.amazonaws.com/1/dlq",
    ...                                     "EMAIL_TOPIC_ARN": "arn:aws:sns:eu-west-1:1:email",
    ...                                     "DEDUP_TABLE_NAME": "dedup"})
    >>> build_router(settings).settings.dedup_window_seconds  # clients are created, none is called
    300
    """
    import boto3  # from the Lambda runtime; imported here so a cold import of this module stays cheap
    from botocore.config import Config

    settings = settings or RouterSettings.from_env()
    # Reading a log alarm's lines is best effort: short timeouts and no retries, so a slow API never delays a page.
    quick = Config(connect_timeout=2, read_timeout=3, retries={"max_attempts": 1})
    return Router(settings, sqs=boto3.client("sqs"), sns=boto3.client("sns"), dynamodb=boto3.client("dynamodb"),
                  secrets=boto3.client("secretsmanager"), logger=logger,
                  cloudwatch=boto3.client("cloudwatch", config=quick) if settings.log_alarm_signals else None,
                  logs=boto3.client("logs", config=quick) if settings.log_alarm_signals else None)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Route one event (SNS records, an alarm's Lambda action payload, an EventBridge event, or a redrive request)
    to the configured channels.

    Example
    -------
    The router is built from the environment on the first call; an event without records is dead-lettered:

    >>> import os, boto3
    >>> from moto import mock_aws
    >>> os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="eu-west-1")
    >>> with mock_aws():
    ...     sqs, sns = boto3.client("sqs"), boto3.client("sns")
    ...     os.environ.update(DLQ_URL=sqs.create_queue(QueueName="dlq")["QueueUrl"], DEDUP_TABLE_NAME="dedup",
    ...                       EMAIL_TOPIC_ARN=sns.create_topic(Name="email")["TopicArn"])
    ...     handler({"Records": []}, None)["records"][0]["outcome"]
    'dead_lettered'
    """
    global _router
    if _router is None:
        _router = build_router()
    remaining = context.get_remaining_time_in_millis() if hasattr(context, "get_remaining_time_in_millis") else 60_000
    return _router.handle(event, remaining)
