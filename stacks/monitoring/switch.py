"""``python -m stacks.monitoring.switch ENV on|off [REASON]``: flip the manual maintenance switch of ENV.

Sets the environment's maintenance alarm (stacks/monitoring/maintenance.py) to ALARM (on: every composite that
reaches people holds its notifications) or OK (off: what is still in ALARM notifies after the suppressor's
extension period). The alarm ignores missing data, so the state stays until flipped back. Every extra canary
region has its own copy of the alarm (alarms cannot suppress across regions); all of them are flipped, the home
region first. Needs AWS credentials for the environment's account; prints one line and exits 2 on any problem.
"""
from __future__ import annotations

import sys
from typing import Any

from config.loader import ConfigError, load_config
from plan.regions import alert_regions
from stacks.monitoring.maintenance import maintenance_alarm_name

__all__ = ["flip", "main", "SwitchError"]

_STATES = {"on": "ALARM", "off": "OK"}


class SwitchError(Exception):
    """The switch could not be flipped; the message is one line."""


def flip(env: str, state: str, reason: str = "", client: Any = None, client_for: Any = None) -> str:
    """Set ENV's maintenance alarm for ``state`` (on/off) in its region and every extra canary region; returns
    the alarm name. ``client`` is the home region's CloudWatch client, ``client_for(region)`` makes the others.

    Example
    -------
    >>> class CloudWatch:  # stands in for boto3's client: the alarm exists, its state is set
    ...     def describe_alarms(self, AlarmNames): return {"MetricAlarms": [{"AlarmName": AlarmNames[0]}]}
    ...     def set_alarm_state(self, **kwargs): pass
    >>> flip("dev", "on", "database failover drill", client=CloudWatch(), client_for=lambda region: CloudWatch())
    'watchtower-dev-all-maintenance-Maintenance-info'
    """
    if state not in _STATES:
        raise SwitchError(f"state must be on or off, got '{state}'")
    try:
        cfg = load_config(env)
    except ConfigError as exc:
        raise SwitchError(exc.lines[0]) from None
    name = maintenance_alarm_name(cfg)
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    client_for = client_for or (lambda region: boto3.client("cloudwatch", region_name=region))
    extra = alert_regions(cfg)  # every other region with alarms has its own switch (its Alerting-<region> stack)
    targets: list[tuple[str | None, Any]] = [(None, client or boto3.client("cloudwatch", region_name=cfg.region))]
    targets += [(region, client_for(region)) for region in extra]
    for region, cloudwatch in targets:
        alarm = maintenance_alarm_name(cfg, region)
        where = "this account/region" if region is None else region
        try:
            if not cloudwatch.describe_alarms(AlarmNames=[alarm])["MetricAlarms"]:
                raise SwitchError(f"alarm {alarm} does not exist in {where}: deploy {cfg.app}-{env} first")
            cloudwatch.set_alarm_state(
                AlarmName=alarm,
                StateValue=_STATES[state],
                StateReason=(reason or f"maintenance switched {state} by make maintenance")[:1023],
            )
        except (ClientError, BotoCoreError) as exc:
            raise SwitchError(f"could not set {alarm} in {where}: {exc}") from None
    return name


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print("usage: python -m stacks.monitoring.switch ENV on|off [REASON]", file=sys.stderr)
        return 2
    try:
        name = flip(argv[0], argv[1], argv[2] if len(argv) == 3 else "")
    except SwitchError as exc:
        print(f"maintenance: {exc}", file=sys.stderr)
        return 2
    print(f"maintenance {argv[1]}: {name} is now {_STATES[argv[1]]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
