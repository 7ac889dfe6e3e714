"""``<app>-<env>-Logs``: retention, archive, Contributor Insights and saved queries for the log groups of every
monitored function."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from aws_cdk import Stack
from constructs import Construct

from config.schema import EnvironmentConfig
from stacks.logs import (
    FunctionLogRetention,
    LogArchive,
    MonitoredFunction,
    ServiceContributorInsights,
    ServiceSavedQueries,
    monitored_functions,
)

__all__ = ["LogsStack"]


def _cid(text: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in text.replace("_", "-").replace(".", "-").split("-"))


class LogsStack(Stack):
    """Everything ``logs:`` configures, for the functions each service lists (or discovers).

    ``resources_of`` returns a service's resources (default: as listed in config; the environment passes the
    monitoring work's discovery so template-discovered functions are covered too). ``extra_functions`` adds
    functions the environment deploys itself; ``retained_elsewhere`` names log groups another stack creates
    with retention (the demo service's), which get everything but a second retention setting.

    Example
    -------
    >>> from aws_cdk import App
    >>> from config.loader import load_config
    >>> app, cfg = App(), load_config("prod")
    >>> logs_stack = LogsStack(app, "watchtower-prod-Logs", cfg=cfg, services=cfg.services)
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, services: Sequence[Any],
                 resources_of: Callable[[Any], Any] = lambda service: getattr(service, "resources", None),
                 extra_functions: Sequence[MonitoredFunction] = (), retained_elsewhere: Sequence[str] = (),
                 **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        functions: list[MonitoredFunction] = []
        for service in services:
            functions.extend(monitored_functions(service.name, resources_of(service)))
        functions.extend(extra_functions)
        by_log_group: dict[str, MonitoredFunction] = {}
        for function in functions:  # one entry per log group, the first function that names it
            by_log_group.setdefault(function.log_group, function)
        self.functions = list(by_log_group.values())
        groups = [f.log_group for f in self.functions]
        self.retention = FunctionLogRetention(self, "Retention", log_groups=[g for g in groups if g not in
                                                                             retained_elsewhere],
                                              days=cfg.log_retention_days)
        self.archive = LogArchive(self, "Archive", cfg=cfg) if cfg.logs.archive and groups else None
        for fn in self.functions:
            # LogRetention creates a missing group: the subscription waits for it.
            made_by_retention = self.retention.retention.get(fn.log_group)
            needs = [made_by_retention] if made_by_retention is not None else []
            if self.archive is not None:
                self.archive.subscribe(_cid(fn.log_group), fn.log_group).node.add_dependency(*needs)
        self.insights: dict[str, ServiceContributorInsights] = {}
        self.queries: dict[str, ServiceSavedQueries] = {}
        for service in dict.fromkeys(f.service for f in self.functions):
            service_groups = [f.log_group for f in self.functions if f.service == service]
            if cfg.logs.contributor_insights:
                self.insights[service] = ServiceContributorInsights(
                    self, f"{_cid(service)}Insights", cfg=cfg, service=service, log_groups=service_groups)
            if cfg.logs.saved_queries:
                self.queries[service] = ServiceSavedQueries(
                    self, f"{_cid(service)}Queries", cfg=cfg, service=service, log_groups=service_groups)
