"""The observability LayerVersion (python3.12/3.13, arm64/x86_64), old versions retained, ARN in SSM."""
from __future__ import annotations

from aws_cdk import AssetHashType, BundlingOptions, DockerImage, RemovalPolicy, aws_lambda as lambda_, aws_ssm as ssm
from constructs import Construct

from config.schema import EnvironmentConfig
from stacks.layer.bundle import LAYER_SOURCE, LayerBundling
from stacks.naming import resource_name, ssm_path

__all__ = ["ObservabilityLayer", "COMPATIBLE_RUNTIMES", "COMPATIBLE_ARCHITECTURES", "layer_arn_parameter_name"]

COMPATIBLE_RUNTIMES = (lambda_.Runtime.PYTHON_3_12, lambda_.Runtime.PYTHON_3_13)
COMPATIBLE_ARCHITECTURES = (lambda_.Architecture.ARM_64, lambda_.Architecture.X86_64)


def layer_arn_parameter_name(cfg: EnvironmentConfig) -> str:
    """``/<app>/<env>/observability-layer-arn``.

    Example
    -------
    >>> from config.loader import load_config
    >>> cfg = load_config("dev")
    >>> layer_arn_parameter_name(cfg)
    '/watchtower/dev/observability-layer-arn'
    """
    return ssm_path(cfg, "observability-layer-arn")


class ObservabilityLayer(Construct):
    """The layer service functions attach (with the AWS-managed Powertools layer) to ``import observability``.

    Each code change publishes a new version; the previous ones are retained (DeletionPolicy Retain), so
    functions pinned to them keep working. Consumers read the current ARN from SSM at deploy time rather
    than through a stack export, which CloudFormation would refuse to change while it is imported.

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> from config.loader import load_config
    >>> stack = Stack(App(), "Example")
    >>> layer = ObservabilityLayer(stack, "Observability", cfg=load_config("dev"))
    >>> from stacks.cfn import cfn_resource
    >>> cfn_resource(layer.parameter, ssm.CfnParameter).name
    '/watchtower/dev/observability-layer-arn'
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig) -> None:
        super().__init__(scope, construct_id)
        code = lambda_.Code.from_asset(
            str(LAYER_SOURCE),
            exclude=["**/__pycache__", "**/*.pyc"],
            asset_hash_type=AssetHashType.SOURCE,
            # Docker is only the fallback CDK requires to be named; LayerBundling always succeeds locally.
            bundling=BundlingOptions(image=DockerImage.from_registry("public.ecr.aws/sam/build-python3.12"),
                                     local=LayerBundling()),
        )
        self.layer_version = lambda_.LayerVersion(
            self, "Layer",
            layer_version_name=resource_name(cfg, "observability"),
            code=code,
            compatible_runtimes=list(COMPATIBLE_RUNTIMES),
            compatible_architectures=list(COMPATIBLE_ARCHITECTURES),
            description="observability: JSON logs, EMF metrics, tracing, PII redaction, health (needs Powertools)",
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.parameter = ssm.StringParameter(
            self, "ArnParameter",
            parameter_name=layer_arn_parameter_name(cfg),
            string_value=self.layer_version.layer_version_arn,
            description=f"Current observability layer version ARN for {cfg.app} {cfg.env}",
        )
