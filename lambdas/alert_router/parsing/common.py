"""Small helpers shared by the per-source parsers: typed field access, links, ARNs."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from ..model import UnparseableMessageError

__all__ = [
    "require_str",
    "optional_str",
    "optional_object",
    "optional_list",
    "runbook_from_text",
    "region_from_arn",
    "account_from_arn",
    "alarm_console_url",
    "is_http_url",
]

_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_RUNBOOK = re.compile(r"runbook\s*[:=]\s*(https?://[^\s<>\"')\]]+)", re.IGNORECASE)
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")


def require_str(data: dict[str, Any], key: str, what: str) -> str:
    """Return ``data[key]`` as a non-empty string or raise UnparseableMessageError naming ``what``.

    Example
    -------
    >>> require_str({"AlarmName": "x"}, "AlarmName", "CloudWatch alarm")
    'x'
    """
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise UnparseableMessageError(f"{what}: field {key!r} is missing or not a non-empty string")
    return value


def optional_str(data: Any, key: str) -> str | None:
    """Return ``data[key]`` when it is a non-empty string (numbers are stringified), else None.

    Example
    -------
    >>> optional_str({"a": 3}, "a")
    '3'
    """
    if not isinstance(data, dict):
        return None
    value = data.get(key)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value
    return None


def optional_object(data: dict[str, Any], key: str) -> dict[str, Any]:
    """Return ``data[key]`` when it is a JSON object, else an empty one.

    Example
    -------
    >>> optional_object({"state": {"value": "ALARM"}}, "state"), optional_object({"state": "ALARM"}, "state")
    ({'value': 'ALARM'}, {})
    """
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def optional_list(data: dict[str, Any], key: str) -> list[Any]:
    """Return ``data[key]`` when it is a JSON list, else an empty one.

    Example
    -------
    >>> optional_list({"rootCauses": [{"service": "AWS Lambda"}]}, "rootCauses"), optional_list({}, "rootCauses")
    ([{'service': 'AWS Lambda'}], [])
    """
    value = data.get(key)
    return value if isinstance(value, list) else []


def is_http_url(value: str | None) -> bool:
    """True for an absolute http(s) URL (what chat buttons accept).

    Example
    -------
    >>> is_http_url("https://example.com/runbook"), is_http_url("docs/runbooks/x.md")
    (True, False)
    """
    return bool(value) and bool(re.match(r"^https?://\S+$", value or ""))


def runbook_from_text(text: str | None) -> str | None:
    """Find the runbook link in an alarm description: ``Runbook: <url>`` first, else the first URL.

    Example
    -------
    >>> runbook_from_text("High errors. Runbook: https://wiki/runbooks/errors")
    'https://wiki/runbooks/errors'
    """
    if not text:
        return None
    match = _RUNBOOK.search(text) or _URL.search(text)
    if not match:
        return None
    url = match.group(1) if match.re is _RUNBOOK else match.group(0)
    return url.rstrip(".,;")


def _arn_part(arn: str | None, index: int) -> str | None:
    if not arn or not arn.startswith("arn:"):
        return None
    parts = arn.split(":")
    return parts[index] if len(parts) > index and parts[index] else None


def region_from_arn(arn: str | None) -> str | None:
    """Region code of an ARN, or None.

    Example
    -------
    >>> region_from_arn("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:x")
    'eu-west-1'
    """
    region = _arn_part(arn, 3)
    return region if region and _REGION.match(region) else None


def account_from_arn(arn: str | None) -> str | None:
    """Account id of an ARN, or None.

    Example
    -------
    >>> account_from_arn("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:x")
    '123456789012'
    """
    return _arn_part(arn, 4)


def alarm_console_url(region: str | None, alarm_name: str) -> str | None:
    """The CloudWatch console page of one alarm.

    Example
    -------
    >>> alarm_console_url("us-east-1", "a b")
    'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/a%20b'
    """
    if not region:
        return None
    return (
        f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}"
        f"#alarmsV2:alarm/{quote(alarm_name, safe='')}"
    )
