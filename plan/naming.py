"""Names and descriptions of alarms. Names are stable across deploys: renaming an alarm replaces it and loses
its history, so change these functions only with a migration in mind.

Example
-------
>>> from config.loader import load_config
>>> cfg = load_config("prod")
>>> alarm_name(cfg, "orders", "api", "HighErrorRate", "critical")
'watchtower-prod-orders-api-HighErrorRate-critical'
>>> describe("orders: error rate > 5%", runbook_url("https://x/r", "HighErrorRate"))
'orders: error rate > 5%. Runbook: https://x/r/HighErrorRate.md'
"""
from __future__ import annotations

import re

from config.schema import EnvironmentConfig

__all__ = ["alarm_name", "service_label", "name_part", "resource_name", "native_slo_name", "runbook_url", "describe",
           "MAX_DESCRIPTION"]

_UNSAFE = re.compile(r"[^A-Za-z0-9-]+")
MAX_DESCRIPTION = 1024  # CloudWatch's AlarmDescription limit


def name_part(value: str) -> str:
    """One name segment: characters other than letters, digits and '-' become '-'."""
    return _UNSAFE.sub("-", value).strip("-")


def alarm_name(cfg: EnvironmentConfig, service: str, resource: str, signal: str, severity: str) -> str:
    """``{app}-{env}-{service}-{resource}-{signal}-{severity}``; ``signal`` is the family, or the segment a
    family uses for one of several alarms (``BurnPage1hLong``)."""
    return "-".join([cfg.app, cfg.env, name_part(service_label(cfg, service)), name_part(resource),
                     name_part(signal), name_part(severity)])


# id(cfg) -> (cfg, {service: account}): alarm names are made thousands of times per synth; a config is frozen.
_ACCOUNTS: dict[int, tuple[EnvironmentConfig, dict[str, str]]] = {}


def service_label(cfg: EnvironmentConfig, service: str) -> str:
    """A service as names show it: ``{account}-{service}`` for a service that sets ``account:``, else its name
    (so the names of services in the environment's own account never change).

    Example
    -------
    >>> from config.loader import load_config
    >>> service_label(load_config("prod"), "orders")
    'orders'
    """
    if cfg.organization is None:
        return service
    cached = _ACCOUNTS.get(id(cfg))
    if cached is None or cached[0] is not cfg:
        cached = _ACCOUNTS[id(cfg)] = (cfg, {s.name: s.account for s in cfg.services if s.account})
    account = cached[1].get(service)
    return f"{account}-{service}" if account else service


def native_slo_name(cfg: EnvironmentConfig, service: str, sli: str) -> str:
    """``{app}-{env}-{service label}-{sli}``, the name of a service's Application Signals SLO: unique per account
    and region (a source-account service carries its account, as its alarms do), within Application Signals'
    pattern (letters, digits, ``-._`` and spaces, at most 128 characters). Stable: renaming replaces the SLO and
    loses its attainment history.

    Example
    -------
    >>> from config.loader import load_config
    >>> native_slo_name(load_config("prod"), "orders", "availability")
    'watchtower-prod-orders-availability'
    """
    return f"{cfg.app}-{cfg.env}-{service_label(cfg, service)}-{sli}"


def resource_name(cfg: EnvironmentConfig, *parts: str) -> str:
    """A physical name for any other resource: ``{app}-{env}-{part}-...``."""
    return "-".join([cfg.app, cfg.env, *(name_part(p) for p in parts)])


def runbook_url(base_url: str, family: str) -> str:
    """``<base>/<family>.md``: docs/runbooks/<family>.md must exist (a test checks it)."""
    return f"{base_url.rstrip('/')}/{family}.md"


def describe(summary: str, url: str) -> str:
    """A description that says what breached and ends with the runbook link, within CloudWatch's 1024 chars."""
    tail = f". Runbook: {url}"
    return summary[: MAX_DESCRIPTION - len(tail)] + tail
