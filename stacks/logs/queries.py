"""Saved Logs Insights queries per service, in a console folder ``<app>/<env>/<service>``."""
from __future__ import annotations

from aws_cdk import aws_logs as logs
from constructs import Construct

from config.schema import EnvironmentConfig

__all__ = ["ServiceSavedQueries", "SAVED_QUERIES", "CORRELATION_PARAMETER"]

CORRELATION_PARAMETER = "correlationId"
# Field names are the observability layer's (Powertools) JSON keys; @duration/@initDuration come from Lambda's
# REPORT lines.
SAVED_QUERIES: dict[str, str] = {
    "Errors by fingerprint": (
        "fields @timestamp, error_fingerprint, error_type, error_location, message\n"
        "| filter level in ['ERROR', 'CRITICAL'] and ispresent(error_fingerprint)\n"
        "| stats count(*) as errors, latest(message) as last_message by error_fingerprint, error_type, "
        "error_location\n| sort errors desc\n| limit 50"
    ),
    "Slowest requests": (
        "filter @type = 'REPORT'\n"
        "| fields @timestamp, @requestId, @duration, @billedDuration, @maxMemoryUsed, @log\n"
        "| sort @duration desc\n| limit 50"
    ),
    "Request by correlation id": (
        "fields @timestamp, level, function_name, message, correlation_id, @requestId\n"
        f"| filter correlation_id = '{{{{{CORRELATION_PARAMETER}}}}}'\n| sort @timestamp asc\n| limit 1000"
    ),
    "Cold starts by function": (
        "filter @type = 'REPORT' and ispresent(@initDuration)\n"
        "| stats count(*) as cold_starts, avg(@initDuration) as avg_init_ms, max(@initDuration) as max_init_ms "
        "by @log\n| sort cold_starts desc"
    ),
}


class ServiceSavedQueries(Construct):
    """The four saved queries over one service's log groups; ``queries`` maps title to CfnQueryDefinition.

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> from config.loader import load_config
    >>> stack, cfg = Stack(App(), "Example"), load_config("prod")
    >>> groups = ["/aws/lambda/orders-create", "/aws/lambda/orders-get"]
    >>> queries = ServiceSavedQueries(stack, "Orders", cfg=cfg, service="orders", log_groups=groups)
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, service: str,
                 log_groups: list[str]) -> None:
        super().__init__(scope, construct_id)
        self.queries: dict[str, logs.CfnQueryDefinition] = {}
        for index, (title, query) in enumerate(SAVED_QUERIES.items()):
            parameters = None
            if f"{{{{{CORRELATION_PARAMETER}}}}}" in query:
                parameters = [logs.CfnQueryDefinition.QueryParameterProperty(
                    name=CORRELATION_PARAMETER, description="x-correlation-id of the request to follow")]
            self.queries[title] = logs.CfnQueryDefinition(
                self, f"Query{index}", name=f"{cfg.app}/{cfg.env}/{service}/{title}", query_string=query,
                log_group_names=log_groups, parameters=parameters,
            )
