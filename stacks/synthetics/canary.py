"""One Synthetics canary per service (Python runtime) running lambdas/canary/python/canary_handler.py."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from aws_cdk import (
    Arn,
    ArnComponents,
    ArnFormat,
    Duration,
    Stack,
    Token,
    aws_cloudwatch as cloudwatch,
    aws_iam as iam,
    aws_s3 as s3,
    aws_synthetics as synthetics,
)
from constructs import Construct

from config.schema import EnvironmentConfig
from config.telemetry import CanaryConfig
from stacks.cfn import cfn_resource
from stacks.nag import suppress
from stacks.naming import resource_name

__all__ = ["ServiceCanary", "CanaryRef", "canary_name", "canary_checks_json", "CANARY_CODE_DIR", "CANARY_HANDLER"]

CANARY_CODE_DIR = Path(__file__).resolve().parents[2] / "lambdas" / "canary"
# Synthetics' Python runtimes load python/<file>.py and call <file>.handler.
CANARY_HANDLER = "canary_handler.handler"
_EXCLUDE = ["**/__pycache__", "**/*.pyc"]


def canary_name(cfg: EnvironmentConfig, service: str) -> str:
    """``{app}-{env}-{service}``, lower-case as Synthetics requires (up to 255 characters since 2024-09).

    Example
    -------
    >>> from config.loader import load_config
    >>> cfg = load_config("prod")
    >>> canary_name(cfg, "orders")
    'watchtower-prod-orders'
    """
    return resource_name(cfg, service).lower()


def canary_checks_json(canary: CanaryConfig) -> str:
    """The checks as the handler reads them (CANARY_CHECKS): secret names only, never values.

    Example
    -------
    >>> json.loads(canary_checks_json(CanaryConfig(base_url="https://x.example.com")))[0]["path"]
    '/health/live'
    """
    return json.dumps(
        [c.model_dump(exclude_none=True) for c in canary.all_checks()], separators=(",", ":"), sort_keys=True
    )


@dataclass(frozen=True)
class CanaryRef:
    """A canary as another stack sees it: its metrics by canary name, so alarms on it can live beside the
    composites that name them (CloudWatch will not delete an alarm a composite in another stack still names).

    Example
    -------
    >>> from config.loader import load_config
    >>> orders = next(s for s in load_config("prod").services if s.name == "orders")
    >>> ref = CanaryRef("orders", orders.canary, 5, "watchtower-prod-orders")
    >>> metric = ref.metric_duration(period=Duration.minutes(5), statistic="Average")
    >>> metric.metric_name, metric.dimensions
    ('Duration', {'CanaryName': 'watchtower-prod-orders'})
    """

    service: str
    config: CanaryConfig
    schedule_minutes: int
    name: str

    def _metric(self, metric: str, period: Duration, statistic: str) -> cloudwatch.Metric:
        return cloudwatch.Metric(namespace="CloudWatchSynthetics", metric_name=metric,
                                 dimensions_map={"CanaryName": self.name}, period=period, statistic=statistic)

    def metric_success_percent(self, *, period: Duration, statistic: str) -> cloudwatch.Metric:
        """CloudWatchSynthetics SuccessPercent of this canary."""
        return self._metric("SuccessPercent", period, statistic)

    def metric_duration(self, *, period: Duration, statistic: str) -> cloudwatch.Metric:
        """CloudWatchSynthetics Duration of this canary (ms)."""
        return self._metric("Duration", period, statistic)


class ServiceCanary(Construct):
    """The canary of ``service``: schedule from the service or the environment, artifacts in ``bucket``.

    ``base_url`` is the service's URL (config, or supplied by the environment, e.g. the demo API's URL token).

    Example
    -------
    >>> from aws_cdk import App, Stack, aws_s3 as s3
    >>> from config.loader import load_config
    >>> stack, cfg = Stack(App(), "Example"), load_config("prod")
    >>> svc = next(s for s in cfg.services if s.name == "orders")
    >>> bucket = s3.Bucket(stack, "Artifacts")
    >>> ServiceCanary(stack, "Orders", cfg=cfg, service="orders", canary=svc.canary, bucket=bucket,
    ...               base_url=svc.canary.base_url).name
    'watchtower-prod-orders'
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, service: str,
                 canary: CanaryConfig, bucket: s3.IBucket, base_url: str) -> None:
        super().__init__(scope, construct_id)
        self.service = service
        self.config = canary
        self.schedule_minutes = canary.schedule_minutes or cfg.synthetics.schedule_minutes
        self.name = canary_name(cfg, service)
        self.canary = synthetics.Canary(
            self,
            "Canary",
            canary_name=self.name,
            runtime=synthetics.Runtime(cfg.synthetics.runtime, synthetics.RuntimeFamily.PYTHON),
            test=synthetics.Test.custom(
                code=synthetics.Code.from_asset(str(CANARY_CODE_DIR), exclude=_EXCLUDE),
                handler=CANARY_HANDLER,
            ),
            schedule=synthetics.Schedule.rate(Duration.minutes(self.schedule_minutes)),
            timeout=Duration.seconds(canary.timeout_seconds),
            artifacts_bucket_location=synthetics.ArtifactsBucketLocation(bucket=bucket, prefix=service),
            environment_variables={
                "CANARY_BASE_URL": base_url,
                "CANARY_CHECKS": canary_checks_json(canary),
                "CANARY_TIMEOUT_SECONDS": str(min(canary.timeout_seconds, 30)),
            },
            start_after_creation=True,
            # Deleting the canary also deletes the Lambda function and layer Synthetics made for it.
            provisioned_resource_cleanup=True,
            success_retention_period=Duration.days(7),
            failure_retention_period=Duration.days(14),
        )
        self._grant_headers_secrets(canary)
        self._acknowledge_canary_policy(bucket, service)
        self.ref = CanaryRef(service, canary, self.schedule_minutes, self.name)

    def metric_success_percent(self, *, period: Duration, statistic: str) -> cloudwatch.IMetric:
        """The canary's SuccessPercent (CDK's canned metric)."""
        return self.canary.metric_success_percent(period=period, statistic=statistic)

    def metric_duration(self, *, period: Duration, statistic: str) -> cloudwatch.IMetric:
        """The canary's Duration (CDK's canned metric)."""
        return self.canary.metric_duration(period=period, statistic=statistic)

    def _acknowledge_canary_policy(self, bucket: s3.IBucket, prefix: str) -> None:
        """The role CDK generates follows Synthetics' documented canary policy; its wildcards are scoped."""
        stack = Stack.of(self)

        def shown(value: str, pseudo: str) -> str:
            return f"<{pseudo}>" if Token.is_unresolved(value) else value

        bucket_id = stack.resolve(stack.get_logical_id(cfn_resource(bucket, s3.CfnBucket)))
        # cdk.json's enablePartitionLiterals writes 'aws' where the region is known; tests' bare App writes a token.
        log_groups = (f"arn:{shown(stack.partition, 'AWS::Partition')}:logs:{shown(stack.region, 'AWS::Region')}:"
                      f"{shown(stack.account, 'AWS::AccountId')}:log-group:/aws/lambda/cwsyn-*")
        reasons = {
            "Resource::*": "s3:ListAllMyBuckets, xray:PutTraceSegments and cloudwatch:PutMetricData (limited to "
                           "the CloudWatchSynthetics namespace by condition) have no resource-level permissions",
            f"Resource::<{bucket_id}.Arn>/{prefix}/*": "the canary writes its run artifacts under its own prefix",
            f"Resource::{log_groups}": "Synthetics names the canary's Lambda cwsyn-<name>-<id> at creation time",
        }
        for finding, reason in reasons.items():
            suppress(self.canary.role, f"AwsSolutions-IAM5[{finding}]", reason)

    def _grant_headers_secrets(self, canary: CanaryConfig) -> None:
        names = sorted({c.headers_secret for c in canary.all_checks() if c.headers_secret})
        if not names:
            return
        stack = Stack.of(self)
        # Secrets Manager appends '-XXXXXX' to a secret's ARN: the 6-character wildcard matches only that.
        arns = [
            Arn.format(
                ArnComponents(service="secretsmanager", resource="secret", resource_name=f"{name}-??????",
                              arn_format=ArnFormat.COLON_RESOURCE_NAME),
                stack,
            )
            for name in names
        ]
        self.canary.role.add_to_principal_policy(
            iam.PolicyStatement(actions=["secretsmanager:GetSecretValue"], resources=arns)
        )
