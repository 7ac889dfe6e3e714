"""The demo's Lambda: python3.12 arm64, Powertools + observability layers, active tracing, least privilege."""
from __future__ import annotations

from pathlib import Path

from aws_cdk import Duration, Stack, aws_dynamodb as dynamodb, aws_iam as iam, aws_lambda as lambda_
from constructs import Construct

from config.schema import EnvironmentConfig
from stacks.cfn import cfn_resource
from stacks.demo.log_group import retained_log_group
from stacks.demo.names import DemoNames
from stacks.layer.powertools import powertools_layer
from stacks.nag import suppress

__all__ = ["DemoFunction", "DEMO_CODE", "RUNTIME", "ARCHITECTURE"]

DEMO_CODE = Path(__file__).resolve().parents[2] / "lambdas" / "demo_service"
RUNTIME = lambda_.Runtime.PYTHON_3_12
ARCHITECTURE = lambda_.Architecture.ARM_64


class DemoFunction(Construct):
    """The function, its log group (created here, with retention) and its role (no managed policies).

    Example
    -------
    >>> from aws_cdk import App, Stack, aws_lambda as lambda_
    >>> from config.loader import load_config
    >>> stack, cfg = Stack(App(), "Example"), load_config("dev")
    >>> layer = lambda_.LayerVersion.from_layer_version_arn(
    ...     stack, "Layer", "arn:aws:lambda:eu-west-1:123456789012:layer:watchtower-dev-observability:1")
    >>> from aws_cdk import aws_dynamodb as dynamodb
    >>> from stacks.demo.names import demo_names
    >>> table = dynamodb.Table.from_table_name(stack, "Table", "watchtower-dev-demo-measurements")
    >>> demo = DemoFunction(stack, "Function", cfg=cfg, names=demo_names(cfg), table=table, observability_layer=layer)
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, names: DemoNames,
                 table: dynamodb.ITable, observability_layer: lambda_.ILayerVersion,
                 layer_build_id: str = "") -> None:
        super().__init__(scope, construct_id)
        self.log_group = retained_log_group(self, "Logs", names.log_group, cfg.log_retention_days)
        self.role = iam.Role(self, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                             description=f"{names.function}: write its logs, use its table, send traces")
        self.role.add_to_policy(iam.PolicyStatement(
            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
            resources=[self.log_group.log_group_arn]))
        table.grant_read_write_data(self.role)
        self.role.add_to_policy(iam.PolicyStatement(  # the /health/ready check
            actions=["dynamodb:DescribeTable"], resources=[table.table_arn]))
        self.function = lambda_.Function(
            self, "Function",
            function_name=names.function,
            description="Demo weight-validation API, instrumented with the observability layer",
            runtime=RUNTIME, architecture=ARCHITECTURE,
            handler="demo_api.handler",
            code=lambda_.Code.from_asset(str(DEMO_CODE), exclude=["**/__pycache__", "**/*.pyc"]),
            layers=[powertools_layer(self, "Powertools", cfg, ARCHITECTURE, RUNTIME), observability_layer],
            memory_size=256, timeout=Duration.seconds(10),
            tracing=lambda_.Tracing.ACTIVE,
            role=self.role, log_group=self.log_group,
            environment={
                "SERVICE_NAME": names.service, "ENVIRONMENT": cfg.env, "METRICS_NAMESPACE": names.metrics_namespace,
                "LOG_LEVEL": "INFO", "ENABLE_METRICS": "true", "ENABLE_TRACING": "true",
                "TABLE_NAME": table.table_name, "MIN_QUALITY_SCORE": "70",
                # Changes with every layer build, so this function is updated (and picks up the new layer ARN).
                "OBSERVABILITY_LAYER_BUILD": layer_build_id or "unknown",
            },
        )
        # The code's content hash as the service version: /health/detailed reports what is deployed.
        cfn_function = cfn_resource(self.function, lambda_.CfnFunction)
        code = cfn_function.code
        assert isinstance(code, lambda_.CfnFunction.CodeProperty), "an asset function has literal code"
        self.function.add_environment("SERVICE_VERSION", str(code.s3_key).split(".")[0][:12])
        suppress(self.function, "AwsSolutions-L1",
                 "python3.12 is the team's pinned Lambda runtime (docs/DEVELOPING.md); the observability layer "
                 "is built for 3.12 and 3.13 and moving is a deliberate change")
        policy = self.role.node.find_child("DefaultPolicy")
        # Lambda adds DependsOn the role, which the Role GetAtt already implies (cfn-lint W3005); keep only the
        # wait for the policy, so the first invocation can already write logs and use the table.
        cfn_policy = cfn_resource(policy, iam.CfnPolicy)
        cfn_function.add_override("DependsOn", [Stack.of(self).get_logical_id(cfn_policy)])
        suppress(policy, "AwsSolutions-IAM5[Resource::*]",
                 "X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions (active tracing)")
