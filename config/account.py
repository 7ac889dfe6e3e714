"""``account_signals:``: alarms on what the whole account and region shares, per environment.

Lambda's concurrency quota is one pool for every function of the account in a region, and SES reputation is
one score for every sender of the account: no service owns them, and each can stop every service at once.
"""
from __future__ import annotations

from pydantic import Field

from config.base import StrictModel
from config.services import Overrides

__all__ = ["AccountSignalsConfig"]


class AccountSignalsConfig(StrictModel):
    """Account-level alarms of the environment's home region (they reach people through a warning composite)."""

    enabled: bool = Field(default=True, description="alarm on the account-level signals; default true")
    lambda_concurrency_quota: int = Field(
        default=1000, ge=10, le=10_000_000,
        description="the account's Lambda concurrency quota in the home region, which AccountConcurrency alarms "
                    "near; default 1000 (AWS's default). Read yours in the Service Quotas console (AWS Lambda, "
                    "'Concurrent executions') or with `aws lambda get-account-settings` "
                    "(AccountLimit.ConcurrentExecutions)")
    ses: bool | None = Field(
        default=None,
        description="alarm on the account's SES reputation (Reputation.BounceRate, Reputation.ComplaintRate); "
                    "default: on when any service lists ses_configuration_sets, else off")
    overrides: Overrides = Field(
        default_factory=dict,
        description="changes to the account families' defaults (AccountConcurrency, SesBounceRate, "
                    "SesComplaintRate), keyed Family or Family.severity like a service's overrides; default none")
