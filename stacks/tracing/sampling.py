"""X-Ray sampling rules for a service's API Gateway stages (where head-based sampling is decided).

Lambda's own sampling is fixed (1 request/s plus 5%), so rules only matter at the first traced hop: the
REST API stage. HTTP APIs do not support X-Ray tracing and get no rule.
"""
from __future__ import annotations

from aws_cdk import aws_xray as xray
from constructs import Construct

from config.schema import EnvironmentConfig
from config.telemetry import TracingConfig
from stacks.naming import resource_name
from stacks.tracing.names import short_name

__all__ = ["ServiceSamplingRules", "API_STAGE_SERVICE_TYPE", "DEBUG_PRIORITY", "DEFAULT_PRIORITY"]

API_STAGE_SERVICE_TYPE = "AWS::ApiGateway::Stage"
# Lower numbers are evaluated first: debug rules must win over any default rule (AWS's own default is last).
DEBUG_PRIORITY = 100
DEFAULT_PRIORITY = 1000


class ServiceSamplingRules(Construct):
    """One rule per REST API stage of the service: ``ServiceName`` is ``<api name>/<stage>`` as API Gateway
    reports itself in segments.

    ``rules`` maps ``api/stage`` to the CfnSamplingRule.

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> from config.loader import load_config
    >>> stack, cfg = Stack(App(), "Example"), load_config("prod")
    >>> svc = cfg.services[0]
    >>> rules = ServiceSamplingRules(stack, "Orders", cfg=cfg, service="orders", tracing=svc.tracing,
    ...                              api_stages=[("orders-api", "prod")], index=0)
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, service: str,
                 tracing: TracingConfig, api_stages: list[tuple[str, str]], index: int) -> None:
        super().__init__(scope, construct_id)
        rate = tracing.effective_rate(cfg.tracing)
        reservoir = tracing.effective_reservoir(cfg.tracing)
        debugging = rate == 1.0 and (tracing.debug or cfg.tracing.debug)
        self.rules: dict[str, xray.CfnSamplingRule] = {}
        for stage_index, (api, stage) in enumerate(api_stages):
            # Stable, distinct priorities: one band per service, one step per stage within it.
            priority = (DEBUG_PRIORITY if debugging else DEFAULT_PRIORITY) + index * 10 + stage_index
            self.rules[f"{api}/{stage}"] = xray.CfnSamplingRule(
                self,
                f"Rule{stage_index}",
                sampling_rule=xray.CfnSamplingRule.SamplingRuleProperty(
                    rule_name=short_name(resource_name(cfg, service, api, stage)),
                    priority=min(priority, 9999),
                    fixed_rate=rate,
                    reservoir_size=reservoir,
                    service_name=f"{api}/{stage}"[:64],
                    service_type=API_STAGE_SERVICE_TYPE,
                    host="*",
                    http_method="*",
                    url_path="*",
                    resource_arn="*",
                    version=1,
                ),
            )
