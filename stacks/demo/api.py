"""The demo's REST API: /measurements and /health/*, traced, access- and execution-logged, throttled."""
from __future__ import annotations

from aws_cdk import RemovalPolicy, aws_apigateway as apigw, aws_lambda as lambda_
from constructs import Construct

from config.schema import EnvironmentConfig
from stacks.demo.log_group import retained_log_group
from stacks.demo.names import DemoNames
from stacks.nag import suppress

__all__ = ["DemoApi", "ROUTES"]

# (path, method): every route the handler serves; anything else never reaches the function.
ROUTES = (("/measurements", "POST"), ("/measurements/{measurement_id}", "GET"), ("/health/live", "GET"),
          ("/health/ready", "GET"), ("/health/detailed", "GET"))


class DemoApi(Construct):
    """A regional REST API in front of the demo function.

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> from config.loader import load_config
    >>> from stacks.demo.names import demo_names
    >>> stack, cfg = Stack(App(), "Example"), load_config("dev")
    >>> fn = lambda_.Function.from_function_name(stack, "Fn", "watchtower-dev-demo-api")
    >>> api = DemoApi(stack, "Api", cfg=cfg, names=demo_names(cfg), function=fn)
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, names: DemoNames,
                 function: lambda_.IFunction) -> None:
        super().__init__(scope, construct_id)
        self.access_logs = retained_log_group(self, "AccessLogs", names.access_log_group, cfg.log_retention_days)
        self.rest_api = apigw.RestApi(
            self, "RestApi",
            rest_api_name=names.api,
            description="Demo weight-validation service (observability layer showcase)",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # Opt-in: the account's API Gateway logging role is shared by every API of the account and region.
            cloud_watch_role=cfg.demo_api_gateway_account,
            cloud_watch_role_removal_policy=RemovalPolicy.DESTROY if cfg.demo_api_gateway_account else None,
            deploy_options=apigw.StageOptions(
                stage_name=names.stage, tracing_enabled=True, metrics_enabled=True,
                logging_level=apigw.MethodLoggingLevel.ERROR, data_trace_enabled=False,
                throttling_rate_limit=50, throttling_burst_limit=100,
                access_log_destination=apigw.LogGroupLogDestination(self.access_logs),
                access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
                    caller=False, http_method=True, ip=False, protocol=True, request_time=True,
                    resource_path=True, response_length=True, status=True, user=False)),
        )
        suppress(self.rest_api, "AwsSolutions-APIG2",
                 "the function validates every body and answers one clear 400 line per problem; a gateway "
                 "model would replace those messages by a generic 'Invalid request body'")
        role = self.rest_api.node.try_find_child("CloudWatchRole")
        if role is not None:
            suppress(role, "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                           "AmazonAPIGatewayPushToCloudWatchLogs]",
                     "API Gateway's account-level logging role uses the AWS-managed policy API Gateway documents")
        integration = apigw.LambdaIntegration(function, allow_test_invoke=False)
        self.methods: list[apigw.Method] = []
        for path, verb in ROUTES:
            resource = self.rest_api.root.resource_for_path(path)
            method = resource.add_method(verb, integration)
            self.methods.append(method)
            reason = ("public demo endpoint in dev: it shows the layer's telemetry without credentials, "
                      "holds only synthetic measurements, and is throttled at the stage")
            suppress(method, "AwsSolutions-APIG4", reason)
            suppress(method, "AwsSolutions-COG4", reason)
        suppress(self.rest_api.deployment_stage, "AwsSolutions-APIG3",
                 "dev-only demo API with stage throttling; a WAF web ACL would cost more than the demo itself")
        self.url = self.rest_api.url
