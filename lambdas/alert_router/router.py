"""The routing pipeline for one notification: parse, maintenance, de-duplicate, inhibit, group or deliver per
channel, dead-letter.

Every message ends in exactly one outcome per channel (delivered, deduplicated, suppressed, dead_lettered),
each logged as a delivery record; a grouped message gets a "grouped" record on arrival and its final record when
its group is flushed. Nothing escapes ``Router.handle`` except DeliveryLostError, raised only when
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
from .channels.grouped import AlertGroup, email_group_message, slack_group_payload, teams_group_payload
from .dead_letter import DeadLetters, DeliveryLostError
from .dedup import Deduplicator
from .delivery import ChannelGate, Deadline, post_json
from .gates import SharedGates, gate_key
from .grouping import ORIGINAL_MAX, Flushed, GroupMember, GroupStore, delay_seconds, service_of
from .incidents import ServicePages, service_page_key
from .inhibition import PageTracker
from .log_lines import LogLineFetcher
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
    Critical alerts to e-mail only, without de-duplication (so no table is needed), against moto:

    >>> import json, logging, os, boto3
    >>> from moto import mock_aws
    >>> os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="eu-west-1")
    >>> alarm = json.dumps({"source": "aws.cloudwatch",
    ...                     "alarmArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:db-throttles-critical",
    ...                     "alarmData": {"alarmName": "db-throttles-critical", "state": {"value": "ALARM"}}})
    >>> with mock_aws():
    ...     sqs, sns = boto3.client("sqs"), boto3.client("sns")
    ...     settings = RouterSettings.from_env({"DLQ_URL": sqs.create_queue(QueueName="dlq")["QueueUrl"],
    ...         "EMAIL_TOPIC_ARN": sns.create_topic(Name="email")["TopicArn"], "DEDUP_TABLE_NAME": "dedup",
    ...         "ROUTES": '{"critical": {"email": null}}', "DEDUP_WINDOW_SECONDS": "0"})
    ...     router = Router(settings, sqs=sqs, sns=sns, dynamodb=None, secrets=None, logger=logging.getLogger())
    ...     record = router.handle({"Records": [{"Sns": {"Message": alarm, "MessageId": "m-1"}}]}, 60_000)["records"][0]
    >>> record["channel"], record["outcome"]
    ('email', 'delivered')
    """

    def __init__(self, settings: RouterSettings, *, sqs: Any, sns: Any, dynamodb: Any, secrets: Any, logger: Any,
                 now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.time,
                 cloudwatch: Any = None, logs: Any = None) -> None:
        self.settings = settings
        self._sns = sns
        self._sqs = sqs
        self._clock = clock
        self._logger = logger
        self._now = now
        self._sleep = sleep
        self._secrets = SecretCache(secrets, settings.secret_cache_seconds)
        self._dedup = Deduplicator(dynamodb, settings.dedup_table_name, settings.dedup_window_seconds, clock)
        self._groups = GroupStore(dynamodb, settings.dedup_table_name, settings.group_window_seconds, clock)
        self._pages = PageTracker(dynamodb, settings.dedup_table_name, settings.page_open_max_seconds, clock)
        self._incidents = ServicePages(dynamodb, settings.dedup_table_name, clock=clock)
        self._dead = DeadLetters(sqs, settings.dlq_url, sns, settings.email_topic_arn, settings.sender)
        # One gate per endpoint for the life of the execution environment: a 429's Retry-After holds every later
        # delivery to that webhook or routing key, not only the retry of the message that got it.
        self._gates: dict[str, ChannelGate] = {}
        self._gates_lock = threading.Lock()
        self._shared_gates = SharedGates(dynamodb, settings.dedup_table_name)
        self._log_lines = (LogLineFetcher(cloudwatch, logs, settings.log_alarm_signals,
                                          max_lines=settings.log_lines_max, clock=clock, warn=logger.warning)
                           if cloudwatch is not None and logs is not None and settings.log_alarm_signals else None)

    # ---- entry point ---------------------------------------------------------------------------------------
    def handle(self, event: Any, remaining_ms: int) -> dict[str, Any]:
        """Route one Lambda event (SNS records, an alarm's Lambda action payload, an EventBridge event, group
        flushes from the flush queue, a redrive request, or anything else as unparseable).

        Example
        -------
        An event with no records is no notification: it is dead-lettered as unparseable, not dropped.

        >>> import logging, os, boto3
        >>> from moto import mock_aws
        >>> from alert_router.settings import RouterSettings
        >>> os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
        ...                   AWS_DEFAULT_REGION="eu-west-1")
        >>> with mock_aws():
        ...     sqs, sns = boto3.client("sqs"), boto3.client("sns")
        ...     settings = RouterSettings.from_env({"DLQ_URL": sqs.create_queue(QueueName="dlq")["QueueUrl"],
        ...         "EMAIL_TOPIC_ARN": sns.create_topic(Name="email")["TopicArn"], "DEDUP_TABLE_NAME": "dedup"})
        ...     router = Router(settings, sqs=sqs, sns=sns, dynamodb=None, secrets=None, logger=logging.getLogger())
        ...     router.handle({"Records": []}, remaining_ms=30_000)["records"][0]["outcome"]
        'dead_lettered'
        """
        deadline = Deadline((remaining_ms - self.settings.reserve_ms) / 1000)
        if isinstance(event, dict) and isinstance(event.get("router_redrive"), dict):
            return self._redrive(event["router_redrive"], deadline)
        records: list[DeliveryRecord] = []
        if is_direct_notification(event):
            # An alarm action invoking the function directly, or an EventBridge rule targeting it: the event itself
            # is the notification. It is routed exactly like the same document arriving through a topic.
            records += self._route_guarded(direct_envelope(event), deadline, "a direct notification")
            return {"records": [r.as_log() for r in records]}
        sns_records = event.get("Records") if isinstance(event, dict) else None
        if isinstance(sns_records, list) and sns_records and all(
                isinstance(r, dict) and r.get("eventSource") == "aws:sqs" for r in sns_records):
            for record in sns_records:
                records += self._flush_message(record, deadline)
            return {"records": [r.as_log() for r in records]}
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
            records += self._route_guarded(sns, deadline, "a record")
        return {"records": [r.as_log() for r in records]}

    # ---- one message ---------------------------------------------------------------------------------------
    def _route_guarded(self, sns: dict[str, Any], deadline: Deadline, what: str) -> list[DeliveryRecord]:
        """``_route``, except that a bug dead-letters the whole message instead of losing it."""
        try:
            return self._route(sns, deadline)
        except DeliveryLostError:
            raise
        except Exception as exc:  # a bug must not lose the alert: dead-letter it whole
            self._logger.exception(f"router failed on {what}; dead-lettering it")
            return self._unparseable(sns, f"router error {type(exc).__name__}: {exc}")

    def _route(self, sns: dict[str, Any], deadline: Deadline, *, redrive_channel: str | None = None,
               redrive: bool = False, severity: str | None = None) -> list[DeliveryRecord]:
        severity = severity or self._topic_severity(sns.get("TopicArn"))
        try:
            alert = parse_message(sns.get("Message"), severity)
        except UnparseableMessageError as exc:
            if redrive:
                return [
                    self._record(
                        _placeholder(sns), UNROUTED_CHANNEL, _Outcome("dead_lettered", f"still unparseable: {exc}"), sns
                    )
                ]
            return self._unparseable(sns, f"unparseable: {exc}")
        routes = self.settings.routes.get(alert.severity, {})
        channels = {redrive_channel: routes.get(redrive_channel)} if redrive_channel else dict(routes)
        if not channels:
            outcome = _Outcome("suppressed", f"no channel configured for severity {alert.severity}")
            return [self._record(alert, UNROUTED_CHANNEL, outcome, sns)]
        service = service_of(alert.alarm_name, self.settings.alarm_prefix, self.settings.services)
        if not redrive:
            window = active_window(self.settings.maintenance_windows, alert, self._now())
            if window:
                self._logger.info(f"suppressed by maintenance window {window.name!r}",
                                  extra={"alarm_name": alert.alarm_name, "maintenance_window": window.name})
                outcome = _Outcome("suppressed", f"maintenance window {window.name!r}")
                return [self._record(alert, channel, outcome, sns) for channel in channels]
            if alert.reports_held_actions and alert.actions_suppressed_by:
                # CloudWatch is holding this alarm's actions (maintenance, or the suppressor's wait/extension)
                # and runs them, through its SNS or Lambda action, when the hold ends: that notification is the
                # one to deliver. Checked before de-duplication, so this one does not claim its key.
                outcome = _Outcome("suppressed", f"actions held by CloudWatch ({alert.actions_suppressed_by}); "
                                                 "the alarm's own action delivers it when the hold ends")
                return [self._record(alert, channel, outcome, sns) for channel in channels]
            self._track_page(alert, service)
            if not self._first_delivery(alert):
                outcome = _Outcome(
                    "deduplicated", f"same dedup key and state within {self.settings.dedup_window_seconds}s"
                )
                return [self._record(alert, channel, outcome, sns) for channel in channels]
            page = self._open_page(alert.severity, service)
            if page:
                outcome = _Outcome("suppressed", f"inhibited: {service} has a page open ({page})")
                return [self._record(alert, channel, outcome, sns) for channel in channels]
        if self._log_lines is not None and deadline.remaining() > self.settings.log_lines_budget_s:
            # A log alarm's message shows the lines that broke it; read only for what is about to be sent.
            alert = self._log_lines.enrich(alert)
        records: list[DeliveryRecord] = []
        if not redrive and self._grouping():
            held = {c: secret for c, secret in channels.items() if c in self.settings.group_channels}
            if held:
                arrival = self._hold(alert, sns, service, list(held), deadline)
                if arrival is not None:
                    records += arrival
                    channels = {c: secret for c, secret in channels.items() if c not in held}
        if not channels:
            return records
        results = self._deliver_all(alert, channels, deadline)
        for channel, result in results.items():
            if result.outcome == "failed":
                if redrive:
                    result = _Outcome("dead_lettered", f"redrive failed, left in the DLQ: {result.detail}",
                                      result.attempts, result.throttled)
                else:
                    self._dead.send(sns, result.detail, alert.severity, alert, channel,
                                    fallback_severity=self._fallback_severity(alert.severity))
                    result = _Outcome("dead_lettered", result.detail, result.attempts, result.throttled)
            records.append(self._record(alert, channel, result, sns))
        return records

    def _deliver_all(self, item: Alert | AlertGroup, channels: dict[str, str | None],
                     deadline: Deadline) -> dict[str, _Outcome]:
        # Channels run in parallel so a hanging webhook cannot eat the time a page needs.
        with ThreadPoolExecutor(max_workers=len(channels)) as pool:
            futures = {channel: pool.submit(self._deliver_safely, item, channel, secret, deadline)
                       for channel, secret in channels.items()}
            return {channel: future.result() for channel, future in futures.items()}

    # ---- inhibition ----------------------------------------------------------------------------------------
    def _track_page(self, alert: Alert, service: str | None) -> None:
        if not service or alert.severity != "critical" or alert.state not in ("ALARM", "OK"):
            return
        try:
            if alert.state == "ALARM":
                self._pages.opened(service, alert.dedup_key)
            else:
                self._pages.closed(service, alert.dedup_key)
        except Exception as exc:  # inhibition is an optimisation: without it warnings are simply delivered
            self._logger.warning(f"page state not recorded ({type(exc).__name__}); warnings will not be inhibited")

    def _open_page(self, severity: str, service: str | None) -> str | None:
        if severity != "warning" or not service or not self.settings.inhibit_warnings:
            return None
        try:
            return self._pages.open_page(service)
        except Exception as exc:
            self._logger.warning(f"page state unreadable ({type(exc).__name__}); delivering the warning")
            return None

    # ---- grouping ------------------------------------------------------------------------------------------
    def _grouping(self) -> bool:
        return self.settings.group_window_seconds > 0 and bool(self.settings.flush_queue_url)

    def _hold(self, alert: Alert, sns: dict[str, Any], service: str | None, channels: list[str],
              deadline: Deadline) -> list[DeliveryRecord] | None:
        """Add the alert to its group; None when grouping is unavailable (the caller delivers at once)."""
        message = sns.get("Message") if isinstance(sns.get("Message"), str) else None
        member = GroupMember(alert, str(sns.get("MessageId") or ""), sns.get("TopicArn") if isinstance(
            sns.get("TopicArn"), str) else None, message if message and len(message) <= ORIGINAL_MAX else None)
        try:
            joined = self._groups.join(member, service, alert.severity)
        except Exception as exc:  # fail open: an ungrouped message is better than a lost one
            self._logger.warning(f"group table unavailable ({type(exc).__name__}); delivering without grouping")
            return None
        label = f"{service or 'other'}/{alert.severity}"
        outcome = _Outcome("grouped", f"held for one message per channel for {label}, flush due "
                                      f"{max(joined.due_at - self._clock(), 0):.0f}s from now")
        records = [self._record(alert, channel, outcome, sns, group=joined.group_id) for channel in channels]
        if joined.opened or joined.stale:
            try:
                self._sqs.send_message(
                    QueueUrl=self.settings.flush_queue_url,
                    MessageBody=json.dumps({"router_flush": {"key": joined.key, "group_id": joined.group_id,
                                                             "due_at": joined.due_at}}),
                    DelaySeconds=delay_seconds(joined.due_at, self._clock()),
                )
            except Exception as exc:
                # No flush would ever come: flush now, so the group (this alert included) is delivered at once.
                self._logger.warning(f"flush not scheduled ({type(exc).__name__}); flushing {label} now")
                records += self._flush(joined.key, joined.group_id, deadline)
        return records

    def _flush_message(self, record: dict[str, Any], deadline: Deadline) -> list[DeliveryRecord]:
        try:
            request = json.loads(record.get("body") or "")["router_flush"]
            key, group_id, due_at = str(request["key"]), str(request["group_id"]), float(request["due_at"])
        except (ValueError, KeyError, TypeError):
            sns = {"Message": str(record.get("body")), "MessageId": record.get("messageId")}
            return self._unparseable(sns, "flush queue message is not a router flush request")
        now = self._clock()
        if now < due_at - 1:
            # Early (SQS delays at most 15 minutes, clocks differ): wait out the rest of the window.
            self._sqs.send_message(QueueUrl=self.settings.flush_queue_url, MessageBody=record["body"],
                                   DelaySeconds=delay_seconds(due_at, now))
            return []
        return self._flush(key, group_id, deadline)

    def _flush(self, key: str, group_id: str, deadline: Deadline) -> list[DeliveryRecord]:
        """Deliver the group once per channel; one final record per notification in it and channel."""
        taken = self._groups.take(key, group_id)
        if taken is None:
            return []  # a duplicate flush message: the group was delivered already
        _, service_part, severity = key.split("#", 2)
        service = None if service_part == "-" else service_part
        channels = {c: secret for c, secret in self.settings.routes.get(severity, {}).items()
                    if c in self.settings.group_channels}
        group = AlertGroup(service, severity, tuple(m.alert for m in taken.members),
                           self.settings.group_window_seconds, unlisted=len(taken.unlisted))
        label = f"{service or 'other'}/{severity}"
        if not channels:
            results = {UNROUTED_CHANNEL: _Outcome("suppressed", f"no grouped channel configured for {severity}")}
        elif (page := self._open_page(severity, service)):
            results = {c: _Outcome("suppressed", f"inhibited: {service} has a page open ({page})") for c in channels}
        else:
            # A single alert is sent alone, in the ordinary format.
            item: Alert | AlertGroup = group.alerts[0] if group.size == 1 and group.alerts else group
            results = self._deliver_all(item, channels, deadline)
        records: list[DeliveryRecord] = []
        for channel, result in results.items():
            if result.outcome == "failed":
                self._dead_letter_group(taken, severity, channel, result.detail)
                result = _Outcome("dead_lettered", result.detail, result.attempts, result.throttled)
            elif result.outcome == "delivered":
                result = _Outcome("delivered", f"{result.detail}; one message for {group.size} alert(s) of {label}",
                                  result.attempts, result.throttled)
            for member in taken.members:
                envelope = {"MessageId": member.message_id}
                records.append(self._record(member.alert, channel, result, envelope, group=group_id))
            for name, state, message_id in taken.unlisted:
                records.append(self._log(DeliveryRecord(name, "", state, severity, channel, result.outcome,
                                                        result.detail, message_id, result.attempts, result.throttled,
                                                        group_id)))
        self._groups.done(group_id)
        return records

    def _dead_letter_group(self, taken: Flushed, severity: str, channel: str, reason: str) -> None:
        for member in taken.members:
            self._dead.send(_replayable(member), reason, severity, member.alert, channel,
                            fallback_severity=self._fallback_severity(severity), fallback=False)
        for name, state, message_id in taken.unlisted:
            doc = {"AlarmName": name, "NewStateValue": state,
                   "NewStateReason": "(listed by name only: its group was at its size limit)"}
            self._dead.send({"MessageId": message_id, "Message": json.dumps(doc)}, reason, severity, None, channel,
                            fallback=False)
        # One fallback e-mail for the whole group, not one per alert in a storm.
        names = [m.alert.alarm_name for m in taken.members] + [name for name, _, _ in taken.unlisted]
        try:
            self._dead.fallback(f"{channel}: {reason}", self._fallback_severity(severity),
                                f"{len(names)} alert(s) of one group, each kept in the DLQ:\n" + "\n".join(names))
        except Exception as exc:  # every member is in the DLQ already (send raised otherwise)
            self._logger.warning(f"group fallback e-mail not sent ({type(exc).__name__})")

    def _first_delivery(self, alert: Alert) -> bool:
        try:
            return self._dedup.claim(alert)
        except Exception as exc:
            # Fail open: a duplicate page is better than a lost one.
            self._logger.warning(f"dedup table unavailable ({type(exc).__name__}); delivering without de-duplication")
            return True

    def _deliver_safely(self, item: Alert | AlertGroup, channel: str, secret_name: str | None,
                        deadline: Deadline) -> _Outcome:
        try:
            return self._deliver(item, channel, secret_name, deadline)
        except Exception as exc:  # secrets, endpoint or SDK errors: a failed delivery, never a crash
            return _Outcome("failed", f"{type(exc).__name__}: {exc}")

    def _deliver(self, item: Alert | AlertGroup, channel: str, secret_name: str | None, deadline: Deadline) -> _Outcome:
        grouped = isinstance(item, AlertGroup)
        if channel == "email":
            message = (
                email_group_message(item, self.settings.sender)
                if isinstance(item, AlertGroup)
                else email_message(item, self.settings.sender)
            )
            self._sns.publish(TopicArn=self.settings.email_topic_arn, **message)
            return _Outcome("delivered", "published to the e-mail topic", 1)
        if not secret_name:
            return _Outcome("failed", f"{channel}: no secret name configured")
        secret = self._secrets.get(secret_name)
        shared = gate_key(channel, secret_name)
        if channel == "pagerduty" and not isinstance(item, AlertGroup):
            key, url = pagerduty_credentials(secret_name, secret)
            if item.state not in ("ALARM", "OK"):
                return _Outcome("suppressed", f"PagerDuty gets ALARM and OK only, not {item.state}")
            page_key = self._page_key(item)
            if page_key is not None:
                return self._page_service(item, page_key, key, url, deadline, shared)
            event = pagerduty_event(item, key)
            if event is None:
                return _Outcome("suppressed", f"PagerDuty gets ALARM and OK only, not {item.state}")
            body = event
        elif channel == "slack":
            url = webhook_url(secret_name, secret)
            body = slack_group_payload(item) if isinstance(item, AlertGroup) else slack_payload(item)
        elif channel == "teams":
            url = webhook_url(secret_name, secret)
            body = teams_group_payload(item) if isinstance(item, AlertGroup) else teams_payload(item)
        else:
            return _Outcome("failed", f"channel {channel!r} cannot take {'a group' if grouped else 'this alert'}")
        return self._post(channel, url, body, deadline, shared)

    # ---- one PagerDuty incident per service -----------------------------------------------------------------
    def _page_key(self, alert: Alert) -> str | None:
        """The service's page key for an alarm of a known service; None keeps the alarm's own incident."""
        if alert.source not in ("cloudwatch_alarm", "cloudwatch_composite_alarm"):
            return None
        service = service_of(alert.alarm_name, self.settings.alarm_prefix, self.settings.services)
        return service_page_key(self.settings.alarm_prefix, service) if service else None

    def _page_service(self, alert: Alert, page_key: str, routing_key: str, url: str, deadline: Deadline,
                      shared: str) -> _Outcome:
        """Trigger or resolve the service's one incident. The paging composites of a service in two regions
        (home, and us-east-1 for CloudFront) trigger the same dedup_key, which PagerDuty merges into the alert
        already open; only the OK of the last one still in ALARM resolves it."""
        if alert.state == "ALARM":
            try:
                first = self._incidents.opened(page_key, alert.dedup_key)
            except Exception as exc:  # fail open: page now; this alarm's OK will not find it in the set
                self._logger.warning(f"open pages of {page_key} not recorded ({type(exc).__name__}); paging anyway")
                first = True
            body = pagerduty_event(alert, routing_key, page_key)
            assert body is not None
            result = self._post("pagerduty", url, body, deadline, shared)
            if result.outcome == "delivered" and not first:
                result.detail += f" (joined the open incident {page_key})"
            return result
        # Raises when the table is unreadable: the OK is dead-lettered, and its redrive decides again.
        if not self._incidents.closed(page_key, alert.dedup_key):
            return _Outcome("suppressed", f"pagerduty: {page_key} not resolved: another of its paging alarms is "
                                          "still in ALARM, or this alarm's ALARM was not recorded open")
        body = pagerduty_event(alert, routing_key, page_key)
        assert body is not None
        result = self._post("pagerduty", url, body, deadline, shared)
        if result.outcome != "delivered":
            # Put it back, so the redrive of this dead-lettered OK is again the last one and resolves.
            try:
                self._incidents.opened(page_key, alert.dedup_key)
            except Exception as exc:
                self._logger.warning(f"open pages of {page_key} not restored ({type(exc).__name__})")
        return result

    def _post(self, channel: str, url: str, body: dict[str, Any], deadline: Deadline, shared: str) -> _Outcome:
        with self._gates_lock:
            gate = self._gates.get(url)
            if gate is None:
                gate = self._gates[url] = ChannelGate(on_hold=lambda seconds: self._share_hold(shared, seconds))
        try:
            # A Retry-After another execution environment was given holds this one too.
            elsewhere = self._shared_gates.wait_s(shared)
        except Exception as exc:
            self._logger.debug(f"shared gate unreadable ({type(exc).__name__}); using this environment's only")
            elsewhere = 0.0
        if elsewhere > 0:
            gate.hold(elsewhere, share=False)
        result = post_json(url, body, self.settings.retry, deadline, sleep=self._sleep, gate=gate)
        return _Outcome("delivered" if result.ok else "failed", f"{channel}: {result.detail}", result.attempts,
                        result.throttled)

    def _share_hold(self, key: str, seconds: float) -> None:
        try:
            self._shared_gates.hold(key, seconds)
        except Exception as exc:  # best effort: this environment still honours it
            self._logger.debug(f"shared gate not written ({type(exc).__name__})")

    # ---- dead letters and records --------------------------------------------------------------------------
    def _unparseable(self, sns: dict[str, Any], reason: str) -> list[DeliveryRecord]:
        # The fallback e-mail goes out as critical, so every on-call address sees something the router could not
        # read; the dead letter keeps the topic's severity (None when unknown), which a redrive delivers it at.
        self._dead.send(sns, reason, self._topic_severity(sns.get("TopicArn")), fallback_severity="critical")
        return [self._record(_placeholder(sns), UNROUTED_CHANNEL, _Outcome("dead_lettered", reason), sns)]

    def _record(self, alert: Alert, channel: str, outcome: _Outcome, sns: dict[str, Any],
                group: str = "") -> DeliveryRecord:
        return self._log(DeliveryRecord(alert.alarm_name, alert.dedup_key, alert.state, alert.severity, channel,
                                        outcome.outcome, outcome.detail, str(sns.get("MessageId") or ""),
                                        outcome.attempts, outcome.throttled, group))

    def _log(self, record: DeliveryRecord) -> DeliveryRecord:
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
        elif isinstance(request.get("flush"), dict):
            # A flush message the flush queue dead-lettered: deliver its group now. Every member then ends
            # delivered or in the DLQ on its own (replayable), so the flush message itself is done either way.
            flush = request["flush"]
            key, group_id = flush.get("key"), flush.get("group_id")
            if not isinstance(key, str) or not isinstance(group_id, str) or not key.startswith("group#"):
                outcome = _Outcome("dead_lettered",
                                   "redrive: flush request without a group key and id, left in the DLQ")
                records.append(self._record(_placeholder({"Message": _dump(flush)}), UNROUTED_CHANNEL, outcome, {}))
                return {"redrive_ok": False, "records": [r.as_log() for r in records]}
            records += self._flush(key, group_id, deadline)
            detail = (f"group {key} ({group_id}) flushed: {len(records)} record(s)" if records else
                      f"group {key} ({group_id}) is no longer held: delivered already, or older than the day "
                      "groups are kept")
            self._logger.info(f"redrive: {detail}")
            return {"redrive_ok": True, "detail": detail, "records": [r.as_log() for r in records]}
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


