"""One environment watching many accounts and regions: the optional ``organization:`` section.

With it, the environment's own account is the monitoring account: CloudWatch cross-account observability links
the source accounts to a sink there (one per region), alarms there read the source accounts' metrics, and
services may say which account (``account:``, a name from ``accounts``) and region (``region:``) they run in.
Without the section nothing changes: every service lives in the environment's account and region.
"""
from __future__ import annotations

import re
import typing
from typing import Literal

from pydantic import Field, field_validator, model_validator

from config.base import StrictModel

__all__ = [
    "ACCOUNT_ID",
    "REGION",
    "SHAREABLE_RESOURCE_TYPES",
    "FleetAlarm",
    "FleetAlarmsConfig",
    "OrganizationConfig",
    "check_service_placement",
]

ACCOUNT_ID = r"^\d{12}$"
REGION = r"^[a-z]{2}(-gov)?-[a-z]+-\d$"
# An account's name is part of alarm names (``{app}-{env}-{account}-{service}-...``): short and lowercase.
ACCOUNT_NAME = r"^[a-z][a-z0-9-]{0,19}$"
_ACCOUNT_NAME = re.compile(ACCOUNT_NAME)
_ACCOUNT_ID = re.compile(ACCOUNT_ID)
# Organizations ids: an OU is ou-<root part>-<ou part>, a root r-<...>; both are valid StackSet deployment targets.
_OU_ID = re.compile(r"^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$")
_REGION = re.compile(REGION)
# What an OAM link can share (the AWS::Oam::Link ResourceTypes enumeration of the CloudFormation schema).
ResourceType = Literal[
    "AWS::CloudWatch::Metric", "AWS::Logs::LogGroup", "AWS::XRay::Trace", "AWS::ApplicationInsights::Application",
    "AWS::InternetMonitor::Monitor", "AWS::ApplicationSignals::Service",
    "AWS::ApplicationSignals::ServiceLevelObjective",
]
SHAREABLE_RESOURCE_TYPES: tuple[str, ...] = typing.get_args(ResourceType)
_DEFAULT_SHARED: tuple[ResourceType, ...] = (
    "AWS::CloudWatch::Metric", "AWS::Logs::LogGroup", "AWS::XRay::Trace", "AWS::ApplicationSignals::Service",
    "AWS::ApplicationSignals::ServiceLevelObjective",
)


class FleetAlarm(StrictModel):
    """One Metrics Insights query alarm over every linked account, one contributor per GROUP BY value."""

    enabled: bool = Field(default=True, description="create this fleet alarm when fleet alarms are on; default true")
    threshold: float = Field(ge=0, description="a contributor is in ALARM above this value (per period)")
    period_seconds: int = Field(default=300, ge=60, le=3600,
                                description="the query's period, a multiple of 60 s up to 1 h; default 300")
    evaluation_periods: int = Field(default=1, ge=1, le=36, description=(
        "periods a contributor must breach; default 1. Metrics Insights alarms see only the last 3 hours, so "
        "period x evaluation periods must fit in 3 h"))

    @field_validator("period_seconds")
    @classmethod
    def _whole_minutes(cls, period: int) -> int:
        if period % 60:
            raise ValueError("period_seconds must be a multiple of 60 (a Metrics Insights alarm's period)")
        return period

    @model_validator(mode="after")
    def _within_three_hours(self) -> "FleetAlarm":
        if self.period_seconds * self.evaluation_periods > 3 * 3600:
            raise ValueError(f"period_seconds x evaluation_periods is {self.period_seconds * self.evaluation_periods}"
                             " s: a Metrics Insights alarm queries only the last 3 hours (at most 10800 s)")
        return self


