"""Dead letters: the original message and the reason go to the SQS DLQ, and a plain fallback to the e-mail topic."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from .channels import fallback_email_message
from .model import Alert

__all__ = ["DeadLetters", "DeliveryLostError", "dead_letter_body", "DLQ_MESSAGE_MAX"]

# SQS accepts 256 KiB per message; the SNS message inside can itself be 256 KB, so cut it with a flag.
DLQ_MESSAGE_MAX = 200_000


class DeliveryLostError(RuntimeError):
    """Neither the DLQ nor the fallback e-mail accepted a failed message. Raised on purpose: Lambda then
    retries the whole event and finally hands it to the function's own on-failure queue."""


def dead_letter_body(sns: dict[str, Any], reason: str, severity: str | None, alert: Alert | None,
                     channel: str | None) -> dict[str, Any]:
    """The JSON kept in the DLQ: enough to replay one channel (``make redrive``) and to read why it failed.

    Example
    -------
    >>> dead_letter_body({"Message": "x"}, "unparseable", "critical", None, None)["record_type"]
    'dead_letter'
    """
    raw = sns.get("Message")
    message = raw if isinstance(raw, str) else json.dumps(raw)
    truncated = len(message) > DLQ_MESSAGE_MAX
    return {
        "record_type": "dead_letter",
        "version": 1,
        "reason": reason,
        "channel": channel,
        "severity": severity,
        "alarm_name": alert.alarm_name if alert else None,
        "dedup_key": alert.dedup_key if alert else None,
        "state": alert.state if alert else None,
        "failed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "message_truncated": truncated,
        "sns": {
            "TopicArn": sns.get("TopicArn"),
            "MessageId": sns.get("MessageId"),
            "Subject": sns.get("Subject"),
            "Timestamp": sns.get("Timestamp"),
            "Message": message[:DLQ_MESSAGE_MAX],
        },
    }


class DeadLetters:
    """Sends failed or unparseable messages to the DLQ and the fallback e-mail.

    Example
    -------
    >>> import os, boto3
    >>> from moto import mock_aws
    >>> os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="eu-west-1")
    >>> with mock_aws():
    ...     sqs, sns = boto3.client("sqs"), boto3.client("sns")
    ...     dlq_url = sqs.create_queue(QueueName="alert-router-dlq")["QueueUrl"]
    ...     email_topic_arn = sns.create_topic(Name="alert-fallback")["TopicArn"]
    ...     dead = DeadLetters(sqs, dlq_url, sns, email_topic_arn)
    ...     dead.send({"Message": "?"}, "unparseable", "critical")
    (True, True)
    """

    def __init__(self, sqs: Any, queue_url: str, sns: Any, email_topic_arn: str, sender: str = "alert router"):
        self._sqs, self._queue_url = sqs, queue_url
        self._sns, self._topic = sns, email_topic_arn
        self._sender = sender

    def send(
        self,
        sns: dict[str, Any],
        reason: str,
        severity: str | None,
        alert: Alert | None = None,
        channel: str | None = None,
        fallback_severity: str | None = None,
        fallback: bool = True,
    ) -> tuple[bool, bool]:
        """Queue the dead letter and publish the fallback; returns (queued, e-mailed).

        ``severity`` is the alert's, None when not known (a redrive replays it as such); ``fallback_severity``
        (default the same, else critical) is the e-mail's ``severity`` attribute, which decides who receives it.
        ``fallback=False`` (a group's members: one fallback e-mail covers them all) e-mails only when the DLQ
        refused the message.

        Raises DeliveryLostError when both fail, so the message is never silently dropped.
        """
        body = dead_letter_body(sns, reason, severity, alert, channel)
        queued = emailed = False
        errors = []
        try:
            self._sqs.send_message(QueueUrl=self._queue_url, MessageBody=json.dumps(body))
            queued = True
        except Exception as exc:  # any SDK failure: try the other path, then decide
            errors.append(f"DLQ: {type(exc).__name__}")
        if fallback or not queued:
            where = f"{channel}: " if channel else ""
            try:
                self.fallback(f"{where}{reason}", fallback_severity or severity or "critical", body["sns"]["Message"])
                emailed = True
            except Exception as exc:
                errors.append(f"fallback e-mail: {type(exc).__name__}")
        if not queued and not emailed:
            raise DeliveryLostError(f"could not dead-letter ({'; '.join(errors)}): {reason}")
        return queued, emailed

    def fallback(self, problem: str, severity: str, original: str) -> None:
        """Publish one plain fallback e-mail (raises what SNS raises)."""
        self._sns.publish(TopicArn=self._topic, **fallback_email_message(problem, severity, original, self._sender))
