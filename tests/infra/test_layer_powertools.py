"""The AWS-managed Powertools layer ARN: per region, architecture and Python version, version from config."""
from __future__ import annotations

import pytest
from aws_cdk import Stack
from aws_cdk import aws_lambda as lambda_

from stacks.layer.powertools import (PowertoolsLayerError, powertools_layer, powertools_layer_arn,
                                     python_version_of)


@pytest.mark.parametrize(("architecture", "python", "region", "expected"), [
    (lambda_.Architecture.ARM_64, "python312", "eu-west-1",
     "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:27"),
    (lambda_.Architecture.X86_64, "python313", "us-east-1",
     "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python313-x86_64:27"),
    ("arm64", "python312", "cn-north-1",
     "arn:aws-cn:lambda:cn-north-1:498634801083:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:27"),
])
def test_arn_follows_the_published_pattern(architecture, python, region, expected):
    assert powertools_layer_arn(27, architecture, python, region) == expected


def test_without_a_region_the_arn_uses_deploy_time_region_and_partition():
    stack = Stack()
    arn = stack.resolve(powertools_layer_arn(27, "arm64"))
    assert arn == {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":lambda:", {"Ref": "AWS::Region"},
                                     ":017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:27"]]}


@pytest.mark.parametrize(("args", "message"), [
    ((27, "sparc"), "architecture 'sparc' has no Powertools layer: allowed arm64, x86_64"),
    ((27, "arm64", "python27"), "python_version 'python27' is not published: allowed python39"),
    ((0, "arm64"), "layer version must be a positive integer, got 0"),
])
def test_bad_values_give_one_clear_line(args, message):
    with pytest.raises(PowertoolsLayerError, match=message.replace("(", r"\(")):
        powertools_layer_arn(*args)


def test_runtime_names_map_to_layer_python_names():
    assert python_version_of(lambda_.Runtime.PYTHON_3_12) == "python312"
    with pytest.raises(PowertoolsLayerError):
        python_version_of(lambda_.Runtime.NODEJS_20_X)


def test_powertools_layer_uses_the_configured_version():
    from config.loader import load_config

    cfg = load_config("dev")
    stack = Stack()
    layer = powertools_layer(stack, "Powertools", cfg, lambda_.Architecture.ARM_64, lambda_.Runtime.PYTHON_3_13)
    assert f"python313-arm64:{cfg.powertools_layer_version}" in str(stack.resolve(layer.layer_version_arn))