class FleetAlarmsConfig(StrictModel):
    """The fleet safety net: query alarms in the monitoring account over every linked account, so a function or
    API that nobody listed still alerts, naming itself as the alarm's contributor."""

    enabled: bool = Field(default=False, description="create the fleet alarms in every region; default false")
    severity: Literal["critical", "warning", "info"] = Field(
        default="warning", description="topic the fleet alarms notify; default warning (a resource nobody listed "
                                       "has no owner to page)")
    lambda_errors: FleetAlarm = Field(default=FleetAlarm(threshold=5), description=(
        "AWS/Lambda Errors summed per function over the period; default above 5 in 5 minutes"))
    lambda_throttles: FleetAlarm = Field(default=FleetAlarm(threshold=10), description=(
        "AWS/Lambda Throttles summed per function; default above 10 in 5 minutes"))
    api_5xx: FleetAlarm = Field(default=FleetAlarm(threshold=5), description=(
        "AWS/ApiGateway 5XXError summed per REST API (ApiName); default above 5 in 5 minutes"))
    dlq_depth: FleetAlarm = Field(default=FleetAlarm(threshold=0, enabled=False), description=(
        "dead-letter queue depth over the fleet; default off, and it cannot be turned on: a Metrics Insights WHERE "
        "clause matches a label only with = and != (CloudWatch user guide, 'Metrics Insights query components and "
        "syntax'), so no query can tell a dead-letter queue from any other queue by its name. A service's "
        "queues: [{name, dlq}] alarm on their dead-letter queues"))
    # Default 200 per account and region (CloudWatch user guide, 'Limits that apply to alarms based on Metrics
    # Insights queries'); the quota is adjustable, hence the setting.
    query_alarm_quota: int = Field(default=200, ge=1, le=100_000, description=(
        "Metrics Insights query alarms allowed per region (the account's quota); default 200, the AWS default"))
    existing_query_alarms: int = Field(default=0, ge=0, description=(
        "query alarms the monitoring account already has in each region outside this app; they count against "
        "the same quota; default 0"))

    # At most 10,000: beyond that many matched metrics the alarm evaluates PARTIAL_DATA (same user guide page).
    estimated_metrics_per_query: int = Field(default=100, ge=1, le=10_000, description=(
        "for the cost estimate only: metrics one fleet query analyzes (every matching function or API across the "
        "linked accounts); default 100"))

    def families(self) -> dict[str, FleetAlarm]:
        """The enabled fleet alarms by family key (empty when fleet alarms are off)."""
        if not self.enabled:
            return {}
        every = {"lambda_errors": self.lambda_errors, "lambda_throttles": self.lambda_throttles,
                 "api_5xx": self.api_5xx, "dlq_depth": self.dlq_depth}
        return {key: alarm for key, alarm in every.items() if alarm.enabled}

    @model_validator(mode="after")
    def _no_dlq_query(self) -> "FleetAlarmsConfig":
        if self.dlq_depth.enabled:
            raise ValueError("fleet_alarms.dlq_depth cannot be enabled: a Metrics Insights query filters labels "
                             "only with = and != (no name pattern), so it cannot pick dead-letter queues out of all "
                             "queues; list each service's queues with their dlq instead (queues: [{name, dlq}])")
        return self

    @model_validator(mode="after")
    def _within_quota(self) -> "FleetAlarmsConfig":
        used = len(self.families()) + self.existing_query_alarms
        if used > self.query_alarm_quota:
            raise ValueError(f"{len(self.families())} fleet alarms plus {self.existing_query_alarms} existing query "
                             f"alarms per region exceed the Metrics Insights alarm quota of {self.query_alarm_quota} "
                             "per region: disable some or raise query_alarm_quota after a quota increase")
        return self


