"""Step Functions, EventBridge and SNS signals."""
from __future__ import annotations

from aws_cdk import Aws

from config.services import EventRuleRef, StateMachineRef, TopicRef
from stacks.monitoring.metrics.common import Signal, SignalBuilder, guarded_share, metric

__all__ = ["state_machine_signals", "event_rule_signals", "topic_signals", "state_machine_arn"]


def state_machine_arn(state_machine: StateMachineRef) -> str:
    """The state machine's ARN in the monitoring stack's account and region (a token until deploy).

    Example
    -------
    >>> state_machine_arn(StateMachineRef(name="fulfil")).endswith(":stateMachine:fulfil")
    True
    """
    return f"arn:{Aws.PARTITION}:states:{Aws.REGION}:{Aws.ACCOUNT_ID}:stateMachine:{state_machine.name}"


def state_machine_signals(state_machine: StateMachineRef) -> dict[str, SignalBuilder]:
    """Failed, timed-out and aborted executions as a share of started executions (guarded by the threshold's
    minimum started and bad executions per period).

    Example
    -------
    >>> list(state_machine_signals(StateMachineRef(name="fulfil")))
    ['StepFunctionsFailures']
    """
    dims = {"StateMachineArn": state_machine_arn(state_machine)}
    return {
        "StepFunctionsFailures": lambda t: Signal(guarded_share(
            {name.lower(): metric("AWS/States", f"Executions{name}", dims, "Sum", t.period)
             for name in ("Failed", "TimedOut", "Aborted")},
            metric("AWS/States", "ExecutionsStarted", dims, "Sum", t.period),
            t, f"{state_machine.name} failed executions %")),
    }


def event_rule_signals(rule: EventRuleRef) -> dict[str, SignalBuilder]:
    """Failed target invocations of a rule (custom buses add the EventBusName dimension).

    Example
    -------
    >>> list(event_rule_signals(EventRuleRef(name="order-placed")))
    ['EventDeliveryFailures']
    """
    dims = {"RuleName": rule.name} if rule.event_bus == "default" else {"EventBusName": rule.event_bus,
                                                                        "RuleName": rule.name}
    return {"EventDeliveryFailures": lambda t: Signal(metric("AWS/Events", "FailedInvocations", dims, "Sum",
                                                             t.period))}


def topic_signals(topic: TopicRef) -> dict[str, SignalBuilder]:
    """Failed notification deliveries of a topic.

    Example
    -------
    >>> list(topic_signals(TopicRef(name="order-events")))
    ['NotificationFailures']
    """
    return {"NotificationFailures": lambda t: Signal(metric("AWS/SNS", "NumberOfNotificationsFailed",
                                                            {"TopicName": topic.name}, "Sum", t.period))}
