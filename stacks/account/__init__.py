"""Account-level alarms: what every service of the account and region shares (Lambda's concurrency quota, SES
reputation), rolled into one composite that reaches people."""
from stacks.account.signals import AccountSignalAlarms

__all__ = ["AccountSignalAlarms"]
