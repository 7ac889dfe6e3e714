"""Canaries, tracing and log handling.

Per service (mounted on ServiceConfig): ``canary`` (CanaryConfig) and ``tracing`` (TracingConfig).
Per environment (mounted on EnvironmentConfig): ``synthetics`` (SyntheticsConfig: schedule default, extra
regions, artifact expiry), ``tracing`` (TracingDefaults: sampling default and debug switch) and
``logs`` (LogsConfig: archive, storage class, expiry, filters, insights, queries). Hot retention is the
environment's ``log_retention_days``.
"""
from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, model_validator

from config.base import SECRET_NAME, StrictModel

__all__ = [
    "EndpointCheck",
    "CanaryConfig",
    "SyntheticsConfig",
    "TracingConfig",
    "TracingDefaults",
    "LogsConfig",
    "HEALTH_CHECKS",
    "ARCHIVE_STORAGE_CLASSES",
]

_REGION = r"^[a-z]{2}(-gov)?-[a-z]+-\d$"
HttpMethod = Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
JsonScalar = str | int | float | bool
# Lifecycle targets colder than S3 Standard; each has a minimum storage duration the expiry must respect.
ARCHIVE_STORAGE_CLASSES: dict[str, int] = {"STANDARD_IA": 30, "GLACIER_IR": 90, "GLACIER": 90, "DEEP_ARCHIVE": 180}


class EndpointCheck(StrictModel):
    """One request a canary sends and what a healthy answer looks like.

    ``json_path`` is a dotted path into the JSON body; with ``json_equals`` the value there must equal it,
    without it the field only has to exist. ``headers_secret`` names a Secrets Manager secret holding a JSON
    object of request headers (read by the canary at run time; the value never enters a template).
    """

    name: str = Field(pattern=r"^[a-z][a-z0-9-]{0,39}$")
    path: str = Field(pattern=r"^/[A-Za-z0-9/_.~%{}=&?+-]*$", max_length=512)
    method: HttpMethod = "GET"
    expected_status: int = Field(default=200, ge=100, le=599)
    latency_budget_ms: int = Field(default=2000, ge=1, le=60_000)
    json_path: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")
    json_equals: JsonScalar | None = None
    headers_secret: str | None = Field(default=None, pattern=SECRET_NAME)
    body: str | None = Field(default=None, max_length=2048)

    @model_validator(mode="after")
    def _equals_needs_path(self) -> "EndpointCheck":
        if self.json_equals is not None and self.json_path is None:
            raise ValueError(f"check '{self.name}': json_equals needs json_path (the field to compare)")
        return self


HEALTH_CHECKS: tuple[EndpointCheck, ...] = (
    EndpointCheck(name="health-live", path="/health/live", latency_budget_ms=1000),
    EndpointCheck(name="health-ready", path="/health/ready", latency_budget_ms=2000),
)


class CanaryConfig(StrictModel):
    """The Synthetics canary of one service.

    ``base_url`` may be left out only when the environment supplies the URL itself (the demo service's API).
    The health endpoints are checked unless ``health_checks`` is false; ``checks`` adds critical API paths.
    ``headers_secret`` applies to every check that does not name its own.
    """

    base_url: str | None = Field(default=None, pattern=r"^https://[A-Za-z0-9.-]+(:\d+)?(/[A-Za-z0-9/_.~-]*)?$")
    health_checks: bool = True
    checks: tuple[EndpointCheck, ...] = ()
    headers_secret: str | None = Field(default=None, pattern=SECRET_NAME)
    schedule_minutes: int | None = Field(default=None, ge=1, le=60)
    timeout_seconds: int = Field(default=60, ge=3, le=840)
    severity: Literal["critical", "warning"] = "critical"
    failed_runs_to_alarm: int = Field(default=2, ge=1, le=10)
    duration_threshold_ms: int | None = Field(default=None, ge=100, le=840_000)

    @model_validator(mode="after")
    def _something_to_check(self) -> "CanaryConfig":
        names = [c.name for c in self.all_checks()]
        if not names:
            raise ValueError("canary has nothing to check: keep health_checks or list checks")
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"canary check names must be unique; repeated: {', '.join(repeated)}")
        return self

    def all_checks(self) -> tuple[EndpointCheck, ...]:
        """Health checks (when enabled) then the configured ones, each with the default headers secret."""
        chosen = (HEALTH_CHECKS if self.health_checks else ()) + self.checks
        if not self.headers_secret:
            return chosen
        return tuple(
            c if c.headers_secret else c.model_copy(update={"headers_secret": self.headers_secret}) for c in chosen
        )

    def expected_duration_ms(self) -> int:
        """Duration alarm threshold: as configured, else every latency budget plus 5 s of runtime start-up."""
        return self.duration_threshold_ms or sum(c.latency_budget_ms for c in self.all_checks()) + 5000


