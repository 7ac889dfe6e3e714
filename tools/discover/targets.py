"""Where discovery looks: the accounts and regions of an environment, and the role it assumes in each.

With an organization: the monitoring account and each named source account, in each of its regions, through
the role it names (source_role_name). Without one: the caller's own account, in the environment's region.

Example
-------
>>> from config.loader import load_config
>>> plan = plan_targets(load_config("dev", lock=False), caller_account="123456789012", partition="aws",
...                     default_region="us-east-1")
>>> [t.label for t in plan.targets]
['account 123456789012 us-east-1']
"""
from __future__ import annotations

from dataclasses import dataclass, field

from config.errors import InputError
from config.schema import EnvironmentConfig
from tools.discover.engine import Target

__all__ = ["TargetPlan", "plan_targets"]


@dataclass(frozen=True)
class TargetPlan:
    """The targets to search, and per discovered service the (account id, region) it is monitored in."""

    targets: tuple[Target, ...]
    homes: dict[str, tuple[str, str]] = field(default_factory=dict)
    account_names: dict[str, str] = field(default_factory=dict)


def plan_targets(cfg: EnvironmentConfig, caller_account: str, partition: str,
                 default_region: str | None) -> TargetPlan:
    """The targets of ``cfg`` for a caller in ``caller_account``; InputError (one line) when they cannot be made.

    With an organization: the monitoring account and every named source account, in every region of the
    organization; the role ``organization.source_role_name`` is assumed in each account but the caller's own.
    Without one: the caller's account (which must be the config's ``account:`` if it sets one), in the region.
    """
    shown = f"config/{cfg.env}.yaml"
    region = cfg.region or default_region
    if region is None:
        raise InputError(f"{shown} sets no region and the credentials name none: set region: or AWS_REGION")
    discovered = [s for s in cfg.services if s.discover]
    org = cfg.organization
    if org is None:
        account = cfg.account or caller_account
        if account != caller_account:
            raise InputError(f"{shown} is for account {account} but the credentials are for {caller_account}: "
                             "use credentials of that account (or an organization: section with its role)")
        return TargetPlan(targets=(Target(account, region),),
                          homes={s.name: (account, s.region or region) for s in discovered})
    accounts: dict[str | None, str] = {None: org.monitoring_account}
    accounts.update(org.accounts)
    targets = tuple(
        Target(account_id, target_region, account=name,
               role_arn=None if account_id == caller_account else
               f"arn:{partition}:iam::{account_id}:role/{org.source_role_name}")
        for name, account_id in accounts.items() for target_region in org.all_regions(region))
    homes = {s.name: (accounts[s.account], s.region or region) for s in discovered}
    names = {s.name: s.account for s in discovered if s.account}
    return TargetPlan(targets=targets, homes=homes, account_names=names)
