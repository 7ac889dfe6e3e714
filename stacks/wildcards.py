"""The one list of IAM statements allowed ``Resource: "*"``: actions whose service offers no resource-level
permission (the Service Authorization Reference lists no resource type for them), and key policies, where
``"*"`` means the key the policy is attached to. tests/infra/test_least_privilege.py fails on any other.
"""
from __future__ import annotations

__all__ = ["RESOURCE_STAR_ACTIONS", "KEY_POLICY_REASON"]

_AUTHZ = "https://docs.aws.amazon.com/service-authorization/latest/reference/"

# action -> (who needs it, why "*" is the only resource the service accepts, where that is documented)
RESOURCE_STAR_ACTIONS: dict[str, tuple[str, str, str]] = {
    "ce:GetCostAndUsage": (
        "the cost checker", "Cost Explorer has no resource types: every query is account-wide (read-only)",
        _AUTHZ + "list_awscostexplorerservice.html"),
    "s3:ListAllMyBuckets": (
        "Synthetics canary roles (CDK's documented canary policy)", "lists the account's buckets; no resource type",
        _AUTHZ + "list_amazons3.html"),
    "cloudwatch:PutMetricData": (
        "Synthetics canary roles", "no resource type; limited by the cloudwatch:namespace condition to "
        "CloudWatchSynthetics", _AUTHZ + "list_amazoncloudwatch.html"),
    "xray:PutTraceSegments": (
        "traced functions and canaries (Lambda active tracing)", "X-Ray has no resource type for segments",
        _AUTHZ + "list_awsx-ray.html"),
    "logs:GetQueryResults": (
        "log alarms' query role (dev only by default)", "reads a query by its id, not by log group; the log groups "
        "are named on StartQuery (not checked against the reference here)", _AUTHZ + "list_amazoncloudwatchlogs.html"),
    "logs:StopQuery": (
        "log alarms' query role (dev only by default)", "stops a query by its id; no resource type (not checked "
        "against the reference here)", _AUTHZ + "list_amazoncloudwatchlogs.html"),
    "xray:PutTelemetryRecords": (
        "traced functions (Lambda active tracing)", "X-Ray has no resource type for telemetry records",
        _AUTHZ + "list_awsx-ray.html"),
}

KEY_POLICY_REASON = ("in a KMS key policy, Resource '*' is the key the policy belongs to "
                     "(https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html)")
