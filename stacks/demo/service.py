"""DemoService: table + function + API, composed; exposes the names monitoring and canaries use."""
from __future__ import annotations

from aws_cdk import RemovalPolicy, aws_dynamodb as dynamodb, aws_lambda as lambda_
from constructs import Construct

from config.schema import EnvironmentConfig
from stacks.demo.api import DemoApi
from stacks.demo.function import DemoFunction
from stacks.demo.names import demo_names
from stacks.demo.traffic import DemoTraffic

__all__ = ["DemoService"]


class DemoService(Construct):
    """The demo weight-validation service.

    Example
    -------
    >>> from aws_cdk import App, Stack, aws_lambda as lambda_
    >>> from config.loader import load_config
    >>> stack, cfg = Stack(App(), "Example"), load_config("dev")
    >>> layer = lambda_.LayerVersion.from_layer_version_arn(
    ...     stack, "Layer", "arn:aws:lambda:eu-west-1:123456789012:layer:watchtower-dev-observability:1")
    >>> DemoService(stack, "Demo", cfg=cfg, observability_layer=layer).names.table
    'watchtower-dev-demo-measurements'
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig,
                 observability_layer: lambda_.ILayerVersion, layer_build_id: str = "") -> None:
        super().__init__(scope, construct_id)
        self.names = demo_names(cfg)
        self.table = dynamodb.Table(
            self, "Measurements",
            table_name=self.names.table,
            partition_key=dynamodb.Attribute(name="measurement_id", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True),
            removal_policy=RemovalPolicy.DESTROY,  # synthetic demo data in dev only
        )
        self.function = DemoFunction(self, "Api", cfg=cfg, names=self.names, table=self.table,
                                     observability_layer=observability_layer, layer_build_id=layer_build_id).function
        self.api = DemoApi(self, "Http", cfg=cfg, names=self.names, function=self.function)
        self.traffic = DemoTraffic(self, "Traffic", function=self.function, stage=self.names.stage,
                                   rule_name=self.names.traffic_rule)
