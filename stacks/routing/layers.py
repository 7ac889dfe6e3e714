"""The layers the router runs with: AWS's Powertools layer and, once it exists, the observability layer.

stacks/layer (owned by the layer work) is the one place that builds layer ARNs; until it lands, the
Powertools ARN is built here from the same documented pattern.
"""
from __future__ import annotations

from aws_cdk import Aws, aws_lambda as lambda_
from constructs import Construct

from config.schema import EnvironmentConfig

__all__ = ["router_layers", "POWERTOOLS_ACCOUNT"]

# AWS publishes the Powertools for AWS Lambda (Python) v3 layers from this account in every commercial region.
POWERTOOLS_ACCOUNT = "017000801446"


def _powertools(scope: Construct, cfg: EnvironmentConfig) -> lambda_.ILayerVersion:
    try:
        from stacks.layer.powertools import powertools_layer  # type: ignore[import-not-found]
    except ImportError:
        arn = (f"arn:{Aws.PARTITION}:lambda:{Aws.REGION}:{POWERTOOLS_ACCOUNT}:layer:"
               f"AWSLambdaPowertoolsPythonV3-python312-arm64:{cfg.powertools_layer_version}")
        return lambda_.LayerVersion.from_layer_version_arn(scope, "PowertoolsLayer", arn)
    return powertools_layer(scope, "PowertoolsLayer", cfg, lambda_.Architecture.ARM_64)


def router_layers(scope: Construct, cfg: EnvironmentConfig,
                  observability: lambda_.ILayerVersion | None = None) -> list[lambda_.ILayerVersion]:
    """Powertools first, then the observability layer when the environment provides one.

    Example
    -------
    >>> router_layers(stack, cfg)  # doctest: +SKIP
    [<PowertoolsLayer>]
    """
    layers = [_powertools(scope, cfg)]
    if observability is not None:
        layers.append(observability)
    return layers
