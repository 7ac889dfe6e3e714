"""Synthetic traffic for the demo: a schedule posts two measurements (one in spec, one off) every 5 minutes.

So a fresh dev account shows real business metrics, logs and traces without anyone calling the API. The
events have the shape API Gateway would send, so they take the same path through the handler.
"""
from __future__ import annotations

import json
from typing import Any

from aws_cdk import Duration, aws_events as events, aws_events_targets as targets, aws_lambda as lambda_
from constructs import Construct

__all__ = ["DemoTraffic", "synthetic_request", "SYNTHETIC_MEASUREMENTS"]

# 0.5% and 10% off the reference: one accepted, one rejected (quality score below 70).
SYNTHETIC_MEASUREMENTS = (
    {"device_id": "synthetic-scale-01", "weight": 1005, "unit": "g", "reference_weight": 1000},
    {"device_id": "synthetic-scale-02", "weight": 1100, "unit": "g", "reference_weight": 1000},
)


def synthetic_request(measurement: dict[str, Any], stage: str) -> dict[str, Any]:
    """An API Gateway REST proxy event posting ``measurement`` to /measurements.

    Example
    -------
    >>> synthetic_request(SYNTHETIC_MEASUREMENTS[0], "live")["httpMethod"]
    'POST'
    """
    return {
        "resource": "/measurements", "path": "/measurements", "httpMethod": "POST",
        "headers": {"Content-Type": "application/json", "User-Agent": "watchtower-synthetic-traffic"},
        "multiValueHeaders": {}, "queryStringParameters": None, "pathParameters": None,
        "requestContext": {"stage": stage, "resourcePath": "/measurements", "httpMethod": "POST"},
        "body": json.dumps(measurement), "isBase64Encoded": False,
    }


class DemoTraffic(Construct):
    """An EventBridge schedule invoking the demo function with :data:`SYNTHETIC_MEASUREMENTS`.

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> stack = Stack(App(), "Example")
    >>> fn = lambda_.Function.from_function_name(stack, "Fn", "watchtower-dev-demo-api")
    >>> DemoTraffic(stack, "Traffic", function=fn, stage="live",
    ...             rule_name="watchtower-dev-demo-traffic").rule.node.id
    'Schedule'
    """

    def __init__(self, scope: Construct, construct_id: str, *, function: lambda_.IFunction, stage: str,
                 rule_name: str) -> None:
        super().__init__(scope, construct_id)
        self.rule = events.Rule(
            self, "Schedule", rule_name=rule_name, schedule=events.Schedule.rate(Duration.minutes(5)),
            description="Synthetic demo measurements so dashboards show data in a fresh account")
        for measurement in SYNTHETIC_MEASUREMENTS:
            self.rule.add_target(targets.LambdaFunction(
                function, event=events.RuleTargetInput.from_object(synthetic_request(measurement, stage)),
                retry_attempts=0))
