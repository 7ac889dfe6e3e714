"""Which services of an environment one account and/or region holds: what ``make plan|cost|simulate ACCOUNT=..
REGION=..`` restrict their output to.

An account is named as in ``organization.accounts`` or by its 12-digit id (the monitoring account's id selects
the services that run in the environment's own account, those without ``account:``). A region is one the
environment uses: ``organization.regions`` and its own, or, without an organization, its own region only. A
name that is not one of them is one line naming the known ones.

Example
-------
>>> from config.loader import load_config
>>> scope_services(load_config("prod"), None, "eu-west-1")[:2]
('orders', 'payments')
>>> scope_services(load_config("prod"), "shop", None)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
plan.scope.ScopeError: prod has no organization: section, so every service runs in its own account and ...
"""
from __future__ import annotations

import re

from config.errors import InputError
from config.schema import EnvironmentConfig

__all__ = ["ScopeError", "scope_services", "scope_label", "known_regions"]

_ACCOUNT_ID = re.compile(r"^\d{12}$")


class ScopeError(InputError):
    """An account or region that the environment does not use; the message names the ones it does."""


def known_regions(cfg: EnvironmentConfig) -> tuple[str, ...]:
    """The regions ``cfg``'s services can run in, its own first.

    Example
    -------
    >>> from config.loader import load_config
    >>> known_regions(load_config("prod"))
    ('eu-west-1',)
    """
    if cfg.organization is not None:
        return cfg.organization.all_regions(cfg.region)
    return (cfg.region,) if cfg.region else ()


def _accounts(cfg: EnvironmentConfig, account: str) -> set[str | None]:
    """The ``account:`` values that ``account`` (a name or an id) selects; None is the environment's own."""
    org = cfg.organization
    if org is None:
        raise ScopeError(f"{cfg.env} has no organization: section, so every service runs in its own account and "
                         "there are no accounts to choose from; leave ACCOUNT out")
    if account in org.accounts:
        return {account}
    if _ACCOUNT_ID.match(account):
        if account == org.monitoring_account:
            return {None}
        named = [name for name, account_id in org.accounts.items() if account_id == account]
        if named:
            return {named[0]}
    known = ", ".join(org.accounts) or "none listed"
    raise ScopeError(f"unknown account '{account}' in {cfg.env}: the accounts are {known} (or an account id; "
                     f"{org.monitoring_account}, the monitoring account, selects the services without account:)")


def scope_services(cfg: EnvironmentConfig, account: str | None, region: str | None) -> tuple[str, ...]:
    """Names of the services of ``cfg`` in ``account`` (a name or id) and ``region`` (None: any), config order.

    Example
    -------
    >>> from config.loader import load_config
    >>> scope_services(load_config("prod"), None, "us-east-1")
    Traceback (most recent call last):
    ...
    plan.scope.ScopeError: unknown region 'us-east-1' in prod: its services run in eu-west-1
    """
    wanted = _accounts(cfg, account) if account is not None else None
    if region is not None:
        regions = known_regions(cfg)
        if not regions:
            raise ScopeError(f"{cfg.env} sets no region: its services run wherever it is deployed, so there is no "
                             "region to choose; leave REGION out")
        if region not in regions:
            raise ScopeError(f"unknown region '{region}' in {cfg.env}: its services run in {', '.join(regions)}")
    return tuple(s.name for s in cfg.services
                 if (wanted is None or s.account in wanted) and (region is None or (s.region or cfg.region) == region))


def scope_label(account: str | None, region: str | None) -> str:
    """How a restricted output names what it shows.

    Example
    -------
    >>> scope_label("shop", "us-east-1")
    'account shop, region us-east-1'
    """
    return ", ".join(part for part in (f"account {account}" if account else "",
                                       f"region {region}" if region else "") if part)
