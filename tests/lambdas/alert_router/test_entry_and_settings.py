"""GIVEN the Lambda entry point and its environment variables, WHEN invoked as Lambda would, THEN settings are
read from names only and a bad variable is one clear error; the HTTP client retries only what is transient."""
from __future__ import annotations

import json

import pytest

from lambdas.alert_router import app
from lambdas.alert_router.delivery import (ChannelGate, Deadline, EndpointError, RetryPolicy, post_json,
                                           retry_after_seconds, validate_endpoint)
from lambdas.alert_router.settings import RouterConfigError, RouterSettings
from tests.lambdas.alert_router.conftest import sns_event
from tests.lambdas.alert_router.helpers import fixture_text


class _Context:
    def get_remaining_time_in_millis(self) -> int:
        return 20_000


def test_lambda_handler_reads_its_environment_and_routes(world, monkeypatch):
    environment = {
        "ROUTES": json.dumps({"critical": {"slack": "test/slack", "email": None}}),
        "TOPIC_SEVERITIES": json.dumps({world.topics["critical"]: "critical"}),
        "DLQ_URL": world.dlq_url, "EMAIL_TOPIC_ARN": world.email_topic, "DEDUP_TABLE_NAME": world.table,
        "DEDUP_WINDOW_SECONDS": "300", "MAINTENANCE_WINDOWS": "[]", "RETRY_MAX_ATTEMPTS": "2",
        "HTTP_TIMEOUT_MS": "500", "DEADLINE_RESERVE_MS": "0",
    }
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(app, "_router", None)
    result = app.handler(sns_event(fixture_text("metric_alarm.json"), world.topics["critical"]), _Context())
    assert {(r["channel"], r["outcome"]) for r in result["records"]} == {("slack", "delivered"), ("email", "delivered")}
    assert world.emails()[0]["severity"] == "critical"


@pytest.mark.parametrize("override, says", [
    ({"DLQ_URL": ""}, "DLQ_URL is required"),
    ({"ROUTES": "{not json"}, "ROUTES is not valid JSON"),
    ({"ROUTES": '{"page": {}}'}, "ROUTES key 'page'"),
    ({"ROUTES": '{"critical": {"sms": "x"}}'}, "unknown channel 'sms'"),
    ({"ROUTES": '{"critical": {"slack": null}}'}, "secret name"),
    ({"RETRY_MAX_ATTEMPTS": "many"}, "not an integer"),
    ({"DEDUP_WINDOW_SECONDS": "-1"}, "outside"),
    ({"MAINTENANCE_WINDOWS": '[{"name": "w", "weekly": {"days": ["xyz"], "start": "01:00", "duration_minutes": 5}}]'}, "MAINTENANCE_WINDOWS"),
    ({"GROUP_WINDOW_SECONDS": "30"}, "FLUSH_QUEUE_URL is required"),
    ({"GROUP_WINDOW_SECONDS": "901", "FLUSH_QUEUE_URL": "q"}, "outside 0..900"),
    ({"GROUP_CHANNELS": '["pagerduty"]'}, "GROUP_CHANNELS: allowed values are slack, teams, email"),
    ({"SERVICES": '"orders"'}, "SERVICES must be a JSON list"),
    ({"INHIBIT_WARNINGS_WHILE_PAGED": "yes"}, "must be true or false"),
])
def test_bad_environment_is_one_clear_error(override, says):
    environment = {"ROUTES": "{}", "DLQ_URL": "q", "EMAIL_TOPIC_ARN": "arn:aws:sns:us-east-1:1:e",
                   "DEDUP_TABLE_NAME": "t", **override}
    with pytest.raises(RouterConfigError) as caught:
        RouterSettings.from_env(environment)
    assert says in str(caught.value) and "\n" not in str(caught.value)


def test_grouping_settings_are_read_from_the_environment():
    settings = RouterSettings.from_env({
        "ROUTES": "{}", "DLQ_URL": "q", "EMAIL_TOPIC_ARN": "arn:aws:sns:us-east-1:1:e", "DEDUP_TABLE_NAME": "t",
        "GROUP_WINDOW_SECONDS": "45", "FLUSH_QUEUE_URL": "https://sqs/flush", "GROUP_CHANNELS": '["slack"]',
        "ALARM_PREFIX": "watchtower-prod-", "SERVICES": '["orders", "payments"]',
        "INHIBIT_WARNINGS_WHILE_PAGED": "false", "PAGE_OPEN_MAX_SECONDS": "600"})
    assert (settings.group_window_seconds, settings.flush_queue_url, settings.group_channels) == (45, "https://sqs/flush", ("slack",))
    assert settings.services == ("orders", "payments") and settings.alarm_prefix == "watchtower-prod-"
    assert settings.inhibit_warnings is False and settings.page_open_max_seconds == 600
    unset = RouterSettings.from_env({"ROUTES": "{}", "DLQ_URL": "q", "EMAIL_TOPIC_ARN": "e", "DEDUP_TABLE_NAME": "t"})
    assert unset.group_window_seconds == 0 and unset.group_channels == ("slack", "teams", "email")
    none = RouterSettings.from_env({"ROUTES": "{}", "DLQ_URL": "q", "EMAIL_TOPIC_ARN": "e", "DEDUP_TABLE_NAME": "t",
                                    "GROUP_CHANNELS": "[]"})
    assert none.group_channels == ()


