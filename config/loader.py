"""Load ``config/<env>.yaml`` into an EnvironmentConfig, turning every problem into one readable line."""
from __future__ import annotations

import re
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from config.base import ENV_NAME, ENV_NAME_RULE, SECRET_NAME, SECRET_NAME_RULE, looks_like_a_secret
from config.discovery import LockError, LockFile, check_placement, lock_path, merge_lock, read_lock, tag_key_of
from config.errors import InputError
from config.schema import EnvironmentConfig

__all__ = ["ConfigError", "load_config", "load_config_and_notes", "known_environments", "looks_like_a_secret",
           "CONFIG_DIR"]

CONFIG_DIR = Path(__file__).resolve().parent
_ENV_NAME = re.compile(ENV_NAME)
# Pydantic's words for a wrong type, in the words of a YAML file.
_TYPE_WORDS = {
    "tuple_type": "must be a list", "list_type": "must be a list", "set_type": "must be a list",
    "dict_type": "must be a mapping of keys to values", "model_type": "must be a mapping of keys to values",
    "model_attributes_type": "must be a mapping of keys to values",
    "string_type": "must be text", "int_type": "must be a whole number", "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number", "float_type": "must be a number", "float_parsing": "must be a number",
    "bool_type": "must be true or false", "bool_parsing": "must be true or false",
    "missing": "is required",
}
_BOUND_WORDS = {
    "greater_than_equal": "must be at least {ge}", "greater_than": "must be more than {gt}",
    "less_than_equal": "must be at most {le}", "less_than": "must be less than {lt}",
    "string_too_short": "must have at least {min_length} character(s)",
    "string_too_long": "must have at most {max_length} characters", "literal_error": "must be {expected}",
    "too_short": "must have at least {min_length} item(s)", "too_long": "must have at most {max_length} items",
}
# Patterns described in words (a regex is no help to a reader).
_PATTERN_WORDS = {SECRET_NAME: SECRET_NAME_RULE, ENV_NAME: ENV_NAME_RULE}


