"""Config files of the discovery tests, written into a temporary config directory."""
from __future__ import annotations

from pathlib import Path

import yaml

__all__ = ["BASE", "write_env"]

BASE = {
    "app": "wtlab", "env": "lab",
    "tags": {"Project": "watchtower", "Environment": "lab", "Owner": "platform-team", "CostCenter": "CC-1"},
    "notifications": {"critical": {"emails": ["oncall@example.com"]}},
    "powertools_layer_version": 27,
}


def write_env(config_dir: Path, services: list[dict], **extra) -> Path:
    """``config_dir/lab.yaml`` with ``services`` (and top-level ``extra``); returns its path."""
    config_dir.mkdir(parents=True, exist_ok=True)
    path = config_dir / "lab.yaml"
    path.write_text(yaml.safe_dump({**BASE, **extra, "services": services}, sort_keys=False))
    return path


MONITORING = "123456789012"  # moto's default account: the caller's own, so no role is assumed there


def org_env(config_dir: Path, services: list[dict] | None = None, app: str = "wtlab") -> Path:
    """``lab``: a monitoring account watching shop, payments and search in us-east-1 and eu-west-1, with
    orders, payments and search discovered by tag (moto_world.build_world creates their resources)."""
    from tests.unit.discover.moto_world import ACCOUNTS, REGIONS, ROLE

    services = services if services is not None else [
        {"name": "orders", "account": "shop", "discover": True},
        {"name": "payments", "account": "payments", "region": "eu-west-1", "discover": True},
        {"name": "search", "account": "search", "discover": True, "slo": None},
    ]
    return write_env(config_dir, services, app=app, account=MONITORING, region=REGIONS[0], organization={
        "monitoring_account": MONITORING, "accounts": dict(ACCOUNTS), "regions": list(REGIONS),
        "source_role_name": ROLE})