class OrganizationConfig(StrictModel):
    """The monitoring account and the source accounts, OUs and regions it watches."""

    monitoring_account: str = Field(pattern=ACCOUNT_ID, description=(
        "12-digit id of the monitoring account (where the sink, alarms and router live); required"))
    organization_id: str | None = Field(default=None, pattern=r"^o-[a-z0-9]{10,32}$", description=(
        "AWS Organizations id (o-...): the sink and the layer are shared with the whole organization; default "
        "none (shared with the listed accounts only); required with organizational_units"))
    accounts: dict[str, str] = Field(default={}, description=(
        "source accounts by name: {name: 12-digit id}; a service's account: names one; default none"))
    organizational_units: tuple[str, ...] = Field(default=(), description=(
        "OU (ou-...) or root (r-...) ids the link StackSet deploys to, with automatic deployment to accounts that "
        "join them later; default none"))
    regions: tuple[str, ...] = Field(default=(), description=(
        "regions with monitored services: a sink, link and alarm stacks in each; default: the environment's "
        "region only"))
    link_stacks_for: tuple[str, ...] | None = Field(default=None, description=(
        "names of accounts (outside the OUs or the organization) that get a link stack each instead of the "
        "StackSet; default: every listed account when no organizational_units are given, else none"))
    source_role_name: str = Field(default="watchtower-observability", pattern=r"^[\w+=,.@-]{1,64}$", description=(
        "role in each source account that discovery assumes (read-only) and that deploys the per-account link "
        "stacks; default watchtower-observability"))
    discovery_tag_key: str = Field(default="service", pattern=r"^[\w.:/=+@ -]{1,128}$", description=(
        "tag key whose value names a resource's service when resources are discovered by tag; default service"))
    shared_resource_types: tuple[ResourceType, ...] = Field(default=_DEFAULT_SHARED, description=(
        "what the links share and the sink accepts; default metrics, log groups, traces, Application Signals "
        "services and SLOs"))
    stackset_call_as: Literal["DELEGATED_ADMIN", "SELF"] = Field(default="DELEGATED_ADMIN", description=(
        "who creates the service-managed link StackSet: DELEGATED_ADMIN (the monitoring account is registered as "
        "a StackSets delegated administrator, the usual setup) or SELF (it is the management account); default "
        "DELEGATED_ADMIN"))
    share_layer: bool = Field(default=True, description=(
        "share the observability layer with the organization (or the listed accounts) and publish its ARN per "
        "region in SSM; default true"))
    fleet_alarms: FleetAlarmsConfig = Field(default=FleetAlarmsConfig(), description=(
        "Metrics Insights alarms over every linked account; default off"))

    @field_validator("accounts")
    @classmethod
    def _valid_accounts(cls, accounts: dict[str, str]) -> dict[str, str]:
        for name, account_id in accounts.items():
            if not _ACCOUNT_NAME.match(name):
                raise ValueError(f"account name '{name}' must be 1-20 lowercase letters, digits and hyphens, "
                                 "starting with a letter (it is part of alarm names)")
            if not isinstance(account_id, str) or not _ACCOUNT_ID.match(account_id):
                raise ValueError(f"account '{name}': '{account_id}' is not a 12-digit account id (quote it in "
                                 "YAML so leading zeros survive)")
        ids = list(accounts.values())
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"account ids must be unique; repeated: {', '.join(repeated)}")
        return accounts

    @field_validator("accounts", mode="before")
    @classmethod
    def _ids_as_text(cls, accounts: object) -> object:
        # YAML reads an unquoted 012345678901 as a number and drops the zero: say so instead of a type error.
        if isinstance(accounts, dict):
            for name, account_id in accounts.items():
                if isinstance(account_id, int) and not isinstance(account_id, bool):
                    raise ValueError(f"account '{name}': write the id as quoted text ('{account_id:012d}'), a YAML "
                                     "number loses leading zeros")
        return accounts

    @field_validator("organizational_units")
    @classmethod
    def _valid_ous(cls, ous: tuple[str, ...]) -> tuple[str, ...]:
        for ou in ous:
            if not _OU_ID.match(ou):
                raise ValueError(f"'{ou}' is not an organizational unit id (ou-xxxx-xxxxxxxx) or root id (r-xxxx)")
        if len(set(ous)) != len(ous):
            raise ValueError("organizational_units lists an id twice")
        return ous

    @field_validator("regions")
    @classmethod
    def _valid_regions(cls, regions: tuple[str, ...]) -> tuple[str, ...]:
        for region in regions:
            if not _REGION.match(region):
                raise ValueError(f"'{region}' is not a region name (e.g. eu-west-1)")
        if len(set(regions)) != len(regions):
            raise ValueError("regions lists a region twice")
        return regions

    @field_validator("shared_resource_types")
    @classmethod
    def _metrics_shared(cls, types: tuple[str, ...]) -> tuple[str, ...]:
        # Every alarm of a source account reads its metrics through the link.
        if "AWS::CloudWatch::Metric" not in types:
            raise ValueError("shared_resource_types must include AWS::CloudWatch::Metric: the monitoring account's "
                             "alarms read the source accounts' metrics")
        return types

    @model_validator(mode="after")
    def _consistent(self) -> "OrganizationConfig":
        if self.organizational_units and not self.organization_id:
            raise ValueError("organizational_units need organization_id (o-...): the sink policy admits the "
                             "organization's accounts by it")
        if self.monitoring_account in self.accounts.values():
            name = next(n for n, i in self.accounts.items() if i == self.monitoring_account)
            raise ValueError(f"account '{name}' is the monitoring account itself: services there need no account:")
        for name in self.link_stacks_for or ():
            if name not in self.accounts:
                raise ValueError(f"link_stacks_for: '{name}' is not one of the accounts "
                                 f"({', '.join(self.accounts) or 'none listed'})")
        if not self.accounts and not self.organizational_units:
            raise ValueError("organization: list source accounts (accounts: {name: id}) or organizational_units")
        return self

    def link_stack_accounts(self) -> tuple[str, ...]:
        """Names of the accounts that get a per-account link stack (the rest are reached by the StackSet)."""
        if self.link_stacks_for is not None:
            return self.link_stacks_for
        return () if self.organizational_units else tuple(self.accounts)

    def all_regions(self, home: str | None) -> tuple[str, ...]:
        """Every region in use, the environment's (``home``) first."""
        listed = self.regions or ((home,) if home else ())
        return tuple(dict.fromkeys(((home,) if home else ()) + listed))


