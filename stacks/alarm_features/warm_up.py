"""Warm-up for the metric alarms that can page: after CloudFormation creates or changes such an alarm it stays
in INSUFFICIENT_DATA and runs no actions until the warm-up ends (``WarmUpConfiguration`` on
AWS::CloudWatch::Alarm), so the gap while a new metric starts publishing pages nobody.

Paging alarms are the critical-severity metric alarms (every name ends ``-critical``, the one naming
function's severity suffix): the children of the paging composites and the SLO page windows. Composite alarms
have no warm-up; their children's warm-up keeps them quiet.

An alarm that notifies on OK itself (the router's own health alarms) gets none: when its warm-up ends it goes
from INSUFFICIENT_DATA to OK and runs its OK actions, a "recovered" message after every deploy for nothing that
broke (the alarm simulator's deploy-during-incident scenario showed it).
"""
from __future__ import annotations

import jsii
from aws_cdk import IAspect, Stack, Token, aws_cloudwatch as cloudwatch
from constructs import IConstruct

from config.alarm_features import WarmUpConfig
from stacks.monitoring.properties import properties

__all__ = ["WarmUp", "is_paging_alarm"]


def is_paging_alarm(alarm: cloudwatch.CfnAlarm) -> bool:
    """True for a metric alarm with a literal name of critical severity.

    Example
    -------
    >>> from aws_cdk import App
    >>> stack = Stack(App(), "S")
    >>> alarm = cloudwatch.CfnAlarm(stack, "A", alarm_name="watchtower-dev-demo-api-Errors-critical",
    ...                             comparison_operator="GreaterThanThreshold", evaluation_periods=1)
    >>> is_paging_alarm(alarm)
    True
    """
    return _paging_name(alarm.alarm_name)


def _paging_name(name: object) -> bool:
    return isinstance(name, str) and name.endswith("-critical") and not Token.is_unresolved(name)


@jsii.implements(IAspect)
class WarmUp:
    """Aspect: give every paging metric alarm below the scope the configured warm-up (none when 0 minutes).

    Example
    -------
    >>> from aws_cdk import App, Aspects
    >>> app = App()
    >>> Aspects.of(app).add(WarmUp(WarmUpConfig(minutes=5)))
    """

    def __init__(self, config: WarmUpConfig) -> None:
        self._config = config

    def apply_to(self, scope: IConstruct) -> None:
        """Visit every construct below ``scope`` now, as the aspect would at synth: an aspect is called back from
        the jsii runtime for every construct of the app, alarm or not, which costs more than the warm-ups."""
        for node in scope.node.find_all():
            self.visit(node)

    def visit(self, node: IConstruct) -> None:
        if not (self._config.minutes and isinstance(node, cloudwatch.CfnAlarm)):
            return
        props = properties(node)  # name and OK actions in one round trip
        ok_actions = props.get("okActions")
        if _paging_name(props.get("alarmName")) and not (ok_actions and Stack.of(node).resolve(ok_actions)):
            node.warm_up_configuration = cloudwatch.CfnAlarm.WarmUpConfigurationProperty(
                warm_up_period_duration_in_minutes=self._config.minutes,
                only_start_evaluating_after_warm_up_period_ends=self._config.wait_full_period)
