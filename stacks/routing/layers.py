"""The layers the router runs with: AWS's Powertools layer and, when the environment has one, the observability
layer. The Powertools ARN comes from stacks.layer, the one place that builds layer ARNs."""
from __future__ import annotations

from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from config.schema import EnvironmentConfig
from stacks.layer.powertools import powertools_layer

__all__ = ["router_layers"]


def router_layers(scope: Construct, cfg: EnvironmentConfig,
                  observability: lambda_.ILayerVersion | None = None) -> list[lambda_.ILayerVersion]:
    """Powertools first, then the observability layer when the environment provides one.

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> from config.loader import load_config
    >>> stack, cfg = Stack(App(), "Example"), load_config("prod")
    >>> [layer.node.id for layer in router_layers(stack, cfg)]
    ['PowertoolsLayer']
    """
    layers = [powertools_layer(scope, "PowertoolsLayer", cfg, lambda_.Architecture.ARM_64)]
    if observability is not None:
        layers.append(observability)
    return layers
