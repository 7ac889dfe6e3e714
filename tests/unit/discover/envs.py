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
