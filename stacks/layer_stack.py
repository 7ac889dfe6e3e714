"""LayerStack: the observability Lambda layer of one environment and its ARN in SSM."""
from __future__ import annotations

from aws_cdk import Stack, aws_lambda as lambda_
from constructs import Construct

from config.schema import EnvironmentConfig
from stacks.cfn import cfn_resource
from stacks.layer.observability_layer import ObservabilityLayer, layer_arn_parameter_name

__all__ = ["LayerStack"]


class LayerStack(Stack):
    """Publishes the ``observability`` layer; ``.layer`` is the LayerVersion, ``.parameter_name`` its SSM path.

    Example
    -------
    >>> from aws_cdk import App
    >>> from config.loader import load_config
    >>> app, cfg = App(), load_config("dev")
    >>> len(LayerStack(app, "watchtower-dev-Layer", cfg=cfg).build_id)
    16
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.observability = ObservabilityLayer(self, "Observability", cfg=cfg)
        self.layer = self.observability.layer_version
        # The plain name (not the parameter's token): other stacks resolve it at deploy time.
        self.parameter_name = layer_arn_parameter_name(cfg)
        # The layer zip's content hash (a plain string, not a token): consumers put it in their template so a
        # new layer version changes them too, and CloudFormation re-reads the ARN from SSM on that deploy.
        content = cfn_resource(self.layer, lambda_.CfnLayerVersion).content
        assert isinstance(content, lambda_.CfnLayerVersion.ContentProperty), "an asset layer has literal content"
        self.build_id = content.s3_key.split(".")[0][:16]
