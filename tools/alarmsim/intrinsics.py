"""Best-effort resolution of CloudFormation intrinsics to strings, without an AWS account.

Ref to a resource gives its physical name when the template sets one (AlarmName, TopicName, FunctionName ...),
else its logical id; GetAtt X.Arn of an alarm gives that alarm's name (so composite rules and suppressors
line up); Fn::Join, Fn::Sub, Fn::Select and Fn::ImportValue (through the Outputs of the other loaded templates)
are followed (a Select over an Fn::Split, as a key read at deploy is written, stays one readable placeholder per
resource). Anything else falls back to a readable placeholder; nothing here raises on an intrinsic.
"""
from __future__ import annotations

import json
import re
from typing import Any, Mapping

__all__ = ["Resolver"]

_NAME_PROPERTY = {
    "AWS::CloudWatch::Alarm": "AlarmName",
    "AWS::CloudWatch::CompositeAlarm": "AlarmName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::DynamoDB::Table": "TableName",
    "AWS::DynamoDB::GlobalTable": "TableName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::StepFunctions::StateMachine": "StateMachineName",
    "AWS::ApiGateway::RestApi": "Name",
    "AWS::ApiGatewayV2::Api": "Name",
    "AWS::Events::Rule": "Name",
    "AWS::Events::EventBus": "Name",
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::Synthetics::Canary": "Name",
    "AWS::CloudWatch::AlarmMuteRule": "Name",
}
_ALARM_TYPES = ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm")
_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


class Resolver:
    """Resolves intrinsics within one template, with the exports of all loaded templates.

    Example
    -------
    >>> r = Resolver({"Resources": {"T": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "alerts"}}}})
    >>> r.text({"Fn::Join": [":", ["topic", {"Ref": "T"}]]})
    'topic:alerts'
    """

    def __init__(self, template: Mapping[str, Any], exports: Mapping[str, str] | None = None) -> None:
        self.resources: Mapping[str, Any] = template.get("Resources") or {}
        self.parameters: Mapping[str, Any] = template.get("Parameters") or {}
        self.exports = exports or {}
        self._depth = 0

    def text(self, value: Any) -> str:
        """Resolve ``value`` to a string (never raises on intrinsics)."""
        self._depth += 1
        try:
            if self._depth > 40:
                return "<nested-intrinsic>"
            return self._text(value)
        finally:
            self._depth -= 1

    def _text(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (str, int, float)):
            return str(value)
        if isinstance(value, list):
            return ",".join(self.text(v) for v in value)
        if isinstance(value, dict) and len(value) == 1:
            (function, argument), = value.items()
            handler = {
                "Ref": self._ref, "Fn::GetAtt": self._get_att, "Fn::Join": self._join, "Fn::Sub": self._sub,
                "Fn::Select": self._select, "Fn::ImportValue": self._import, "Fn::If": self._if,
                "Fn::Split": self._split,
            }.get(function)
            if handler is not None:
                try:
                    return handler(argument)
                except (TypeError, ValueError, IndexError, KeyError, AttributeError):
                    pass
        return "<" + json.dumps(value, sort_keys=True, separators=(",", ":"))[:80] + ">"

    def physical_name(self, logical_id: str) -> str:
        """The name a resource gets: its name property when set, else its logical id."""
        resource = self.resources.get(logical_id) or {}
        prop = _NAME_PROPERTY.get(resource.get("Type", ""))
        value = (resource.get("Properties") or {}).get(prop) if prop else None
        return self.text(value) if value is not None else logical_id

    def is_alarm(self, logical_id: str) -> bool:
        """True when the logical id is a metric or composite alarm of this template."""
        return (self.resources.get(logical_id) or {}).get("Type") in _ALARM_TYPES

    def _ref(self, target: str) -> str:
        if target.startswith("AWS::"):
            return "${" + target + "}"
        if target in self.resources:
            return self.physical_name(target)
        if target in self.parameters:
            default = self.parameters[target].get("Default")
            return self.text(default) if default is not None else target
        return target

    def _get_att(self, argument: Any) -> str:
        logical_id, attribute = (argument.split(".", 1) if isinstance(argument, str) else argument)
        attribute = self.text(attribute)
        if logical_id not in self.resources:
            return f"{logical_id}.{attribute}"
        if attribute in ("Arn", "TopicArn", "TopicName", "Name", "AlarmName") or self.is_alarm(logical_id):
            return self.physical_name(logical_id)
        return f"{self.physical_name(logical_id)}.{attribute}"

    def _join(self, argument: Any) -> str:
        separator, parts = argument
        if not isinstance(parts, list):
            return self.text(parts)
        return self.text(separator).join(self.text(part) for part in parts)

    def _sub(self, argument: Any) -> str:
        template, variables = (argument, {}) if isinstance(argument, str) else argument

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return self.text(variables[name])
            if "." in name and not name.startswith("AWS::"):
                return self._get_att(name)
            return self._ref(name)

        return _SUB_VARIABLE.sub(replace, template)

    def _select(self, argument: Any) -> str:
        index, items = argument
        if isinstance(items, dict):
            return f"<select {self.text(index)} {self.text(items)}>"
        return self.text(items[int(self.text(index))])

    def _split(self, argument: Any) -> str:
        # A value read at deploy (a custom resource's attribute) split into parts: kept whole and readable, so
        # each resource's metric key stays distinct from every other's.
        separator, source = argument
        return f"<split {self.text(separator)!r} {self.text(source)}>"

    def _import(self, argument: Any) -> str:
        name = self.text(argument)
        return self.exports.get(name, f"import:{name}")

    def _if(self, argument: Any) -> str:
        _condition, when_true, _when_false = argument
        return self.text(when_true)
