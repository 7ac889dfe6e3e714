"""Base model shared by every config section: unknown keys are errors, values are frozen."""
from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict

__all__ = ["StrictModel", "SECRET_NAME", "SECRET_NAME_RULE", "ENV_NAME", "ENV_NAME_RULE", "looks_like_a_secret"]

# Secrets Manager names: letters, digits and /_+=.@- only. A ':' (URL, ARN with a value) is rejected on purpose:
# config holds the NAME of a secret, never the webhook URL, routing key or header value itself.
SECRET_NAME = r"^[A-Za-z0-9/_+=.@-]{1,512}$"
SECRET_NAME_RULE = "a Secrets Manager secret name: 1-512 letters, digits and / _ + = . @ -"
# Environment names are part of every stack and resource name (``<app>-<env>-...``), hence short and lowercase.
ENV_NAME = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
ENV_NAME_RULE = ("2-12 lowercase letters, digits and single hyphens, starting with a letter and not ending with a "
                 "hyphen (e.g. prod, eu-prod)")


class StrictModel(BaseModel):
    """A frozen pydantic model that rejects unknown keys, so a typo in YAML cannot pass silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# What a pasted secret looks like: any URL (incoming webhooks of Slack, Teams ...: a secret's name has no ':'),
# a PagerDuty routing key, well-known token prefixes, or a long random-looking string (secret names are words).
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_ROUTING_KEY = re.compile(r"^[A-Za-z0-9]{32}$")
_TOKEN_PREFIX = re.compile(r"^(xox[abprs]-|ghp_|github_pat_|glpat-|sk-|AKIA|ASIA|eyJ)")
_RANDOM = re.compile(r"^(?=.*[0-9])(?=.*[a-z])(?=.*[A-Z])[A-Za-z0-9+/=_]{32,}$")


def looks_like_a_secret(value: Any) -> str | None:
    """What ``value`` looks like when it looks like a secret (so it is never echoed), else None.

    Example
    -------
    >>> looks_like_a_secret("https://hooks.slack.com/services/T0/B0/XXXX")
    'a webhook URL'
    >>> looks_like_a_secret("watchtower/prod/slack-webhook") is None
    True
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _URL.match(text):
        return "a webhook URL"
    if _ROUTING_KEY.match(text):
        return "a PagerDuty routing key"
    if _TOKEN_PREFIX.match(text) or _RANDOM.match(text):
        return "a token or key"
    return None
