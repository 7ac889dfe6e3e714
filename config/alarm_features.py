"""Newer CloudWatch alarm features the app turns on: a warm-up for paging alarms after they are created or
changed, and log alarms (a scheduled Logs Insights query) for log signals."""
from __future__ import annotations

from pydantic import Field

from config.base import StrictModel

__all__ = ["WarmUpConfig", "LogAlarmsConfig"]


class WarmUpConfig(StrictModel):
    """Warm-up of the metric alarms that can page (critical severity): while it lasts the alarm stays in
    INSUFFICIENT_DATA and runs no actions, so a deploy that creates or changes it pages nobody on startup gaps."""

    minutes: int = Field(default=5, ge=0, le=2880, description=(
        "warm-up after each create or update of a paging alarm, in minutes (CloudWatch: 1..2880); 0 turns it "
        "off; default 5"))
    wait_full_period: bool = Field(default=False, description=(
        "true: evaluate only after the whole warm-up even when data arrives earlier; default false: start "
        "as soon as the evaluation window has data, so a real incident still pages without delay"))


class LogAlarmsConfig(StrictModel):
    """The ErrorLogs family as CloudWatch log alarms (AWS::CloudWatch::LogAlarm) instead of metric filters."""

    enabled: bool = Field(default=False, description=(
        "build ErrorLogs as log alarms over a scheduled Logs Insights query; default false (metric filter and "
        "metric alarm)"))
    log_lines: int = Field(default=10, ge=0, le=50, description=(
        "matching log lines included in the alarm's notification (CloudWatch: 0..50); default 10"))
