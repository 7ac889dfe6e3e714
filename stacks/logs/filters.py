"""Metric filters on monitored functions' logs: timeouts and cold starts (the ERROR filter is the monitoring
stack's). One metric per function, in ``<app>/<env>/Logs``, named ``<Signal>-<function>``."""
from __future__ import annotations

from aws_cdk import Duration, aws_cloudwatch as cloudwatch, aws_logs as logs
from constructs import Construct

from config.schema import EnvironmentConfig
from stacks.logs.targets import MonitoredFunction

__all__ = ["FunctionLogMetrics", "log_metric", "LOG_METRIC_PATTERNS", "log_namespace"]

# Lambda's own lines: the timeout line is plain text whatever the function logs; the REPORT line carries
# "Init Duration" only on a cold start, so it counts each cold start once (Powertools' cold_start key is on
# every line of a cold invocation and would count lines, not starts).
LOG_METRIC_PATTERNS: dict[str, str] = {
    "Timeouts": '"Task timed out"',
    "ColdStarts": '"REPORT" "Init Duration"',
}


def log_namespace(cfg: EnvironmentConfig) -> str:
    """``<app>/<env>/Logs``.

    Example
    -------
    >>> from config.loader import load_config
    >>> cfg = load_config("prod")
    >>> log_namespace(cfg)
    'watchtower/prod/Logs'
    """
    return f"{cfg.app}/{cfg.env}/Logs"


def log_metric(cfg: EnvironmentConfig, function: str, signal: str, period: Duration | None = None) -> cloudwatch.Metric:
    """The metric a filter of this module publishes, for alarms and dashboards (Sum per period).

    Example
    -------
    >>> from config.loader import load_config
    >>> cfg = load_config("prod")
    >>> log_metric(cfg, "orders-create", "Timeouts").metric_name
    'Timeouts-orders-create'
    """
    return cloudwatch.Metric(namespace=log_namespace(cfg), metric_name=f"{signal}-{function}", statistic="Sum",
                             period=period or Duration.minutes(5))


class FunctionLogMetrics(Construct):
    """Timeouts and ColdStarts filters on one function's log group; ``filters`` maps signal to MetricFilter.

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> from config.loader import load_config
    >>> stack, cfg = Stack(App(), "Example"), load_config("prod")
    >>> fn = MonitoredFunction("orders", "orders-create", "/aws/lambda/orders-create")
    >>> metrics = FunctionLogMetrics(stack, "OrdersCreate", cfg=cfg, function=fn)
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig,
                 function: MonitoredFunction) -> None:
        super().__init__(scope, construct_id)
        group = logs.LogGroup.from_log_group_name(self, "Group", function.log_group)
        self.filters: dict[str, logs.MetricFilter] = {}
        for signal, pattern in LOG_METRIC_PATTERNS.items():
            self.filters[signal] = logs.MetricFilter(
                self, signal, log_group=group, filter_pattern=logs.FilterPattern.literal(pattern),
                metric_namespace=log_namespace(cfg), metric_name=f"{signal}-{function.name}", metric_value="1",
                unit=cloudwatch.Unit.COUNT,
            )
