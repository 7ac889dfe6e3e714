"""What an environment needs from its account, worked out from its config (and the synthesized assembly when
there is one): the regions it deploys to, the secrets each region reads, the concurrency it reserves, the
canary runtime, the topics people subscribe to by e-mail.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from config.schema import SEVERITIES, EnvironmentConfig
from plan.regions import alert_regions, regional_topic_name
from stacks.naming import resource_name

__all__ = ["DeployPlan", "Reservation", "SecretUse", "plan_for", "DEFAULT_BOOTSTRAP_VERSION", "DEFAULT_QUALIFIER",
           "SECRET_FIELDS"]

# What the CDK of this repository asks of a bootstrap (manifest `requiresBootstrapStackVersion`) when no
# synthesized assembly is at hand to read it from.
DEFAULT_BOOTSTRAP_VERSION = 6
DEFAULT_QUALIFIER = "hnb659fds"  # CDK's default bootstrap qualifier
SECRET_FIELDS = ("slack_secret", "pagerduty_secret", "teams_secret")
CDK_JSON = Path(__file__).resolve().parents[2] / "cdk.json"


@dataclass(frozen=True)
class Reservation:
    """Reserved concurrency one function of the app asks for (from config)."""

    function: str
    region: str
    executions: int
    setting: str  # the config field that asks for it


@dataclass(frozen=True)
class SecretUse:
    """One secret the app reads in one region, and who reads it."""

    name: str
    region: str
    reader: str


@dataclass
class DeployPlan:
    """Everything preflight checks against the account, per region.

    Example
    -------
    >>> plan = plan_for(load_config("prod"), home_region="eu-west-1")  # doctest: +SKIP
    >>> plan.regions  # doctest: +SKIP
    ['eu-west-1', 'us-east-1']
    """

    cfg: EnvironmentConfig
    account: str | None
    home_region: str
    regions: list[str]
    canary_regions: list[str]
    bootstrap_version: dict[str, int]
    qualifier: str
    reservations: list[Reservation] = field(default_factory=list)
    secrets: list[SecretUse] = field(default_factory=list)
    email_topics: dict[str, list[str]] = field(default_factory=dict)  # region -> topic names with e-mail subscribers
    stacks: dict[str, list[str]] = field(default_factory=dict)  # region -> stack names (from the assembly)

    def bootstrap_target(self, region: str) -> str:
        """``aws://ACCOUNT/REGION`` as `cdk bootstrap` takes it."""
        return f"aws://{self.account or 'unknown-account'}/{region}"


def _qualifier() -> str:
    try:
        context = json.loads(CDK_JSON.read_text()).get("context", {})
    except (OSError, ValueError):
        return DEFAULT_QUALIFIER
    return context.get("@aws-cdk/core:bootstrapQualifier", DEFAULT_QUALIFIER)


def _canaried(cfg: EnvironmentConfig) -> list[tuple[str, tuple[str, ...]]]:
    """(service, header secret names) of every canary the environment runs."""
    found = []
    for service in cfg.services:
        if service.canary is not None:
            secrets = tuple(sorted({c.headers_secret for c in service.canary.all_checks() if c.headers_secret}))
            found.append((service.name, secrets))
    if cfg.demo_service and not any(name == "demo" for name, _ in found):
        found.append(("demo", ()))
    return found


def _assembly_stacks(assembly: Path) -> dict[str, tuple[str, int]]:
    """stack name -> (region, required bootstrap version) from a synthesized cloud assembly's manifest."""
    manifest = json.loads((assembly / "manifest.json").read_text())
    found = {}
    for artifact_id, artifact in manifest.get("artifacts", {}).items():
        if artifact.get("type") != "aws:cloudformation:stack":
            continue
        region = artifact.get("environment", "").rsplit("/", 1)[-1]
        props = artifact.get("properties", {})
        found[props.get("stackName", artifact_id)] = (region, int(props.get("requiresBootstrapStackVersion", 0)))
    return found


def plan_for(cfg: EnvironmentConfig, *, home_region: str, account: str | None = None,
             assembly: Path | None = None) -> DeployPlan:
    """The DeployPlan of ``cfg``. ``home_region`` is the config's region or, for a region-agnostic config, the
    credentials' default region; ``assembly`` (cdk.out/ENV) adds the exact stacks and bootstrap versions.

    Example
    -------
    >>> plan_for(load_config("prod"), home_region="eu-west-1").canary_regions  # doctest: +SKIP
    ['eu-west-1', 'us-east-1']
    """
    canaries = _canaried(cfg)
    canary_regions = [home_region] + [r for r in cfg.synthetics.extra_regions if r != home_region] if canaries else []
    regions = list(dict.fromkeys([home_region, *canary_regions]))
    versions = {region: DEFAULT_BOOTSTRAP_VERSION for region in regions}
    stacks: dict[str, list[str]] = {}
    if assembly is not None and (assembly / "manifest.json").exists():
        versions = {}
        for name, (region, version) in _assembly_stacks(assembly).items():
            region = home_region if region in ("", "unknown-region") else region
            stacks.setdefault(region, []).append(name)
            versions[region] = max(versions.get(region, 0), version)
        regions = list(dict.fromkeys([*regions, *stacks]))
    plan = DeployPlan(cfg=cfg, account=cfg.account or account, home_region=home_region, regions=regions,
                      canary_regions=canary_regions, bootstrap_version=versions, qualifier=_qualifier(),
                      stacks=stacks)
    router = cfg.routing.function.reserved_concurrency
    if router:
        plan.reservations.append(Reservation(resource_name(cfg, "alert-router"), home_region, router,
                                             "routing.function.reserved_concurrency"))
    checker = cfg.cost.checker.reserved_concurrency
    if cfg.cost.enabled and cfg.cost.checker.enabled and checker:
        plan.reservations.append(Reservation(resource_name(cfg, "cost-checker"), home_region, checker,
                                             "cost.checker.reserved_concurrency"))
    routed = sorted({getattr(cfg.notifications.for_severity(s), f) for s in SEVERITIES for f in SECRET_FIELDS}
                    - {None})
    plan.secrets += [SecretUse(name, home_region, "the alert router") for name in routed]
    for service, secrets in canaries:
        for region in canary_regions:
            plan.secrets += [SecretUse(name, region, f"the {service} canary") for name in secrets]
    emails = any(cfg.notifications.for_severity(s).emails for s in SEVERITIES)
    if emails:
        plan.email_topics[home_region] = [resource_name(cfg, "alerts", "email"), resource_name(cfg, "alerts", "ops")]
    if cfg.notifications.critical.emails:  # each other region's ops topic e-mails them (its undelivered alerts)
        for region in alert_regions(cfg):
            plan.email_topics.setdefault(region, []).append(regional_topic_name(cfg, region, "ops"))
    return plan
