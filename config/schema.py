"""The environment config model: one YAML file per environment, validated at synth time.

Every section rejects unknown keys. Sections owned by later features live in their own modules
(services, routing, cost) and are mounted here.
"""
from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from config.account import AccountSignalsConfig
from config.alarm_features import LogAlarmsConfig, WarmUpConfig
from config.base import ENV_NAME, ENV_NAME_RULE, SECRET_NAME, StrictModel, looks_like_a_secret
from config.cost import CostConfig
from config.dashboards import DashboardsConfig
from config.organization import OrganizationConfig, check_service_placement
from config.routing import RoutingConfig
from config.services import ServiceConfig
from config.telemetry import LogsConfig, SyntheticsConfig, TracingDefaults

__all__ = ["EnvironmentConfig", "Notifications", "SeverityEndpoints", "Tags", "SEVERITIES", "LOG_RETENTION_DAYS"]

SEVERITIES: tuple[str, ...] = ("critical", "warning", "info")
Severity = Literal["critical", "warning", "info"]

# The only values CloudWatch Logs accepts for RetentionInDays.
LOG_RETENTION_DAYS: tuple[int, ...] = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_TAG_VALUE = re.compile(r"^[\w\s.:/=+\-@]{0,256}$")
# A PagerDuty Events API v2 routing key: 32 letters and digits, no separator. Pasted as a "secret name" it would be
# written into the router's environment in the template.
_ROUTING_KEY = re.compile(r"^[A-Za-z0-9]{32}$")


class SeverityEndpoints(StrictModel):
    """Where alerts of one severity go. Chat and paging endpoints are Secrets Manager secret names."""

    emails: tuple[str, ...] = ()
    slack_secret: str | None = Field(default=None, pattern=SECRET_NAME)
    pagerduty_secret: str | None = Field(default=None, pattern=SECRET_NAME)
    teams_secret: str | None = Field(default=None, pattern=SECRET_NAME)

    @field_validator("emails")
    @classmethod
    def _valid_emails(cls, emails: tuple[str, ...]) -> tuple[str, ...]:
        for address in emails:
            if not _EMAIL.match(address):
                raise ValueError(f"'{address}' is not an e-mail address (expected name@domain.tld)")
        return emails

    @model_validator(mode="after")
    def _names_not_keys(self) -> "SeverityEndpoints":
        # After validation, so the error is reported on the mapping and the key itself is never echoed back.
        if self.pagerduty_secret and _ROUTING_KEY.match(self.pagerduty_secret):
            raise ValueError("pagerduty_secret looks like a PagerDuty routing key (32 letters and digits), not a "
                             "secret name: store the key in Secrets Manager and put the secret's NAME here")
        for name in ("slack_secret", "pagerduty_secret", "teams_secret"):
            kind = looks_like_a_secret(getattr(self, name))
            if kind:  # fits the name pattern (e.g. a Slack token) but is the secret itself; never echoed
                raise ValueError(f"{name}: this looks like {kind}: store it in Secrets Manager and put the "
                                 "secret's name here")
        return self


class Notifications(StrictModel):
    """Endpoints per severity: critical pages, warning notifies, info is chat only."""

    critical: SeverityEndpoints = SeverityEndpoints()
    warning: SeverityEndpoints = SeverityEndpoints()
    info: SeverityEndpoints = SeverityEndpoints()

    def for_severity(self, severity: str) -> SeverityEndpoints:
        """Endpoints of ``severity`` (one of SEVERITIES)."""
        return getattr(self, severity)


class Tags(StrictModel):
    """Cost-allocation tags applied to every resource. Extra tags go under ``extra``."""

    Project: str = Field(min_length=1, max_length=256)
    Environment: str = Field(min_length=1, max_length=256)
    Owner: str = Field(min_length=1, max_length=256)
    CostCenter: str = Field(min_length=1, max_length=256)
    extra: dict[str, str] = {}

    @field_validator("Project", "Environment", "Owner", "CostCenter")
    @classmethod
    def _valid_value(cls, value: str) -> str:
        if not _TAG_VALUE.match(value):
            raise ValueError("tag values allow letters, digits, spaces and _ . : / = + - @ (at most 256)")
        return value

    @field_validator("extra")
    @classmethod
    def _valid_extra(cls, extra: dict[str, str]) -> dict[str, str]:
        for key, value in extra.items():
            if key.lower().startswith("aws:") or not 1 <= len(key) <= 128:
                raise ValueError(f"tag key '{key}' must be 1-128 characters and not start with 'aws:'")
            cls._valid_value(value)
        return extra

    def as_dict(self) -> dict[str, str]:
        """All tags as one mapping, the four required first."""
        required = {k: getattr(self, k) for k in ("Project", "Environment", "Owner", "CostCenter")}
        return {**required, **self.extra}


