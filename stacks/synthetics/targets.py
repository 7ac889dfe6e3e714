"""Which canaries an environment runs: every service with a ``canary:`` section, with its base URL."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from config.loader import ConfigError
from config.schema import EnvironmentConfig
from config.telemetry import CanaryConfig

__all__ = ["CanaryTarget", "canary_targets"]


@dataclass(frozen=True)
class CanaryTarget:
    """One service's canary and the URL it checks; ``base_url_parameter`` names an SSM parameter holding the URL
    when another stack of the app creates the service (read at deploy time, so no export ties the stacks)."""

    service: str
    config: CanaryConfig
    base_url: str
    base_url_parameter: str | None = None


def canary_targets(cfg: EnvironmentConfig, supplied_urls: Mapping[str, str] | None = None,
                   extra: Mapping[str, CanaryConfig] | None = None,
                   url_parameters: Mapping[str, str] | None = None) -> list[CanaryTarget]:
    """The canaries of ``cfg``: configured services first, then ``extra`` ones (e.g. the demo service).

    ``supplied_urls`` (service -> URL) fills in ``base_url`` for services the environment deploys itself;
    ``url_parameters`` (service -> SSM parameter name) does the same through a parameter read at deploy time.

    Raises
    ------
    ConfigError
        One line per service whose canary has no URL from config or from the environment.

    Example
    -------
    >>> from config.loader import load_config
    >>> cfg = load_config("prod")
    >>> [t.service for t in canary_targets(cfg)]
    ['orders']
    """
    supplied = dict(supplied_urls or {})
    parameters = dict(url_parameters or {})
    extra = dict(extra or {})
    wanted = [(s.name, s.canary) for s in cfg.services if s.canary is not None and s.name not in extra]
    wanted += list(extra.items())
    targets, problems = [], []
    for service, canary in wanted:
        url = supplied.get(service) or canary.base_url
        if not url and service not in parameters:
            problems.append(f"services.{service}.canary.base_url: required (https://host[/prefix] of the service)")
            continue
        targets.append(CanaryTarget(service, canary, url or "", parameters.get(service)))
    if problems:
        raise ConfigError(problems)
    return targets
