"""Load ``config/<env>.yaml`` into an EnvironmentConfig, turning every problem into one readable line."""
from __future__ import annotations

import re
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from config.errors import InputError
from config.schema import EnvironmentConfig

__all__ = ["ConfigError", "load_config", "known_environments", "CONFIG_DIR"]

CONFIG_DIR = Path(__file__).resolve().parent
_ENV_NAME = re.compile(r"^[a-z][a-z0-9]{1,11}$")


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
    return sorted(p.stem for p in config_dir.glob("*.yaml") if _ENV_NAME.match(p.stem))


def load_config(env_name: str, config_dir: Path | None = None) -> EnvironmentConfig:
    """Read and validate the config of ``env_name``.

    Raises ConfigError with one line per problem: the file, the field path, the bad value and what is allowed.

    Example
    -------
    >>> load_config("dev").env
    'dev'
    """
    config_dir = Path(config_dir) if config_dir else CONFIG_DIR
    known = known_environments(config_dir)
    if env_name not in known:
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
    try:
        return EnvironmentConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError([_describe(shown, err) for err in exc.errors()]) from None


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _describe(shown: str, err: ErrorDetails) -> str:
    loc = tuple(err.get("loc", ()))
    field_path = ".".join(str(p) for p in loc) or "(top level)"
    if err["type"] == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        hint = f"; allowed keys here: {', '.join(allowed)}" if allowed else ""
        return f"{shown}: {field_path}: unknown key{hint}"
    message = err["msg"].removeprefix("Value error, ")
    if err["type"] == "string_pattern_mismatch":
        message = f"does not match the allowed pattern {err.get('ctx', {}).get('pattern')}"
    value = err.get("input")
    shown_value = "" if err["type"] == "missing" or isinstance(value, dict) else f" (got {value!r})"
    return f"{shown}: {field_path}: {message}{shown_value}"


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