class SyntheticsConfig(StrictModel):
    """Environment-wide canary settings: default schedule, extra regions, artifact expiry, runtime."""

    schedule_minutes: int = Field(default=5, ge=1, le=60)
    extra_regions: tuple[str, ...] = ()
    artifact_expiry_days: int = Field(default=30, ge=1, le=3650)
    # The newest Python runtime CloudWatch Synthetics documents (Python 3.12). aws-cdk-lib's Runtime enum stops at
    # 7.0 (Python 3.11, whose Lambda base is deprecated: deprecated runtimes cannot create canaries), so the
    # canary passes this name as a plain runtime string.
    runtime: str = Field(default="syn-python-selenium-14.0", pattern=r"^syn-python-selenium-\d+\.\d+$",
                         description="Synthetics runtime of every canary; default syn-python-selenium-14.0")

    @model_validator(mode="after")
    def _valid_regions(self) -> "SyntheticsConfig":
        bad = [r for r in self.extra_regions if not re.match(_REGION, r)]
        if bad:
            raise ValueError(f"extra_regions: '{bad[0]}' is not a region name (e.g. us-east-1)")
        if len(set(self.extra_regions)) != len(self.extra_regions):
            raise ValueError("extra_regions must not repeat a region")
        return self


class TracingDefaults(StrictModel):
    """Environment-wide X-Ray sampling defaults; ``debug: true`` samples every request of every service."""

    sampling_rate: float = Field(default=0.10, ge=0, le=1)
    reservoir_size: int = Field(default=1, ge=0, le=100)
    debug: bool = False


class TracingConfig(StrictModel):
    """X-Ray sampling and groups of one service. Unset sampling values take the environment's defaults.

    ``slow_threshold_ms`` defaults to the service's latency SLO threshold.
    """

    sampling_rate: float | None = Field(default=None, ge=0, le=1)
    reservoir_size: int | None = Field(default=None, ge=0, le=100)
    debug: bool = False
    groups: bool = True
    slow_threshold_ms: int | None = Field(default=None, ge=1, le=900_000)

    def effective_rate(self, defaults: TracingDefaults) -> float:
        """The fixed rate to use: 1.0 when debugging (here or environment-wide), else own or default rate."""
        if self.debug or defaults.debug:
            return 1.0
        return defaults.sampling_rate if self.sampling_rate is None else self.sampling_rate

    def effective_reservoir(self, defaults: TracingDefaults) -> int:
        """Requests per second sampled before the fixed rate applies."""
        return defaults.reservoir_size if self.reservoir_size is None else self.reservoir_size


class LogsConfig(StrictModel):
    """Environment-wide log handling: Firehose archive to S3 and its lifecycle, insights, queries."""

    archive: bool = True
    archive_transition_days: int = Field(default=30, ge=1, le=3650)
    archive_storage_class: Literal["STANDARD_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"] = "GLACIER_IR"
    archive_expiry_days: int = Field(default=365, ge=2, le=3650)
    contributor_insights: bool = True
    saved_queries: bool = True

    @model_validator(mode="after")
    def _expiry_after_transition(self) -> "LogsConfig":
        minimum_stay = ARCHIVE_STORAGE_CLASSES[self.archive_storage_class]
        if self.archive_storage_class == "STANDARD_IA" and self.archive_transition_days < 30:
            raise ValueError("archive_transition_days must be at least 30 for STANDARD_IA (S3 rule)")
        if self.archive_expiry_days < self.archive_transition_days + minimum_stay:
            raise ValueError(
                f"archive_expiry_days ({self.archive_expiry_days}) must be at least archive_transition_days + "
                f"{minimum_stay} (the minimum stay in {self.archive_storage_class})"
            )
        return self
