"""Logs as code: retention on monitored log groups, Firehose archive to S3, Contributor Insights rules and saved
Logs Insights queries."""
from stacks.logs.archive import LogArchive
from stacks.logs.insights import ServiceContributorInsights
from stacks.logs.queries import SAVED_QUERIES, ServiceSavedQueries
from stacks.logs.retention import FunctionLogRetention, retention_days_enum
from stacks.logs.targets import MonitoredFunction, monitored_functions

__all__ = ["LogArchive", "ServiceContributorInsights", "ServiceSavedQueries", "SAVED_QUERIES",
           "FunctionLogRetention", "retention_days_enum", "MonitoredFunction", "monitored_functions"]