class ConfigError(InputError):
    """Config could not be loaded. ``lines`` holds one human-readable line per problem."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self._lines = list(lines)

    @property
    def lines(self) -> list[str]:
        return self._lines


def known_environments(config_dir: Path = CONFIG_DIR) -> list[str]:
    """Names of the environments that have a YAML file, sorted.

    Example
    -------
    >>> known_environments()
    ['dev', 'prod', 'staging']
    """
    return sorted(p.stem for p in config_dir.glob("*.yaml") if _ENV_NAME.match(p.stem) and 2 <= len(p.stem) <= 12)


def load_config(env_name: str, config_dir: Path | None = None, *, lock: bool = True) -> EnvironmentConfig:
    """Read and validate the config of ``env_name``, with the resources discovered by tag (``lock=False``
    leaves the lock file out, as make discover reads the config before it knows them).

    Raises ConfigError with one line per problem: the file, the field path, the bad value and what is allowed.

    Example
    -------
    >>> load_config("dev").env
    'dev'
    """
    return load_config_and_notes(env_name, config_dir, lock=lock)[0]


def load_config_and_notes(env_name: str, config_dir: Path | None = None, *,
                          lock: bool = True) -> tuple[EnvironmentConfig, list[str]]:
    """``load_config`` and the notes of merging the lock file: where a listed resource and the discovered one
    disagree (the listed value is used), and locked services the config no longer discovers."""
    config_dir = Path(config_dir) if config_dir else CONFIG_DIR
    if not config_dir.is_dir():  # a mistyped CONFIG_DIR would otherwise read as "no environments known"
        raise ConfigError([f"{_display(config_dir)}: no such config directory (CONFIG_DIR names a folder of "
                           f"ENV.yaml files)"])
    known = known_environments(config_dir)
    if env_name not in known:
        if (config_dir / f"{env_name}.yaml").is_file():
            raise ConfigError([f"config/{env_name}.yaml: '{env_name}' is not a valid environment name: use "
                               f"{ENV_NAME_RULE}"])
        raise ConfigError([f"unknown environment '{env_name}': known environments are {', '.join(known)}"])
    path = config_dir / f"{env_name}.yaml"
    shown = _display(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except UnicodeDecodeError as exc:
        raise ConfigError([f"{shown}: not UTF-8 text (byte {exc.start}); a config is a UTF-8 YAML file"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise ConfigError([f"{shown}{where}: not valid YAML ({getattr(exc, 'problem', exc)})"]) from None
    if not isinstance(raw, dict):
        raise ConfigError([f"{shown}: the top level must be a mapping of keys, got {type(raw).__name__}"])
    if raw.get("env", env_name) != env_name:
        raise ConfigError([f"{shown}: env: '{raw.get('env')}' must match the file name ('{env_name}')"])
    notes: list[str] = []
    found = _read_lock(raw, config_dir, env_name, shown) if lock else None
    shown_lock = _display(lock_path(config_dir, env_name))
    if found is not None:
        raw, notes = merge_lock(raw, found, shown, shown_lock)
    try:
        # Without the lock, a discovered service may have no resources yet: make discover is about to find them.
        cfg = EnvironmentConfig.model_validate(raw, context=None if lock else {"discovery_pending": True})
    except ValidationError as exc:
        raise ConfigError([_describe(shown, err) for err in exc.errors()]) from None
    if found is not None:
        stale = check_placement(found, _placements(cfg), shown_lock, env_name)
        if stale:
            raise ConfigError(stale)
    return cfg, notes


def _read_lock(raw: dict, config_dir: Path, env_name: str, shown: str) -> LockFile | None:
    """The lock file config/discovered/ENV.yaml (None when there is none): a file, no AWS call."""
    path = lock_path(config_dir, env_name)
    shown_lock = _display(path)
    try:
        found = read_lock(path, shown_lock)
    except LockError as exc:
        raise ConfigError(exc.lines) from None
    tag_key = tag_key_of(raw)
    if found is not None and (found.env != env_name or found.tag_key != tag_key):
        raise ConfigError([f"{shown_lock}: was discovered for env '{found.env}' by tag '{found.tag_key}', but "
                           f"{shown} is env '{env_name}' with tag '{tag_key}': run make discover ENV={env_name}"])
    return found


def _placements(cfg: EnvironmentConfig) -> dict[str, tuple[str | None, str | None]]:
    """(account id, region) each discovered service runs in, as far as the config says offline."""
    org = cfg.organization
    placed: dict[str, tuple[str | None, str | None]] = {}
    for service in cfg.services:
        if not service.discover:
            continue
        account: str | None
        if org is not None:
            account = org.accounts[service.account] if service.account else org.monitoring_account
        else:
            account = cfg.account
        placed[service.name] = (account, service.region or cfg.region)
    return placed


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _describe(shown: str, err: ErrorDetails) -> str:
    loc = tuple(err.get("loc", ()))
    key_error = "[key]" in loc  # pydantic puts a bad mapping key's error under .../<key>/[key]
    loc = tuple(p for p in loc if p != "[key]")
    field_path = ".".join(str(p) for p in (loc[:-1] if key_error else loc))
    where = f"{shown}: {field_path}: " if field_path else f"{shown}: "
    if err["type"] == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        hint = f"; allowed keys here: {', '.join(allowed)}" if allowed else ""
        return f"{shown}: {field_path}: unknown key{hint}"
    value = err.get("input")
    # Only where a secret's NAME belongs: a URL given for runbook_base_url or a canary's base_url is no secret.
    secret_field = str(loc[-1] if loc else "").endswith("_secret") or err.get("ctx", {}).get("pattern") == SECRET_NAME
    secret = looks_like_a_secret(value) if secret_field else None
    if secret:
        # Never repeat it: the terminal and the CI log would keep it.
        return (f"{where}this looks like {secret}: store it in Secrets Manager and put the secret's name here "
                f"({SECRET_NAME_RULE})")
    message = err["msg"].removeprefix("Value error, ")
    if err["type"] == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern")
        message = f"must be {_PATTERN_WORDS[pattern]}" if pattern in _PATTERN_WORDS else \
            f"does not match the allowed pattern {pattern}"
    elif _TYPE_WORDS.get(err["type"]):
        message = _TYPE_WORDS[err["type"]]
    elif err["type"] in _BOUND_WORDS:
        message = _BOUND_WORDS[err["type"]].format(**err.get("ctx", {}))
    if key_error or err["type"] == "missing" or isinstance(value, (dict, list, tuple)) or secret:
        return f"{where}{message}"  # the message names what matters; a whole mapping or list would drown it
    shown_value = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
    return f"{where}{message} (got {shown_value})"


def _allowed_keys(loc: tuple) -> list[str]:
    """Field names of the model that sits at ``loc``, so an unknown-key error can list what is allowed."""
    model: Any = EnvironmentConfig
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or part not in model.model_fields:
            return []
        model = _inner_model(model.model_fields[part].annotation)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _inner_model(annotation: Any) -> Any:
    """The BaseModel inside Optional[...], tuple[..., ...] or list[...] annotations, else the annotation."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        inner = _inner_model(arg)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return inner
    return annotation
