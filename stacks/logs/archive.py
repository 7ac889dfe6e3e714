"""Log archive: every monitored log group -> subscription filter -> Firehose -> S3, colder after
``archive_transition_days`` and expired after ``archive_expiry_days`` (config ``logs:``)."""
from __future__ import annotations

from typing import cast

from aws_cdk import (
    Duration,
    RemovalPolicy,
    Size,
    Stack,
    aws_iam as iam,
    aws_kinesisfirehose as firehose,
    aws_logs as logs,
    aws_logs_destinations as destinations,
    aws_s3 as s3,
)
from constructs import Construct

from config.schema import EnvironmentConfig
from stacks.cfn import cfn_resource
from stacks.nag import suppress
from stacks.naming import resource_name

__all__ = ["LogArchive", "ARCHIVE_PREFIX"]

ARCHIVE_PREFIX = "logs/"
# Config names (S3's own) to CDK's enum members.
_STORAGE_CLASSES = {
    "STANDARD_IA": s3.StorageClass.INFREQUENT_ACCESS, "GLACIER_IR": s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
    "GLACIER": s3.StorageClass.GLACIER, "DEEP_ARCHIVE": s3.StorageClass.DEEP_ARCHIVE,
}


class LogArchive(Construct):
    """The archive bucket (with its access-log bucket), the delivery stream, and ``subscribe(...)``.

    CloudWatch Logs delivers subscription data gzip-compressed, so Firehose stores it as is (``.gz`` objects).

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> from config.loader import load_config
    >>> stack, cfg = Stack(App(), "Example"), load_config("prod")
    >>> archive = LogArchive(stack, "Archive", cfg=cfg)
    >>> subscription = archive.subscribe("OrdersCreate", "/aws/lambda/orders-create")
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig) -> None:
        super().__init__(scope, construct_id)
        settings = cfg.logs
        # Grant S3 log delivery through a bucket policy instead of the legacy LogDeliveryWrite ACL (cfn-lint W3045).
        self.node.set_context("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", True)
        self.access_logs = s3.Bucket(
            self, "AccessLogs", encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL, enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED, removal_policy=RemovalPolicy.RETAIN,
            lifecycle_rules=[s3.LifecycleRule(id="ExpireAccessLogs",
                                              expiration=Duration.days(settings.archive_expiry_days))],
        )
        suppress(self.access_logs, "AwsSolutions-S1",
                 "This bucket is the archive's server-access-log target; logging it would recurse")
        self.bucket = s3.Bucket(
            self, "Bucket", encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL, enforce_ssl=True, removal_policy=RemovalPolicy.RETAIN,
            server_access_logs_bucket=self.access_logs, server_access_logs_prefix="archive/",
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ColderThenExpire",
                    transitions=[s3.Transition(
                        storage_class=_STORAGE_CLASSES[settings.archive_storage_class],
                        transition_after=Duration.days(settings.archive_transition_days))],
                    expiration=Duration.days(settings.archive_expiry_days),
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                )
            ],
        )
        self.stream = firehose.DeliveryStream(
            self, "Stream", delivery_stream_name=resource_name(cfg, "log-archive"),
            encryption=firehose.StreamEncryption.aws_owned_key(),
            destination=firehose.S3Bucket(
                self.bucket, data_output_prefix=f"{ARCHIVE_PREFIX}!{{timestamp:yyyy/MM/dd}}/",
                error_output_prefix="errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/",
                buffering_interval=Duration.minutes(5), buffering_size=Size.mebibytes(5),
                compression=firehose.Compression.UNCOMPRESSED, file_extension=".gz",
                # Records Firehose cannot deliver land under errors/ in the bucket itself; its own CloudWatch
                # logging would add an untaggable log stream for no extra information.
                # DisableLogging implements ILoggingConfig through @jsii.implements, which mypy cannot follow.
                logging_config=firehose.DisableLogging(),  # type: ignore[arg-type]
            ),
        )
        # The L2 adds a region -> Firehose CIDR mapping for Redshift/OpenSearch destinations; unused for S3, and
        # cfn-lint flags unused mappings (W7001).
        Stack.of(self).node.try_remove_child("@aws-cdk--aws-kinesisfirehose.CidrBlocks")
        destination_role = self.stream.node.find_child("S3 Destination Role")
        bucket_id = Stack.of(self).resolve(Stack.of(self).get_logical_id(cfn_resource(self.bucket, s3.CfnBucket)))
        for finding in ("Action::s3:GetObject*", "Action::s3:GetBucket*", "Action::s3:List*",
                        "Action::s3:Abort*", f"Resource::<{bucket_id}.Arn>/*"):
            suppress(destination_role, f"AwsSolutions-IAM5[{finding}]",
                     "Firehose's S3 destination grant (CDK L2): read/write on the archive bucket's objects only")
        self._no_deletes_by_delivery(cast(iam.IRole, destination_role))  # Firehose's role, found by its id
        # One role for every subscription: CloudWatch Logs assumes it to put records into this stream only.
        self.delivery_role = iam.Role(
            self, "LogsToFirehoseRole", assumed_by=iam.ServicePrincipal("logs.amazonaws.com"),
            description=f"{cfg.app} {cfg.env}: CloudWatch Logs subscriptions deliver to the log archive stream",
        )
        self.subscriptions: dict[str, logs.SubscriptionFilter] = {}

    def _no_deletes_by_delivery(self, role: iam.IRole) -> None:
        """The archive is unversioned: the delivery role may add objects, never delete one.

        CDK's S3 destination grant includes s3:DeleteObject*, which Firehose does not need (it only writes new
        objects). It is taken out of the role's policy, and the bucket policy denies deletes to that role, so a
        later grant cannot bring it back.
        """
        policy = cfn_resource(role.node.find_child("DefaultPolicy"), iam.CfnPolicy)
        document = Stack.of(self).resolve(policy.policy_document)  # complete: the stream made its grants
        for statement in document["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            statement["Action"] = [a for a in actions if a != "s3:DeleteObject*"]
        policy.policy_document = document
        self.bucket.add_to_resource_policy(iam.PolicyStatement(
            sid="DeliveryNeverDeletes", effect=iam.Effect.DENY, principals=[iam.ArnPrincipal(role.role_arn)],
            actions=["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutLifecycleConfiguration",
                     "s3:PutBucketPolicy", "s3:DeleteBucket"],
            resources=[self.bucket.bucket_arn, self.bucket.arn_for_objects("*")]))

    def subscribe(self, construct_id: str, log_group_name: str) -> logs.SubscriptionFilter:
        """Subscribe ``log_group_name`` (all events) to the archive stream.

        Example
        -------
        >>> from aws_cdk import App, Stack
        >>> from config.loader import load_config
        >>> archive = LogArchive(Stack(App(), "Example"), "Archive", cfg=load_config("prod"))
        >>> archive.subscribe("OrdersCreate", "/aws/lambda/orders-create").node.id
        'OrdersCreateSubscription'
        """
        group = logs.LogGroup.from_log_group_name(self, f"{construct_id}Group", log_group_name)
        subscription = logs.SubscriptionFilter(
            self, f"{construct_id}Subscription", log_group=group,
            destination=destinations.FirehoseDestination(self.stream, role=self.delivery_role),
            filter_pattern=logs.FilterPattern.all_events(),
        )
        self.subscriptions[log_group_name] = subscription
        return subscription