def _replayable(member: GroupMember) -> dict[str, Any]:
    """The SNS-shaped record a grouped notification is dead-lettered as: its original message when it was kept,
    else a CloudWatch alarm notification rebuilt from the alert (what ``make redrive`` can still deliver)."""
    if member.original is not None:
        message = member.original
    else:
        alert = member.alert
        doc = {"AlarmName": alert.alarm_name, "NewStateValue": alert.state, "NewStateReason": alert.reason,
               "StateChangeTime": alert.occurred_at}
        if alert.dedup_key.startswith("arn:"):
            doc["AlarmArn"] = alert.dedup_key
        if alert.runbook_url:
            doc["AlarmDescription"] = f"Runbook: {alert.runbook_url}"
        message = json.dumps(doc)
    return {"MessageId": member.message_id, "TopicArn": member.topic_arn, "Message": message}


def _placeholder(sns: dict[str, Any]) -> Alert:
    """An Alert standing in for a message that could not be parsed, so its record still has keys."""
    message = sns.get("Message")
    text = message if isinstance(message, str) else _dump(message)
    key = str(sns.get("MessageId") or "sha256:" + hashlib.sha256(text.encode("utf-8", "replace")).hexdigest())
    return Alert(source="unparseable", severity="critical", state="UNKNOWN", title="unparseable notification",
                 reason="", alarm_name="unparseable", dedup_key=key, resource="", occurred_at="")
