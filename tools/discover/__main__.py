"""``python -m tools.discover ENV|path/to/ENV.yaml``: discover by tag and write config/discovered/ENV.yaml.

Needs credentials (read-only calls only). Exit 0 when the lock file is written or already up to date, 1 when
AWS could not be read (one line per account and region; no file is written), 2 when the config is wrong.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from config.discovery import DEFAULT_TAG_KEY, LOCK_SCHEMA_VERSION, LockFile, lock_path
from config.errors import InputError
from config.loader import CONFIG_DIR, ConfigError, load_config, load_config_and_notes
from tools.discover.engine import Discovered, DiscoverError, _guarded, discover
from tools.discover.lock import header, write_lock
from tools.discover.targets import plan_targets

__all__ = ["main", "lock_content"]


def lock_content(env: str, tag_key: str, found: Discovered) -> dict[str, Any]:
    """The lock file's content, in its stable order (services by name, kinds and resources sorted)."""
    services = {}
    for name in sorted(found.services):
        service = found.services[name]
        entry: dict[str, Any] = {}
        if service.get("account"):
            entry["account"] = service["account"]
        entry["account_id"] = service["account_id"]
        entry["region"] = service["region"]
        entry["resources"] = {kind: service["resources"][kind] for kind in sorted(service["resources"])}
        services[name] = entry
    return {"schema_version": LOCK_SCHEMA_VERSION, "env": env, "tag_key": tag_key, "services": services}


def _fail(lines: list[str], code: int) -> int:
    for line in lines:
        print(f"discover: {line}", file=sys.stderr)
    return code


def main(argv: list[str], session: boto3.Session | None = None) -> int:
    if len(argv) != 1:
        print("usage: python -m tools.discover ENV|path/to/ENV.yaml", file=sys.stderr)
        return 2
    target = Path(argv[0])
    env, config_dir = (target.stem, target.parent) if target.suffix == ".yaml" else (argv[0], CONFIG_DIR)
    try:
        cfg = load_config(env, config_dir, lock=False)
    except ConfigError as exc:
        return _fail([f"config error: {line}" for line in exc.lines], 2)
    services = [s.name for s in cfg.services if s.discover]
    tag_key = cfg.organization.discovery_tag_key if cfg.organization else DEFAULT_TAG_KEY
    if not services:
        return _fail([f"no service of {env}.yaml has discover: true: nothing to discover"], 2)
    session = session or boto3.Session()
    try:
        identity = _guarded(session).client("sts").get_caller_identity()
    except NoCredentialsError:
        return _fail(["no AWS credentials found: discovery reads live accounts (set AWS_PROFILE or the AWS_* "
                      "variables)"], 1)
    except (ClientError, BotoCoreError) as exc:
        return _fail([f"cannot read the caller's identity: {exc}"], 1)
    try:
        plan = plan_targets(cfg, identity["Account"], identity["Arn"].split(":")[1], session.region_name)
        found = discover(session, plan.targets, services, tag_key, plan.homes)
    except DiscoverError as exc:
        return _fail(exc.lines, 1)
    except InputError as exc:
        return _fail(exc.lines, 2)
    for name, account in plan.account_names.items():
        found.services[name]["account"] = account
    content = lock_content(env, tag_key, found)
    LockFile.model_validate(content)  # what the loader reads back; a failure here is a bug, with its traceback
    path = lock_path(config_dir, env)
    try:
        notes = _check_with_lock(env, config_dir, content)
    except ConfigError as exc:
        return _fail([f"not written: the config would not load with what was found: {line}" for line in exc.lines]
                     + [f"  {note}" for note in found.notes], 1)
    written = write_lock(path, content, header(env, tag_key, identity["Arn"]))
    count = sum(len(items) for s in content["services"].values() for items in s["resources"].values())
    shown = _display(path)
    print(f"{shown}: {'written' if written else 'unchanged'}: {count} resource(s) of {len(services)} service(s) "
          f"from {len(plan.targets)} account/region(s)")
    for note in found.notes + notes:
        print(f"note: {note}")
    return 0


def _check_with_lock(env: str, config_dir: Path, content: dict[str, Any]) -> list[str]:
    """Load the config with the new lock from a scratch copy, so a lock that breaks the config is never
    written (and the repository is never touched by a failed run); returns the merge notes."""
    from tools.discover.lock import body

    with tempfile.TemporaryDirectory(prefix="discover-") as scratch:
        shutil.copy(Path(config_dir) / f"{env}.yaml", Path(scratch) / f"{env}.yaml")
        lock = lock_path(Path(scratch), env)
        lock.parent.mkdir()
        lock.write_text(body(content), encoding="utf-8")
        _, notes = load_config_and_notes(env, Path(scratch))
    return [note.replace(str(Path(scratch)) + "/", "") for note in notes]


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
