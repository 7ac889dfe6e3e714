"""The routing pipeline for one SNS record: parse, maintenance, de-duplicate, deliver per channel, dead-letter.

Every message ends in exactly one outcome per channel (delivered, deduplicated, suppressed, dead_lettered),
each logged as a delivery record. Nothing escapes ``Router.handle`` except DeliveryLostError, raised only when
neither the DLQ nor the fallback e-mail took a failed message (Lambda's own retry and DLQ take over then).
"""
from __future__ import annotations

import hashlib
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Any, Callable

from .channels import email_message, pagerduty_event, slack_payload, teams_payload
from .dead_letter import DeadLetters, DeliveryLostError
from .dedup import Deduplicator
from .delivery import ChannelGate, Deadline, post_json
from .maintenance import active_window
from .model import SEVERITIES, Alert, severity_from_name
from .parsing import UnparseableMessageError, parse_message
from .records import UNROUTED_CHANNEL, DeliveryRecord
from .secrets import SecretCache, pagerduty_credentials, webhook_url
from .settings import RouterSettings

__all__ = ["Router", "DeliveryLostError", "is_direct_notification", "direct_envelope"]


class _Outcome:
    __slots__ = ("outcome", "detail", "attempts", "throttled")

    def __init__(self, outcome: str, detail: str = "", attempts: int = 0, throttled: int = 0) -> None:
        self.outcome, self.detail, self.attempts, self.throttled = outcome, detail, attempts, throttled


