"""The account-level signals of one environment, as plain data: which catalog families apply, their resolved
thresholds and the one metric each reads (CloudWatch namespace, name, statistic, and the factor from the
catalog's unit to the metric's).

Example
-------
>>> from config.loader import load_config
>>> [(s.family, s.threshold.value * s.scale) for s in account_signals(load_config("prod"))]
[('AccountConcurrency', 900.0)]
"""
from __future__ import annotations

from dataclasses import dataclass

from config.schema import EnvironmentConfig
from plan.catalog import ACCOUNT, CATALOG, Threshold, resolve_threshold

__all__ = ["AccountSignal", "account_signals", "ses_in_use", "ACCOUNT_SERVICE"]

ACCOUNT_SERVICE = "account"  # the service segment of these alarms' names (no service owns them)
# family -> (namespace, metric, statistic); none has dimensions: each is the account's, in its region.
_METRICS = {
    "AccountConcurrency": ("AWS/Lambda", "ClaimedAccountConcurrency", "Maximum"),
    "SesBounceRate": ("AWS/SES", "Reputation.BounceRate", "Average"),
    "SesComplaintRate": ("AWS/SES", "Reputation.ComplaintRate", "Average"),
}


@dataclass(frozen=True)
class AccountSignal:
    """One account-level alarm: the alarm threshold is ``threshold.value * scale`` in the metric's unit."""

    family: str
    severity: str
    threshold: Threshold
    namespace: str
    metric: str
    statistic: str
    scale: float


def ses_in_use(cfg: EnvironmentConfig) -> bool:
    """``account_signals.ses`` when set, else whether any service lists an SES configuration set.

    Example
    -------
    >>> from config.loader import load_config
    >>> ses_in_use(load_config("prod"))
    False
    """
    if cfg.account_signals.ses is not None:
        return cfg.account_signals.ses
    return any(getattr(s.resources, "ses_configuration_sets", ()) for s in cfg.services)


def account_signals(cfg: EnvironmentConfig) -> list[AccountSignal]:
    """Every enabled account-level alarm of ``cfg``, in catalog order (empty when account_signals is off)."""
    if not cfg.account_signals.enabled:
        return []
    quota = cfg.account_signals.lambda_concurrency_quota
    scales = {"AccountConcurrency": quota / 100.0,  # % of the quota -> claimed concurrency
              "SesBounceRate": 0.01, "SesComplaintRate": 0.01}  # % -> SES's 0..1 rates
    wanted = {"AccountConcurrency"} | ({"SesBounceRate", "SesComplaintRate"} if ses_in_use(cfg) else set())
    signals = []
    for family, row in CATALOG.items():
        if ACCOUNT not in row.kinds or family not in wanted:
            continue
        for severity in row.thresholds:
            threshold = resolve_threshold(family, severity, cfg.account_signals.overrides)
            if threshold is not None:
                namespace, metric, statistic = _METRICS[family]
                signals.append(AccountSignal(family, severity, threshold, namespace, metric, statistic,
                                             scales[family]))
    return signals
