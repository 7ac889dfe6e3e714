"""Discovery by tag: the lock file ``config/discovered/<env>.yaml`` and how the loader merges it.

``make discover ENV=..`` (tools/discover) lists, in the accounts and regions the environment watches, the
resources tagged ``<tag_key>: <service name>`` (``tag_key`` is ``organization.discovery_tag_key``, default
``service``) of every service with ``discover: true``, reads what their alarms
need (function timeouts, stream sources, queue redrive policies, API stages) and writes what it found to the lock
file. Synth reads that file offline and never calls AWS, so a deploy is reproducible from the repository.

Merging: the lock's resources join the service's listed ones. A resource listed by hand under the same name (same
kind) wins field by field: what the listing sets is used, what it leaves out is taken from the lock. Where both
set a field to different values, the listed value is used and the difference is reported as a note (printed by
``python -m config validate``, hence by ``make synth``, and by ``make discover``), never silently.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError

from config.base import StrictModel
from config.services import RESOURCE_KINDS, ServiceResources

__all__ = ["DiscoveredService", "LockFile", "LockError", "LOCK_SCHEMA_VERSION", "LOCK_DIR", "DEFAULT_TAG_KEY",
           "lock_path", "read_lock", "merge_lock", "tag_key_of", "check_placement"]

LOCK_SCHEMA_VERSION = 1
LOCK_DIR = "discovered"  # under config/
DEFAULT_TAG_KEY = "service"  # organization.discovery_tag_key changes it


class LockError(ValueError):
    """The lock file could not be used; ``lines`` holds one line per problem."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = list(lines)


class DiscoveredService(StrictModel):
    """Where one service's resources were found, and the resources."""

    account: str | None = Field(default=None, description="the organization's name of the account, if any")
    account_id: str = Field(pattern=r"^\d{12}$")
    region: str = Field(pattern=r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
    resources: ServiceResources = ServiceResources()


class LockFile(StrictModel):
    """The content of ``config/discovered/<env>.yaml`` (the header comment aside)."""

    schema_version: Literal[1]
    env: str
    tag_key: str
    services: dict[str, DiscoveredService] = {}


def lock_path(config_dir: Path, env: str) -> Path:
    """Where the lock file of ``env`` lives.

    Example
    -------
    >>> lock_path(Path("config"), "prod").as_posix()
    'config/discovered/prod.yaml'
    """
    return Path(config_dir) / LOCK_DIR / f"{env}.yaml"


def read_lock(path: Path, shown: str | None = None) -> LockFile | None:
    """The lock file at ``path`` (None when there is none); LockError with one line per problem."""
    shown = shown or str(path)
    if not path.is_file():
        return None
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise LockError([f"{shown}: not a readable YAML file ({type(exc).__name__}); run make discover again"]) \
            from None
    if isinstance(raw, dict) and raw.get("schema_version") != LOCK_SCHEMA_VERSION:
        raise LockError([f"{shown}: schema_version {raw.get('schema_version')!r} is not the one this version "
                         f"reads ({LOCK_SCHEMA_VERSION}): run make discover again"])
    try:
        return LockFile.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()))
            lines.append(f"{shown}: {where}: {err['msg'].removeprefix('Value error, ')}; run make discover again")
        raise LockError(lines) from None


def tag_key_of(raw: dict[str, Any]) -> str:
    """The discovery tag key a config's YAML mapping sets (organization.discovery_tag_key), else the default."""
    organization = raw.get("organization")
    key = organization.get("discovery_tag_key") if isinstance(organization, dict) else None
    return key if isinstance(key, str) else DEFAULT_TAG_KEY


def check_placement(lock: LockFile, placements: dict[str, tuple[str | None, str | None]], shown_lock: str,
                    env: str) -> list[str]:
    """One line per locked service the config now places elsewhere (account id, region; None: not known
    offline) than where its resources were found: the lock is stale, its metrics would be read in the wrong place.

    Example
    -------
    >>> found = LockFile(schema_version=1, env="lab", tag_key="service", services={"orders": DiscoveredService(
    ...     account_id="111111111111", region="us-east-1")})
    >>> line, = check_placement(found, {"orders": ("111111111111", "eu-west-1")}, "lab.yaml", "lab")
    >>> line.split(", but ")[0]
    'lab.yaml: service orders was discovered in account 111111111111 us-east-1'
    """
    lines = []
    for name, (account_id, region) in sorted(placements.items()):
        found = lock.services.get(name)
        if found is None:
            continue
        if (account_id is not None and account_id != found.account_id) or (region is not None
                                                                             and region != found.region):
            lines.append(f"{shown_lock}: service {name} was discovered in account {found.account_id} "
                         f"{found.region}, but the config now places it in account {account_id or 'any'} "
                         f"{region or 'any region'}: run make discover ENV={env} again")
    return lines


def _listed_name(kind: str, item: Any) -> str | None:
    """The name a listed resource resolves to (an ARN is reduced as the model does), None when it is invalid:
    the config's own validation then reports it."""
    model = ServiceResources.model_fields[kind].annotation.__args__[0]  # type: ignore[union-attr]
    try:
        return str(model.model_validate(item).name)
    except ValidationError:
        return None


def merge_lock(raw: dict[str, Any], lock: LockFile, shown_config: str, shown_lock: str) -> tuple[dict, list[str]]:
    """``raw`` (the config's YAML mapping) with each ``discover: true`` service's locked resources added.

    Returns the new mapping and the notes: one line per field both the listing and the lock set differently
    (the listing wins) and per locked service the config no longer discovers. ``raw`` itself is not changed.
    """
    notes: list[str] = []
    services = raw.get("services")
    if not isinstance(services, list):
        return raw, notes
    merged_services = []
    discovering = set()
    for service in services:
        if not (isinstance(service, dict) and service.get("discover") is True and service.get("name") in lock.services):
            merged_services.append(service)
            continue
        name = service["name"]
        discovering.add(name)
        found = lock.services[name].resources.model_dump(mode="json", exclude_unset=True)
        given_resources = service.get("resources")
        listed: dict[str, Any] = given_resources if isinstance(given_resources, dict) else {}
        resources = dict(listed)
        for kind in RESOURCE_KINDS:
            locked = found.get(kind) or []
            if not locked:
                continue
            items = list(listed.get(kind) or []) if isinstance(listed.get(kind) or [], list) else []
            by_name = {_listed_name(kind, item): i for i, item in enumerate(items)}
            for entry in locked:
                entry = {k: v for k, v in entry.items() if k != "overrides" or v}
                index = by_name.get(entry["name"])
                if index is None:
                    items.append(entry)
                    continue
                given = items[index] if isinstance(items[index], dict) else {"name": items[index]}
                for key, value in entry.items():
                    if key in given and key != "name" and given[key] != value:
                        notes.append(f"{shown_config}: service {name}: {kind} '{entry['name']}': {key} is "
                                     f"{given[key]!r} there and {value!r} in {shown_lock}; the listed value is used")
                items[index] = {**entry, **given}
            resources[kind] = items
        merged_services.append({**service, "resources": resources})
    for name in sorted(set(lock.services) - discovering):
        notes.append(f"{shown_lock}: service {name} is locked but no service of {shown_config} named so has "
                     "discover: true; it is ignored (run make discover again to drop it)")
    return {**raw, "services": merged_services}, notes