@pytest.mark.parametrize("url", ["http://example.com/hook", "file:///etc/passwd", "ftp://x/y", "https://", "hooks"])
def test_only_https_or_loopback_endpoints_are_accepted(url):
    with pytest.raises(EndpointError):
        validate_endpoint(url)
    assert validate_endpoint("http://127.0.0.1:8080/x") == "http://127.0.0.1:8080/x"


def test_backoff_grows_exponentially_with_a_cap_and_jitter():
    policy = RetryPolicy(base_delay_ms=100, max_delay_ms=1000)
    assert [policy.backoff_s(n, rng=lambda: 1.0) for n in (1, 2, 3, 4, 5)] == [0.1, 0.2, 0.4, 0.8, 1.0]
    assert policy.backoff_s(3, rng=lambda: 0.0) == 0.2  # jitter never goes below half


def test_retry_after_is_honoured_and_sleeps_are_bounded(world):
    world.receiver.behaviour["/slack"] = [(429, {"Retry-After": "0.02"}), 200]
    slept: list[float] = []
    result = post_json(f"{world.receiver.base_url}/slack", {"text": "x"}, RetryPolicy(max_delay_ms=50),
                       Deadline(10), sleep=slept.append)
    assert result.ok and result.attempts == 2 and result.throttled == 1
    assert slept == [pytest.approx(0.02, abs=0.005)]


def test_retry_after_longer_than_the_time_left_gives_up_at_once_without_sleeping(world):
    world.receiver.behaviour["/slack"] = [(429, {"Retry-After": "120"})]
    slept: list[float] = []
    result = post_json(f"{world.receiver.base_url}/slack", {"text": "x"}, RetryPolicy(), Deadline(5),
                       sleep=slept.append)
    assert not result.ok and result.attempts == 1 and slept == []
    assert "HTTP 429" in result.detail and "beyond the" in result.detail


def test_retry_after_is_honoured_beyond_the_backoff_cap_when_time_allows(world):
    # The receiver, not our backoff cap, decides how long a throttled channel waits.
    world.receiver.behaviour["/slack"] = [(429, {"Retry-After": "0.3"}), 200]
    result = post_json(f"{world.receiver.base_url}/slack", {"text": "x"}, RetryPolicy(max_delay_ms=10), Deadline(5))
    assert result.ok and result.attempts == 2


def test_429s_do_not_use_up_the_attempts_meant_for_failures(world):
    world.receiver.behaviour["/slack"] = [(429, {"Retry-After": "0"})] * 5 + [200]
    result = post_json(f"{world.receiver.base_url}/slack", {"text": "x"}, RetryPolicy(max_attempts=2), Deadline(5))
    assert result.ok and result.attempts == 6 and result.throttled == 5


def test_a_429_holds_the_next_delivery_to_the_same_channel(world):
    world.receiver.behaviour["/slack"] = [(429, {"Retry-After": "0.25"}), 200]
    gate = ChannelGate()
    first = post_json(f"{world.receiver.base_url}/slack", {"text": "1"}, RetryPolicy(), Deadline(5), gate=gate)
    gate.hold(0.25)  # as if another thread of the invocation had just been told to wait
    slept: list[float] = []
    second = post_json(f"{world.receiver.base_url}/slack", {"text": "2"}, RetryPolicy(), Deadline(5), gate=gate,
                       sleep=slept.append)
    assert first.ok and second.ok and second.attempts == 1
    assert slept and 0.2 <= slept[0] <= 0.25


def test_retry_after_reads_seconds_and_http_dates():
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds("Tue, 01 Dec 2026 09:00:30 GMT", now=lambda: 1796115600.0) == 30.0
    assert retry_after_seconds("Tue, 01 Dec 2026 08:00:00 GMT", now=lambda: 1796115600.0) == 0.0
    assert retry_after_seconds("later") is None and retry_after_seconds(None) is None


def test_no_time_left_means_no_attempt(world):
    result = post_json(f"{world.receiver.base_url}/slack", {"text": "x"}, RetryPolicy(), Deadline(0))
    assert not result.ok and result.attempts == 0 and world.receiver.requests == []