class Router:
    """Routes SNS notifications to the channels configured per severity.

    Example
    -------
    >>> router = Router(RouterSettings.from_env(), sqs=sqs, sns=sns, dynamodb=ddb, secrets=sm, logger=logger)  # doctest: +SKIP
    >>> router.handle(sns_event, remaining_ms=60_000)["records"][0]["outcome"]  # doctest: +SKIP
    'delivered'
    """

    def __init__(self, settings: RouterSettings, *, sqs: Any, sns: Any, dynamodb: Any, secrets: Any, logger: Any,
                 now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self._sns = sns
        self._logger = logger
        self._now = now
        self._sleep = sleep
        self._secrets = SecretCache(secrets, settings.secret_cache_seconds)
        self._dedup = Deduplicator(dynamodb, settings.dedup_table_name, settings.dedup_window_seconds)
        self._dead = DeadLetters(sqs, settings.dlq_url, sns, settings.email_topic_arn, settings.sender)
        # One gate per endpoint for the life of the execution environment: a 429's Retry-After holds every later
        # delivery to that webhook or routing key, not only the retry of the message that got it.
        self._gates: dict[str, ChannelGate] = {}
        self._gates_lock = threading.Lock()

    # ---- entry point ---------------------------------------------------------------------------------------
    def handle(self, event: Any, remaining_ms: int) -> dict[str, Any]:
        """Route one Lambda event (SNS records, a redrive request, or anything else as unparseable).

        Example
        -------
        >>> router.handle({"Records": []}, remaining_ms=30_000)  # doctest: +SKIP
        {'records': []}
        """
        deadline = Deadline((remaining_ms - self.settings.reserve_ms) / 1000)
        if isinstance(event, dict) and isinstance(event.get("router_redrive"), dict):
            return self._redrive(event["router_redrive"], deadline)
        records: list[DeliveryRecord] = []
        if is_direct_notification(event):
            # An alarm action invoking the function directly, or an EventBridge rule targeting it: the event itself
            # is the notification. It is routed exactly like the same document arriving through a topic.
            sns = direct_envelope(event)
            try:
                records += self._route(sns, deadline)
            except DeliveryLostError:
                raise
            except Exception as exc:  # a bug must not lose the alert: dead-letter it whole
                self._logger.exception("router failed on a direct notification; dead-lettering it")
                records += self._unparseable(sns, f"router error {type(exc).__name__}: {exc}")
            return {"records": [r.as_log() for r in records]}
        sns_records = event.get("Records") if isinstance(event, dict) else None
        if not isinstance(sns_records, list) or not sns_records:
            # Not an SNS event at all: keep it, as an unparseable message.
            raw = {"Message": _dump(event)}
            records += self._unparseable(raw, "event is neither an SNS notification (no Records list), an alarm's "
                                              "Lambda action payload nor an EventBridge event")
            return {"records": [r.as_log() for r in records]}
        for record in sns_records:
            sns = record.get("Sns") if isinstance(record, dict) else None
            if not isinstance(sns, dict):
                records += self._unparseable({"Message": _dump(record)}, "SNS record has no 'Sns' object")
                continue
            try:
                records += self._route(sns, deadline)
            except DeliveryLostError:
                raise
            except Exception as exc:  # a bug must not lose the alert: dead-letter it whole
                self._logger.exception("router failed on a record; dead-lettering it")
                records += self._unparseable(sns, f"router error {type(exc).__name__}: {exc}")
        return {"records": [r.as_log() for r in records]}

    # ---- one message ---------------------------------------------------------------------------------------
    def _route(self, sns: dict[str, Any], deadline: Deadline, *, redrive_channel: str | None = None,
               redrive: bool = False, severity: str | None = None) -> list[DeliveryRecord]:
        severity = severity or self._topic_severity(sns.get("TopicArn"))
        try:
            alert = parse_message(sns.get("Message"), severity)
        except UnparseableMessageError as exc:
            if redrive:
                return [self._record(_placeholder(sns), UNROUTED_CHANNEL, _Outcome("dead_lettered", f"still unparseable: {exc}"), sns)]
            return self._unparseable(sns, f"unparseable: {exc}")
        routes = self.settings.routes.get(alert.severity, {})
        channels = {redrive_channel: routes.get(redrive_channel)} if redrive_channel else dict(routes)
        if not channels:
            outcome = _Outcome("suppressed", f"no channel configured for severity {alert.severity}")
            return [self._record(alert, UNROUTED_CHANNEL, outcome, sns)]
        if not redrive:
            window = active_window(self.settings.maintenance_windows, alert, self._now())
            if window:
                self._logger.info(f"suppressed by maintenance window {window.name!r}",
                                  extra={"alarm_name": alert.alarm_name, "maintenance_window": window.name})
                outcome = _Outcome("suppressed", f"maintenance window {window.name!r}")
                return [self._record(alert, channel, outcome, sns) for channel in channels]
            if not self._first_delivery(alert):
                outcome = _Outcome("deduplicated", f"same dedup key and state within {self.settings.dedup_window_seconds}s")
                return [self._record(alert, channel, outcome, sns) for channel in channels]
        # Channels run in parallel so a hanging webhook cannot eat the time a page needs.
        with ThreadPoolExecutor(max_workers=len(channels)) as pool:
            futures = {channel: pool.submit(self._deliver_safely, alert, channel, secret, deadline)
                       for channel, secret in channels.items()}
            results = {channel: future.result() for channel, future in futures.items()}
        records = []
        for channel, result in results.items():
            if result.outcome == "failed":
                if redrive:
                    result = _Outcome("dead_lettered", f"redrive failed, left in the DLQ: {result.detail}", result.attempts)
                else:
                    self._dead.send(sns, result.detail, alert.severity, alert, channel,
                                    fallback_severity=self._fallback_severity(alert.severity))
                    result = _Outcome("dead_lettered", result.detail, result.attempts)
            records.append(self._record(alert, channel, result, sns))
        return records

    def _first_delivery(self, alert: Alert) -> bool:
        try:
            return self._dedup.claim(alert)
        except Exception as exc:
            # Fail open: a duplicate page is better than a lost one.
            self._logger.warning(f"dedup table unavailable ({type(exc).__name__}); delivering without de-duplication")
            return True

    def _deliver_safely(self, alert: Alert, channel: str, secret_name: str | None, deadline: Deadline) -> _Outcome:
        try:
            return self._deliver(alert, channel, secret_name, deadline)
        except Exception as exc:  # secrets, endpoint or SDK errors: a failed delivery, never a crash
            return _Outcome("failed", f"{type(exc).__name__}: {exc}")

    def _deliver(self, alert: Alert, channel: str, secret_name: str | None, deadline: Deadline) -> _Outcome:
        if channel == "email":
            self._sns.publish(TopicArn=self.settings.email_topic_arn, **email_message(alert, self.settings.sender))
            return _Outcome("delivered", "published to the e-mail topic", 1)
        if not secret_name:
            return _Outcome("failed", f"{channel}: no secret name configured")
        secret = self._secrets.get(secret_name)
        if channel == "pagerduty":
            key, url = pagerduty_credentials(secret_name, secret)
            body = pagerduty_event(alert, key)
            if body is None:
                return _Outcome("suppressed", f"PagerDuty gets ALARM and OK only, not {alert.state}")
        elif channel == "slack":
            url, body = webhook_url(secret_name, secret), slack_payload(alert)
        elif channel == "teams":
            url, body = webhook_url(secret_name, secret), teams_payload(alert)
        else:
            return _Outcome("failed", f"unknown channel {channel!r}")
        return self._post(channel, url, body, deadline)

    def _post(self, channel: str, url: str, body: dict[str, Any], deadline: Deadline) -> _Outcome:
        with self._gates_lock:
            gate = self._gates.setdefault(url, ChannelGate())
        result = post_json(url, body, self.settings.retry, deadline, sleep=self._sleep, gate=gate)
        return _Outcome("delivered" if result.ok else "failed", f"{channel}: {result.detail}", result.attempts,
                        result.throttled)

    # ---- dead letters and records --------------------------------------------------------------------------
    def _unparseable(self, sns: dict[str, Any], reason: str) -> list[DeliveryRecord]:
        # The fallback e-mail goes out as critical, so every on-call address sees something the router could not
        # read; the dead letter keeps the topic's severity (None when unknown), which a redrive delivers it at.
        self._dead.send(sns, reason, self._topic_severity(sns.get("TopicArn")), fallback_severity="critical")
        return [self._record(_placeholder(sns), UNROUTED_CHANNEL, _Outcome("dead_lettered", reason), sns)]

    def _record(self, alert: Alert, channel: str, outcome: _Outcome, sns: dict[str, Any]) -> DeliveryRecord:
        record = DeliveryRecord(alert.alarm_name, alert.dedup_key, alert.state, alert.severity, channel,
                                outcome.outcome, outcome.detail, str(sns.get("MessageId") or ""), outcome.attempts)
        self._logger.info("delivery", extra=record.as_log())
        return record

    def _fallback_severity(self, severity: str) -> str:
        # The e-mail topic's subscriptions filter on severity: when nobody reads e-mail at this severity, the
        # fallback goes out as critical so that it reaches someone.
        return severity if "email" in self.settings.routes.get(severity, {}) else "critical"

    def _topic_severity(self, topic_arn: Any) -> str | None:
        if not isinstance(topic_arn, str):
            return None
        mapped = self.settings.topic_severities.get(topic_arn)
        if mapped:
            return mapped
        guess = severity_from_name(topic_arn.rsplit(":", 1)[-1], default="")
        return guess if guess in SEVERITIES else None

    # ---- redrive -------------------------------------------------------------------------------------------
    def _redrive(self, request: dict[str, Any], deadline: Deadline) -> dict[str, Any]:
        records: list[DeliveryRecord] = []
        letter = request.get("dead_letter")
        if isinstance(letter, dict) and isinstance(letter.get("sns"), dict):
            severity = letter.get("severity") if letter.get("severity") in SEVERITIES else None
            records += self._route(letter["sns"], deadline, redrive_channel=letter.get("channel"),
                                   redrive=True, severity=severity)
        elif isinstance(request.get("sns_event"), dict):
            for record in request["sns_event"].get("Records") or []:
                sns = record.get("Sns") if isinstance(record, dict) else None
                if isinstance(sns, dict):
                    records += self._route(sns, deadline, redrive=True)
                else:  # counted as a failure, so the DLQ message that holds it is not deleted
                    outcome = _Outcome("dead_lettered", "redrive: SNS record has no 'Sns' object, left in the DLQ")
                    records.append(self._record(_placeholder({"Message": _dump(record)}), UNROUTED_CHANNEL,
                                                outcome, {}))
        ok = bool(records) and all(r.outcome != "dead_lettered" for r in records)
        return {"redrive_ok": ok, "records": [r.as_log() for r in records]}


def is_direct_notification(event: Any) -> bool:
    """True for an event that is itself a notification: an alarm's Lambda action payload (``alarmData``) or an
    EventBridge event (``detail-type``) from an AWS source.

    Example
    -------
    >>> is_direct_notification({"source": "aws.cloudwatch", "alarmArn": "arn:...", "alarmData": {}})
    True
    >>> is_direct_notification({"Records": []})
    False
    """
    if not isinstance(event, dict) or "Records" in event:
        return False
    source = event.get("source")
    return isinstance(source, str) and source.startswith("aws.") and ("alarmData" in event or "detail-type" in event)


def direct_envelope(event: dict[str, Any]) -> dict[str, Any]:
    """The SNS-shaped record a direct notification is routed, logged and dead-lettered as.

    The message id is EventBridge's event id, or a digest of the payload (an alarm action carries no id), so a
    redelivered payload keeps its identity.

    Example
    -------
    >>> direct_envelope({"source": "aws.cloudwatch", "id": "e-1", "detail-type": "x"})["MessageId"]
    'e-1'
    """
    text = _dump(event)
    message_id = event.get("id") if isinstance(event.get("id"), str) and event.get("id") else (
        "sha256:" + hashlib.sha256(text.encode("utf-8", "replace")).hexdigest())
    subject = "Lambda alarm action" if "alarmData" in event else str(event.get("detail-type"))[:100]
    return {"Type": "Notification", "MessageId": message_id, "TopicArn": None, "Subject": subject,
            "Timestamp": event.get("time") if isinstance(event.get("time"), str) else None, "Message": text}


def _dump(value: Any) -> str:
    try:
        return json.dumps(value, default=str)
    except (TypeError, ValueError):
        return repr(value)


def _placeholder(sns: dict[str, Any]) -> Alert:
    """An Alert standing in for a message that could not be parsed, so its record still has keys."""
    message = sns.get("Message")
    text = message if isinstance(message, str) else _dump(message)
    key = str(sns.get("MessageId") or "sha256:" + hashlib.sha256(text.encode("utf-8", "replace")).hexdigest())
    return Alert(source="unparseable", severity="critical", state="UNKNOWN", title="unparseable notification",
                 reason="", alarm_name="unparseable", dedup_key=key, resource="", occurred_at="")
