"""The bucket canaries write run artifacts to: encrypted, TLS-only, private, expired on a lifecycle."""
from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, aws_s3 as s3
from constructs import Construct

from config.schema import EnvironmentConfig
from stacks.nag import suppress

__all__ = ["ArtifactsBucket"]


class ArtifactsBucket(Construct):
    """S3-managed encryption, public access blocked, SSL enforced, objects expired after
    ``synthetics.artifact_expiry_days``.

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> from config.loader import load_config
    >>> stack, cfg = Stack(App(), "Example"), load_config("prod")
    >>> ArtifactsBucket(stack, "Artifacts", cfg=cfg).bucket.node.id
    'Bucket'
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig) -> None:
        super().__init__(scope, construct_id)
        days = cfg.synthetics.artifact_expiry_days
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=False,
            removal_policy=RemovalPolicy.RETAIN,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ExpireCanaryArtifacts",
                    expiration=Duration.days(days),
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                )
            ],
        )
        suppress(
            self.bucket,
            "AwsSolutions-S1",
            "Canary artifacts (screenshots, HAR, logs) are written only by the canary role and expire after "
            f"{days} days; access logging them would cost more than the artifacts are worth",
        )
