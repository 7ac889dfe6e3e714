"""Contributor Insights rules per service over the Powertools JSON logs: top error fingerprints and top
callers (the layer's pseudonymous ``user``) by errors."""
from __future__ import annotations

import json

from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

from config.schema import EnvironmentConfig
from stacks.naming import resource_name

__all__ = ["ServiceContributorInsights", "insight_rule_bodies"]

_ERROR_LEVELS = ["ERROR", "CRITICAL"]


def insight_rule_bodies(log_groups: list[str]) -> dict[str, dict]:
    """Rule bodies by rule kind, in Contributor Insights' CloudWatchLogRule schema.

    Example
    -------
    >>> insight_rule_bodies(["/aws/lambda/f"])["top-error-fingerprints"]["Contribution"]["Keys"]
    ['$.error_fingerprint', '$.error_type']
    """
    def body(keys: list[str], filters: list[dict]) -> dict:
        return {
            "Schema": {"Name": "CloudWatchLogRule", "Version": 1},
            "LogGroupNames": log_groups,
            "LogFormat": "JSON",
            "Contribution": {"Keys": keys, "Filters": filters},
            "AggregateOn": "Count",
        }

    errors = {"Match": "$.level", "In": _ERROR_LEVELS}
    return {
        "top-error-fingerprints": body(["$.error_fingerprint", "$.error_type"],
                                       [errors, {"Match": "$.error_fingerprint", "IsPresent": True}]),
        "top-callers-by-errors": body(["$.user"], [errors, {"Match": "$.user", "IsPresent": True}]),
    }


class ServiceContributorInsights(Construct):
    """Both rules for one service's log groups; ``rules`` maps kind to CfnInsightRule.

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> from config.loader import load_config
    >>> stack, cfg = Stack(App(), "Example"), load_config("prod")
    >>> groups = ["/aws/lambda/orders-create", "/aws/lambda/orders-get"]
    >>> rules = ServiceContributorInsights(stack, "Orders", cfg=cfg, service="orders", log_groups=groups)
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, service: str,
                 log_groups: list[str]) -> None:
        super().__init__(scope, construct_id)
        self.rules: dict[str, cloudwatch.CfnInsightRule] = {}
        for kind, body in insight_rule_bodies(log_groups).items():
            self.rules[kind] = cloudwatch.CfnInsightRule(
                self, "".join(p.capitalize() for p in kind.split("-")),
                rule_name=resource_name(cfg, service, kind)[:128], rule_state="ENABLED",
                rule_body=json.dumps(body, separators=(",", ":")),
            )
