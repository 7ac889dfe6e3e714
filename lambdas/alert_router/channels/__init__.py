"""Channel formatters: pure functions from an Alert to the payload each service documents."""
from __future__ import annotations

from .email import email_message, fallback_email_message
from .pagerduty import PAGERDUTY_EVENTS_URL, pagerduty_dedup_key, pagerduty_event
from .slack import slack_payload
from .teams import teams_payload

__all__ = [
    "CHANNELS",
    "email_message",
    "fallback_email_message",
    "pagerduty_event",
    "pagerduty_dedup_key",
    "PAGERDUTY_EVENTS_URL",
    "slack_payload",
    "teams_payload",
]

CHANNELS = ("slack", "pagerduty", "teams", "email")