def check_service_placement(organization: OrganizationConfig | None, home_account: str | None,
                            home_region: str | None, services: tuple) -> None:
    """Raise ValueError (one line) when a service's ``account:`` or ``region:`` names something not configured.

    Example
    -------
    >>> org = OrganizationConfig(monitoring_account="111111111111", accounts={"shop": "222222222222"})
    >>> check_service_placement(org, None, "eu-west-1", ())  # nothing placed, nothing wrong
    >>> check_service_placement(org, None, None, ())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: organization: needs the environment's region: ...
    """
    if organization is None:
        placed = [s.name for s in services if s.account is not None or s.region is not None]
        if placed:
            raise ValueError(f"service '{placed[0]}' sets account: or region:, which need an organization: section "
                             "(the monitoring account, the source accounts and the regions)")
        return
    if home_region is None:
        raise ValueError("organization: needs the environment's region: (the monitoring account's home region, "
                         "where the router runs); stacks are made per region")
    if home_account is not None and home_account != organization.monitoring_account:
        raise ValueError(f"account ({home_account}) must be the organization's monitoring_account "
                         f"({organization.monitoring_account}): the environment deploys to the monitoring account")
    if home_region is not None and organization.regions and home_region not in organization.regions:
        raise ValueError(f"region ({home_region}) must be one of organization.regions "
                         f"({', '.join(organization.regions)}): the router lives there")
    regions = organization.all_regions(home_region)
    for service in services:
        if service.account is not None and service.account not in organization.accounts:
            raise ValueError(f"service '{service.name}': account '{service.account}' is not one of "
                             f"organization.accounts ({', '.join(organization.accounts) or 'none listed'})")
        if service.region is not None and service.region not in regions:
            raise ValueError(f"service '{service.name}': region '{service.region}' is not one of the organization's "
                             f"regions ({', '.join(regions) or 'none: set region or organization.regions'})")
