"""DemoServiceStack: the demo weight-validation service, using the layer published by LayerStack."""
from __future__ import annotations

from aws_cdk import CfnOutput, Stack, aws_lambda as lambda_, aws_ssm as ssm
from constructs import Construct

from config.schema import EnvironmentConfig
from stacks.demo.service import DemoService
from stacks.naming import ssm_path

__all__ = ["DemoServiceStack", "demo_api_url_parameter"]


def demo_api_url_parameter(cfg: EnvironmentConfig) -> str:
    """SSM parameter holding the demo API's base URL.

    Example
    -------
    >>> from config.loader import load_config
    >>> demo_api_url_parameter(load_config("dev"))
    '/watchtower/dev/demo/api-url'
    """
    return ssm_path(cfg, "demo", "api-url")


class DemoServiceStack(Stack):
    """Deploys the demo service; the observability layer ARN is read from SSM at deploy time.

    A stack export would pin the layer: CloudFormation refuses to change an export while another stack
    imports it, and every layer change publishes a new ARN. Deploy LayerStack first (the environment adds
    that dependency).

    Example
    -------
    >>> from aws_cdk import App
    >>> from config.loader import load_config
    >>> app, cfg = App(), load_config("dev")
    >>> demo = DemoServiceStack(app, "watchtower-dev-DemoService", cfg=cfg,
    ...                         layer_parameter_name="/watchtower/dev/observability-layer-arn")
    >>> demo.names.table
    'watchtower-dev-demo-measurements'
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, layer_parameter_name: str,
                 layer_build_id: str = "", **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        layer_arn = ssm.StringParameter.value_for_string_parameter(self, layer_parameter_name)
        layer = lambda_.LayerVersion.from_layer_version_arn(self, "ObservabilityLayer", layer_arn)
        self.service = DemoService(self, "Demo", cfg=cfg, observability_layer=layer, layer_build_id=layer_build_id)
        self.names = self.service.names
        CfnOutput(self, "ApiUrl", value=self.service.api.url, description="Demo API base URL")
        # The canary stack reads the URL from here at deploy time: an export would block replacing the API.
        self.api_url_parameter = demo_api_url_parameter(cfg)
        ssm.StringParameter(self, "ApiUrlParameter", parameter_name=self.api_url_parameter,
                            string_value=self.service.api.url, description="Demo API base URL (read by its canary)")
