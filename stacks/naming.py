"""Names of stacks and SSM parameters. Alarm and resource names are made in plan/naming.py (re-exported here),
so the plan and the stacks spell them alike. Names are stable across deploys: renaming an alarm replaces it and
loses its history, so change these functions only with a migration in mind."""
from __future__ import annotations

from config.schema import EnvironmentConfig
from plan.naming import alarm_name, name_part as _part, resource_name, service_label

__all__ = ["stack_name", "alarm_name", "resource_name", "ssm_path", "service_label"]


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
