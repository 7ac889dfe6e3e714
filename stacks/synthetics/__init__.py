"""Synthetics canaries: artifact bucket, one canary per service, and the canary alarms."""
from stacks.synthetics.alarms import CANARY_FAMILIES, CanaryAlarms
from stacks.synthetics.artifacts import ArtifactsBucket
from stacks.synthetics.canary import CANARY_CODE_DIR, CANARY_HANDLER, ServiceCanary, canary_name

__all__ = ["ArtifactsBucket", "ServiceCanary", "CanaryAlarms", "canary_name", "CANARY_CODE_DIR", "CANARY_HANDLER",
           "CANARY_FAMILIES"]
