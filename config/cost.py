"""Cost guardrails of one environment: anomaly detection, the monthly budget, the hourly cost check, and the
assumptions the offline cost estimate (``make cost``) prices usage with."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from config.base import StrictModel

__all__ = ["CostConfig", "AnomalyConfig", "BudgetConfig", "BudgetAlert", "CheckerConfig", "EstimateAssumptions"]


class AnomalyConfig(StrictModel):
    """Cost Anomaly Detection: a SERVICE monitor, a monitor on one cost-allocation tag, one IMMEDIATE subscription.

    AWS allows one SERVICE (dimensional) monitor per account, and most accounts already have the default one AWS
    creates, so a second one fails the deploy: it is off unless config turns it on (``make preflight`` says
    whether the account already has one).
    """

    service_monitor: bool = Field(
        default=False, description="create a SERVICE-dimension monitor; default false (the account's own one serves)")
    # One of the four tags every resource carries (config tags), so the monitor's value is known at synth.
    tag_key: Literal["Project", "Environment", "Owner", "CostCenter"] = "Project"
    min_impact_usd: float = Field(default=50.0, gt=0, le=1_000_000, description="absolute impact that notifies")


class BudgetAlert(StrictModel):
    """One budget notification: ``type`` ACTUAL or FORECASTED cost above ``percent`` of the limit."""

    type: Literal["ACTUAL", "FORECASTED"]
    percent: float = Field(gt=0, le=1000)


class BudgetConfig(StrictModel):
    """The monthly cost budget of the environment, filtered on its ``Environment`` cost-allocation tag."""

    monthly_limit_usd: float = Field(default=500.0, gt=0, le=10_000_000)
    filter_on_environment_tag: bool = True
    alerts: tuple[BudgetAlert, ...] = (
        BudgetAlert(type="ACTUAL", percent=80),
        BudgetAlert(type="ACTUAL", percent=100),
        BudgetAlert(type="FORECASTED", percent=100),
    )

    @field_validator("alerts")
    @classmethod
    def _valid_alerts(cls, alerts: tuple[BudgetAlert, ...]) -> tuple[BudgetAlert, ...]:
        # AWS::Budgets::Budget takes at most 5 notifications, and a repeated one is rejected by the service.
        if not 1 <= len(alerts) <= 5:
            raise ValueError(f"a budget takes 1 to 5 alerts, got {len(alerts)}")
        keys = [(a.type, a.percent) for a in alerts]
        if len(set(keys)) != len(keys):
            raise ValueError("budget alerts must not repeat the same type and percent")
        return alerts


class CheckerConfig(StrictModel):
    """The scheduled cost checker Lambda and its hourly-cost alarm (the CostAnomaly family)."""

    enabled: bool = True
    rate_hours: int = Field(default=1, ge=1, le=24, description="how often it reads Cost Explorer")
    hourly_cost_threshold_usd: float = Field(default=10.0, gt=0, le=1_000_000)
    alarm_scope: Literal["account", "environment"] = Field(
        default="account",
        description="alarm on the whole account's hourly cost, or only on resources tagged Environment=<env>",
    )
    # Today's cost divided by very few elapsed hours swings wildly (Cost Explorer lags and books some charges
    # at the start of a day), so today's rate counts only after this many hours.
    min_hours_for_today_rate: int = Field(default=6, ge=1, le=23)
    top_services: int = Field(default=10, ge=1, le=50, description="services with their own DailyCost metric")
    metrics_namespace: str = Field(default="Watchtower/Cost", pattern=r"^[A-Za-z0-9._/#:-]{1,255}$")
    # Reserving even one execution fails in an account whose concurrency quota leaves less than 100 unreserved.
    reserved_concurrency: int | None = Field(
        default=None, ge=1, le=1000,
        description="reserved concurrent executions of the checker; default none (rate_hours already spaces runs)")


class EstimateAssumptions(StrictModel):
    """Usage that templates cannot show, for ``make cost``. Per Lambda function and per month."""

    invocations_per_function: int = Field(default=100_000, ge=0, description="unscheduled functions")
    log_kb_per_invocation: float = Field(default=2.0, ge=0)
    custom_metrics_per_function: int = Field(default=6, ge=0, description="metrics the layer emits per function")
    xray_sampling_rate: float = Field(default=0.05, ge=0, le=1)
    days_per_month: int = Field(default=30, ge=28, le=31)
    dashboard_free_tier: bool = Field(default=False, description="count the account's 3 free dashboards")


class CostConfig(StrictModel):
    """Budgets, anomaly thresholds, the hourly-cost alarm and the estimate's assumptions.

    Example
    -------
    >>> CostConfig(budget={"monthly_limit_usd": 200}).budget.monthly_limit_usd
    200.0
    """

    enabled: bool = True
    anomaly: AnomalyConfig = AnomalyConfig()
    budget: BudgetConfig = BudgetConfig()
    checker: CheckerConfig = CheckerConfig()
    estimate: EstimateAssumptions = EstimateAssumptions()
