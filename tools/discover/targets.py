"""Where discovery looks: the accounts and regions of an environment, and the role it assumes in each.

Without an organization: the caller's own account, in the environment's region. The engine takes a list of
``Target`` whatever builds it, so the organization's accounts and regions plug in here.

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
    """The targets of ``cfg`` for a caller in ``caller_account``; InputError when there is no region."""
    region = cfg.region or default_region
    if region is None:
        raise InputError(f"config/{cfg.env}.yaml sets no region and the credentials name none: set region: or "
                         "AWS_REGION")
    account = cfg.account or caller_account
    role = None
    if account != caller_account:
        raise InputError(f"config/{cfg.env}.yaml is for account {account} but the credentials are for "
                         f"{caller_account}: use credentials of that account")
    services = [s.name for s in cfg.services if s.discover]
    return TargetPlan(targets=(Target(account, region, role_arn=role),), homes={s: (account, region) for s in services})
