"""X-Ray as code: sampling rules per API stage, groups per service, insight notifications."""
from stacks.tracing.groups import ServiceTraceGroups, group_filters
from stacks.tracing.insights import InsightNotifications
from stacks.tracing.names import short_name
from stacks.tracing.sampling import ServiceSamplingRules

__all__ = ["ServiceSamplingRules", "ServiceTraceGroups", "InsightNotifications", "group_filters", "short_name"]
