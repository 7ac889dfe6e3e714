"""cdk-nag wiring. cdk-nag 3 reports through CDK's policy-validation plugins, not annotations, and accepts
findings with ``Validations.of(construct).acknowledge``; these helpers keep each acknowledgement to one
resource with one reason."""
from __future__ import annotations

from aws_cdk import Acknowledgment, App, Validations
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct

__all__ = ["enable_nag", "suppress"]

_PACK = "AwsSolutions"


def enable_nag(app: App) -> None:
    """Run the AwsSolutions rule pack over every stack at synth; a finding that is not acknowledged fails synth.

    Example
    -------
    >>> app = App()
    >>> enable_nag(app)
    """
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))


def suppress(construct: IConstruct, rule_id: str, reason: str) -> None:
    """Acknowledge one cdk-nag finding on one resource, with the reason it is acceptable.

    ``rule_id`` may name one finding of a multi-finding rule, e.g. ``AwsSolutions-IAM5[Resource::*]``.

    Example
    -------
    >>> from aws_cdk import Stack, aws_sns as sns
    >>> topic = sns.Topic(Stack(App(), "Example"), "Topic")
    >>> suppress(topic, "AwsSolutions-SNS3", "only AWS services publish; TLS is enforced by the topic policy")
    """
    if len(reason.strip()) < 10:
        raise ValueError(f"suppressing {rule_id} needs a real reason (at least 10 characters)")
    # cdk-nag 3 registers its findings under the plugin's name: 'AwsSolutions::AwsSolutions-SQS3'.
    qualified = rule_id if "::" in rule_id else f"{_PACK}::{rule_id}"
    Validations.of(construct).acknowledge(Acknowledgment(id=qualified, reason=reason))
