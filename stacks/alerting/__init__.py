"""The alerting backbone: the KMS key and the SNS topics every alarm and notification flows through."""
from stacks.alerting.topics import AlertTopics

__all__ = ["AlertTopics"]
