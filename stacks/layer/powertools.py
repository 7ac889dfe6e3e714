"""The AWS-managed Powertools for AWS Lambda (Python) v3 layer: one ARN per region, architecture and Python.

Pattern (Powertools docs, "Lambda Layer"):
``arn:aws:lambda:{region}:017000801446:layer:AWSLambdaPowertoolsPythonV3-{python}-{arch}:{version}``; the
China regions publish from 498634801083. The version is pinned in config (``powertools_layer_version``).
"""
from __future__ import annotations

import re

from aws_cdk import Aws, Token, aws_lambda as lambda_
from constructs import Construct

from config.errors import InputError
from config.schema import EnvironmentConfig

__all__ = ["powertools_layer_arn", "powertools_layer", "python_version_of", "PowertoolsLayerError",
           "POWERTOOLS_ACCOUNTS", "PYTHON_VERSIONS"]

POWERTOOLS_ACCOUNTS = {"aws": "017000801446", "aws-cn": "498634801083"}
PYTHON_VERSIONS = ("python39", "python310", "python311", "python312", "python313", "python314")
_ARCHITECTURES = {"arm64": "arm64", "x86_64": "x86_64"}


class PowertoolsLayerError(InputError):
    """An architecture, Python version or layer version the managed layer is not published for."""


def _architecture_name(architecture: lambda_.Architecture | str) -> str:
    name = architecture if isinstance(architecture, str) else architecture.name
    if name not in _ARCHITECTURES:
        raise PowertoolsLayerError(f"architecture {name!r} has no Powertools layer: allowed arm64, x86_64")
    return _ARCHITECTURES[name]


def powertools_layer_arn(version: int, architecture: lambda_.Architecture | str,
                         python_version: str = "python312", region: str | None = None) -> str:
    """The managed layer's ARN; the region and partition stay deploy-time tokens unless ``region`` is given.

    Parameters
    ----------
    version : int
        The layer version (same number in every region and architecture).
    architecture : lambda_.Architecture or str
        ``arm64`` or ``x86_64``.
    python_version : str
        ``python312`` style, as the layer names use it.
    region : str, optional
        A concrete region (selects the China account for ``cn-`` regions); default ``Aws.REGION``.

    Raises
    ------
    PowertoolsLayerError
        With one line naming the bad value and what is allowed.

    Example
    -------
    >>> powertools_layer_arn(27, "arm64", region="eu-west-1")
    'arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:27'
    """
    arch = _architecture_name(architecture)
    if python_version not in PYTHON_VERSIONS:
        raise PowertoolsLayerError(f"python_version {python_version!r} is not published: allowed "
                                   f"{', '.join(PYTHON_VERSIONS)}")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise PowertoolsLayerError(f"layer version must be a positive integer, got {version!r}")
    name = f"AWSLambdaPowertoolsPythonV3-{python_version}-{arch}:{version}"
    if region is None or Token.is_unresolved(region):
        return f"arn:{Aws.PARTITION}:lambda:{Aws.REGION}:{POWERTOOLS_ACCOUNTS['aws']}:layer:{name}"
    partition = "aws-cn" if region.startswith("cn-") else "aws"
    return f"arn:{partition}:lambda:{region}:{POWERTOOLS_ACCOUNTS[partition]}:layer:{name}"


def python_version_of(runtime: lambda_.Runtime) -> str:
    """``python3.12`` -> ``python312``.

    Example
    -------
    >>> python_version_of(lambda_.Runtime.PYTHON_3_13)
    'python313'
    """
    match = re.fullmatch(r"python3\.(\d+)", runtime.name)
    if not match:
        raise PowertoolsLayerError(f"runtime {runtime.name!r} is not a Python runtime")
    return f"python3{match.group(1)}"


def powertools_layer(scope: Construct, construct_id: str, cfg: EnvironmentConfig,
                     architecture: lambda_.Architecture,
                     runtime: lambda_.Runtime = lambda_.Runtime.PYTHON_3_12) -> lambda_.ILayerVersion:
    """The managed Powertools layer for one function's architecture and runtime, at the configured version.

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> from config.loader import load_config
    >>> stack, cfg = Stack(App(), "Example"), load_config("prod")
    >>> layer = powertools_layer(stack, "Powertools", cfg, lambda_.Architecture.ARM_64)
    >>> layer.layer_version_arn.split(":layer:")[1]
    'AWSLambdaPowertoolsPythonV3-python312-arm64:...'
    """
    arn = powertools_layer_arn(cfg.powertools_layer_version, architecture, python_version_of(runtime), cfg.region)
    return lambda_.LayerVersion.from_layer_version_arn(scope, construct_id, arn)
