"""The stack tag that marks a deployed stack as this app's, per environment (no CDK import: tools read it too).

``make prune`` lists deployed stacks whose name starts with ``<app>-<env>-`` AND carry this tag with the
environment's value, so a stack of another app that happens to share the name prefix is never touched.
"""
from __future__ import annotations

from config.schema import EnvironmentConfig

__all__ = ["APP_TAG", "app_tag_value", "stack_prefix"]

APP_TAG = "watchtower:app-env"


def app_tag_value(cfg: EnvironmentConfig) -> str:
    """The value of APP_TAG on the stacks of ``cfg``: ``<app>/<env>``.

    Example
    -------
    >>> from config.loader import load_config
    >>> app_tag_value(load_config("prod"))
    'watchtower/prod'
    """
    return f"{cfg.app}/{cfg.env}"


def stack_prefix(cfg: EnvironmentConfig) -> str:
    """Every stack name of ``cfg`` starts with this (stacks/naming.py's ``stack_name``).

    Example
    -------
    >>> from config.loader import load_config
    >>> stack_prefix(load_config("prod"))
    'watchtower-prod-'
    """
    return f"{cfg.app}-{cfg.env}-"
