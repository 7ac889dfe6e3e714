"""The one place names are made. Names are stable across deploys: renaming an alarm replaces it and loses its
history, so change these functions only with a migration in mind."""
from __future__ import annotations

import re

from config.schema import EnvironmentConfig

__all__ = ["stack_name", "alarm_name", "resource_name", "ssm_path", "service_label"]

_UNSAFE = re.compile(r"[^A-Za-z0-9-]+")


def _part(value: str) -> str:
    """One name segment: characters other than letters, digits and '-' become '-'."""
    return _UNSAFE.sub("-", value).strip("-")


def stack_name(cfg: EnvironmentConfig, concern: str) -> str:
    """``<app>-<env>-<Concern>``.

    Example
    -------
    >>> from config.loader import load_config
    >>> cfg = load_config("dev")
    >>> stack_name(cfg, "Alerting")
    'watchtower-dev-Alerting'
    """
    return f"{cfg.app}-{cfg.env}-{_part(concern)}"


def alarm_name(cfg: EnvironmentConfig, service: str, resource: str, signal: str, severity: str) -> str:
    """``{app}-{env}-{service}-{resource}-{signal}-{severity}``.

    Example
    -------
    >>> from config.loader import load_config
    >>> cfg = load_config("prod")
    >>> alarm_name(cfg, "orders", "api", "HighErrorRate", "critical")
    'watchtower-prod-orders-api-HighErrorRate-critical'
    """
    return "-".join([cfg.app, cfg.env, _part(service_label(cfg, service)), _part(resource), _part(signal),
                     _part(severity)])


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


def resource_name(cfg: EnvironmentConfig, *parts: str) -> str:
    """A physical name for any other resource: ``{app}-{env}-{part}-...``.

    Example
    -------
    >>> from config.loader import load_config
    >>> cfg = load_config("dev")
    >>> resource_name(cfg, "alerts", "critical")
    'watchtower-dev-alerts-critical'
    """
    return "-".join([cfg.app, cfg.env, *(_part(p) for p in parts)])


def ssm_path(cfg: EnvironmentConfig, *parts: str) -> str:
    """An SSM parameter name under ``/<app>/<env>/``.

    Example
    -------
    >>> from config.loader import load_config
    >>> cfg = load_config("dev")
    >>> ssm_path(cfg, "topics", "critical-arn")
    '/watchtower/dev/topics/critical-arn'
    """
    return "/" + "/".join([cfg.app, cfg.env, *parts])
