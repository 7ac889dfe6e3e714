"""``python -m stacks.monitoring.switch ENV on|off [REASON]``: flip the manual maintenance switch of ENV.

Sets the environment's maintenance alarm (stacks/monitoring/maintenance.py) to ALARM (on: paging composites
hold their notifications) or OK (off). The alarm ignores missing data, so the state stays until flipped back.
Needs AWS credentials for the environment's account; prints one line and exits 2 on any problem.
"""
from __future__ import annotations

import sys
from typing import Any

from config.loader import ConfigError, load_config
from stacks.monitoring.maintenance import maintenance_alarm_name

__all__ = ["flip", "main", "SwitchError"]

_STATES = {"on": "ALARM", "off": "OK"}


class SwitchError(Exception):
    """The switch could not be flipped; the message is one line."""


def flip(env: str, state: str, reason: str = "", client: Any = None) -> str:
    """Set ENV's maintenance alarm for ``state`` (on/off); returns the alarm name.

    Example
    -------
    >>> flip("prod", "on", "database failover drill")  # doctest: +SKIP
    'watchtower-prod-all-maintenance-Maintenance-info'
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

    client = client or boto3.client("cloudwatch", region_name=cfg.region)
    try:
        if not client.describe_alarms(AlarmNames=[name])["MetricAlarms"]:
            raise SwitchError(f"alarm {name} does not exist in this account/region: deploy {cfg.app}-{env} first")
        client.set_alarm_state(AlarmName=name, StateValue=_STATES[state],
                               StateReason=(reason or f"maintenance switched {state} by make maintenance")[:1023])
    except (ClientError, BotoCoreError) as exc:
        raise SwitchError(f"could not set {name}: {exc}") from None
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
