"""How one stack refers to another stack's topics, alarms and key without ``Fn::ImportValue``.

Passing a construct of another stack makes CDK export its attribute and import it in the consumer. CloudFormation
then refuses to change or remove that export while anyone imports it: a renamed (replaced) alarm, a removed
canary or a replaced topic turns the next deploy into "Export ... cannot be updated as it is in use". Every
resource a consumer needs here has a stable physical name (stacks/naming.py), so the consumer rebuilds the
ARN from that name in its own account and region; the key, whose ARN holds a random id, is read from the SSM
parameter the alerting stack publishes, resolved by CloudFormation at each deploy.

Stack order is kept by explicit stack dependencies instead (``build_environment``). A construct without a
literal name (a bare topic in a construct test) is passed through as is; every environment's templates are
checked to import nothing.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import cast

from aws_cdk import Stack, Token, aws_cloudwatch as cloudwatch, aws_kms as kms, aws_sns as sns, aws_ssm as ssm
from constructs import Construct, IConstruct

from config.schema import EnvironmentConfig
from stacks.naming import ssm_path

__all__ = ["local_topic", "local_topics", "local_alarm", "local_key", "key_arn_parameter"]

_ID_UNSAFE = re.compile(r"[^A-Za-z0-9]+")


def _same_stack(scope: IConstruct, construct: IConstruct) -> bool:
    return Stack.of(construct) is Stack.of(scope)


def _import_id(prefix: str, name: str) -> str:
    return f"{prefix}{_ID_UNSAFE.sub('', name.title())}"


def key_arn_parameter(cfg: EnvironmentConfig) -> str:
    """The SSM parameter holding the alert key's ARN (written by the alerting stack).

    Example
    -------
    >>> from config.loader import load_config
    >>> key_arn_parameter(load_config("prod"))
    '/watchtower/prod/alerts/key-arn'
    """
    return ssm_path(cfg, "alerts", "key-arn")


def local_topic(scope: Construct, topic: sns.ITopic) -> sns.ITopic:
    """``topic`` as ``scope``'s stack may use it: itself when it lives there, else imported by its name.

    Example
    -------
    >>> from aws_cdk import App
    >>> app = App()
    >>> alerting, monitoring = Stack(app, "Alerting"), Stack(app, "Monitoring")
    >>> info = sns.Topic(alerting, "Info", topic_name="watchtower-prod-alerts-info")
    >>> local_topic(alerting, info) is info
    True
    >>> monitoring.resolve(local_topic(monitoring, info).topic_arn)["Fn::Join"][1][-1]
    ':watchtower-prod-alerts-info'
    """
    if _same_stack(scope, topic) or topic.node.default_child is None:  # already an import (or ours)
        return topic
    name = getattr(topic.node.default_child, "topic_name", None)
    if not isinstance(name, str) or Token.is_unresolved(name):
        return topic  # no stable name (a bare test topic): CDK's reference is all there is
    stack = Stack.of(scope)
    existing = stack.node.try_find_child(_import_id("ImportedTopic", name))
    if existing is not None:
        return cast(sns.ITopic, existing)  # the topic this function imported under that id before
    arn = stack.format_arn(service="sns", resource=name)
    return sns.Topic.from_topic_arn(stack, _import_id("ImportedTopic", name), arn)


def local_topics(scope: Construct, topics: Mapping[str, sns.ITopic]) -> dict[str, sns.ITopic]:
    """Every topic of ``topics`` through ``local_topic``, same keys."""
    return {key: local_topic(scope, topic) for key, topic in topics.items()}


def local_alarm(scope: Construct, alarm: cloudwatch.IAlarm) -> cloudwatch.IAlarm:
    """``alarm`` as ``scope``'s stack may use it: itself when it lives there, else imported by its name.

    Example
    -------
    >>> from aws_cdk import App
    >>> app = App()
    >>> monitoring, routing = Stack(app, "Monitoring"), Stack(app, "Routing")
    >>> alarm = cloudwatch.Alarm(monitoring, "Maintenance", alarm_name="watchtower-prod-maintenance",
    ...                          metric=cloudwatch.Metric(namespace="Example", metric_name="Switch"),
    ...                          threshold=1, evaluation_periods=1)
    >>> imported = local_alarm(routing, alarm)
    >>> imported is alarm, imported.alarm_name
    (False, 'watchtower-prod-maintenance')
    """
    if _same_stack(scope, alarm) or alarm.node.default_child is None:
        return alarm
    name = getattr(alarm.node.default_child, "alarm_name", None)
    if not isinstance(name, str) or Token.is_unresolved(name):
        return alarm  # no stable name: CDK's reference is all there is
    stack = Stack.of(scope)
    existing = stack.node.try_find_child(_import_id("ImportedAlarm", name))
    if existing is not None:
        return cast(cloudwatch.IAlarm, existing)  # the alarm this function imported under that id before
    return cloudwatch.Alarm.from_alarm_name(stack, _import_id("ImportedAlarm", name), name)


def local_key(scope: Construct, cfg: EnvironmentConfig, key: kms.IKey) -> kms.IKey:
    """The alert key as ``scope``'s stack may use it: itself when it lives there, else its ARN read from SSM at
    deploy time (a key ARN holds a random id, so it cannot be rebuilt from a name).

    Example
    -------
    >>> from aws_cdk import App
    >>> from config.loader import load_config
    >>> app = App()
    >>> alerting, routing = Stack(app, "Alerting"), Stack(app, "Routing")
    >>> key = kms.Key(alerting, "AlertKey")
    >>> sorted(routing.resolve(local_key(routing, load_config("prod"), key).key_arn))  # an SSM parameter
    ['Ref']
    """
    if _same_stack(scope, key):
        return key
    stack = Stack.of(scope)
    existing = stack.node.try_find_child("ImportedAlertKey")
    if existing is not None:
        return cast(kms.IKey, existing)  # the key this function imported before
    arn = ssm.StringParameter.value_for_string_parameter(stack, key_arn_parameter(cfg))
    return kms.Key.from_key_arn(stack, "ImportedAlertKey", arn)