class EnvironmentConfig(StrictModel):
    """One deployable environment: what to monitor, where alerts go, and how resources are tagged."""

    app: str = Field(pattern=r"^[a-z][a-z0-9-]{1,19}$", description="short app name used in every resource name")
    env: str = Field(min_length=2, max_length=12, pattern=ENV_NAME,
                     description=f"environment name, equal to the file name: {ENV_NAME_RULE}")
    account: str | None = Field(default=None, pattern=r"^\d{12}$")
    region: str | None = Field(default=None, pattern=r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
    tags: Tags
    notifications: Notifications = Notifications()
    log_retention_days: int = 30
    powertools_layer_version: int = Field(ge=1, le=1000)
    demo_service: bool = False
    # AWS::ApiGateway::Account is one setting per account and region: creating it replaces whatever role another
    # stack set there (and removing the demo would leave API Gateway logging without one).
    demo_api_gateway_account: bool = Field(
        default=False, description="let the demo stack set the account's API Gateway CloudWatch role; default false "
                                   "(the account already has one: make preflight checks it)")
    services: tuple[ServiceConfig, ...] = Field(default=(), description="the services to monitor; default none, "
                                                "which is an error unless allow_no_services is true")
    allow_no_services: bool = Field(default=False, description="accept `services: []` on purpose (an environment "
                                    "that deploys only the shared alerting); default false")
    # Where alarm descriptions link to docs/runbooks/<family>.md; a service may set its own runbook_base_url.
    runbook_base_url: str = Field(
        default="https://github.com/acme/watchtower/blob/main/docs/runbooks", pattern=r"^https://\S+[^/]$"
    )
    routing: RoutingConfig = RoutingConfig()
    cost: CostConfig = CostConfig()
    logs: LogsConfig = LogsConfig()
    synthetics: SyntheticsConfig = SyntheticsConfig()  # canary schedule, extra regions, artifacts
    tracing: TracingDefaults = TracingDefaults()  # X-Ray sampling defaults, debug switch
    dashboards: DashboardsConfig = DashboardsConfig()  # business metrics to chart (config/dashboards.py)
    warm_up: WarmUpConfig = WarmUpConfig()  # warm-up of paging alarms after a deploy (config/alarm_features.py)
    log_alarms: LogAlarmsConfig = (
        LogAlarmsConfig()
    )  # ErrorLogs as scheduled Logs Insights log alarms (config/alarm_features.py)
    account_signals: AccountSignalsConfig = AccountSignalsConfig()  # Lambda concurrency quota, SES (config/account.py)
    organization: OrganizationConfig | None = Field(default=None, description=(
        "one monitoring account watching source accounts and regions (config/organization.py); default none: "
        "everything in the environment's account and region"))

    @field_validator("log_retention_days")
    @classmethod
    def _valid_retention(cls, days: int) -> int:
        if days not in LOG_RETENTION_DAYS:
            allowed = ", ".join(str(d) for d in LOG_RETENTION_DAYS)
            raise ValueError(f"log retention must be one of CloudWatch's values: {allowed}")
        return days

    @field_validator("services")
    @classmethod
    def _unique_services(cls, services: tuple[ServiceConfig, ...]) -> tuple[ServiceConfig, ...]:
        names = [s.name for s in services]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"service names must be unique; repeated: {', '.join(duplicates)}")
        return services

    @model_validator(mode="after")
    def _services_or_on_purpose(self) -> "EnvironmentConfig":
        # An environment that monitors nothing looks deployed and green: only accept it when the file says so.
        if not self.services and not (self.allow_no_services and "services" in self.model_fields_set):
            raise ValueError(f"services: environment '{self.env}' lists no services, so nothing would be monitored; "
                             "list them, or write `services: []` with `allow_no_services: true` if that is on purpose")
        return self

    @model_validator(mode="after")
    def _services_placed_in_the_organization(self) -> "EnvironmentConfig":
        check_service_placement(self.organization, self.account, self.region, self.services)
        return self

    @model_validator(mode="after")
    def _environment_tag_matches(self) -> "EnvironmentConfig":
        if self.tags.Environment != self.env:
            raise ValueError(f"tags.Environment ('{self.tags.Environment}') must equal env ('{self.env}')")
        return self

    @field_validator("dashboards")
    @classmethod
    def _business_metrics_name_services(cls, dashboards: DashboardsConfig, info: ValidationInfo) -> DashboardsConfig:
        # The Business dashboard charts them with dimension service=<service>: an unknown one never has data.
        if "services" not in info.data:
            return dashboards  # services failed validation: that error is the one to report
        known = [s.name for s in info.data["services"]]
        for item in dashboards.business_metrics:
            if item.service not in known:
                raise ValueError(f"business metric {item.name}: service '{item.service}' is not one of the "
                                 f"services: {', '.join(known) or 'none'}")
        return dashboards
