"""Turns a synthesized DashboardBody (a string or an Fn::Join of strings and tokens) back into the body dict.

Tokens become readable markers: ``<getatt:Logical.Arn>``, ``<import:ExportName>``, ``<ref:Name>``; pseudo
parameters become example values. Tests use the markers to follow alarm ARNs to the alarms they name.
"""
from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["resolve", "dashboards_in", "MARKER", "PreviewError"]

MARKER = re.compile(r"<(getatt|import|ref):([^<>]+)>")
_PSEUDO = {"AWS::Region": "eu-west-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws",
           "AWS::URLSuffix": "amazonaws.com"}


class PreviewError(ValueError):
    """A template holds something the preview cannot read back."""


def resolve(value: Any, region: str | None = None) -> str:
    """The string a CloudFormation value stands for, tokens replaced by markers.

    Example
    -------
    >>> resolve({"Fn::Join": ["", ["a:", {"Ref": "AWS::Region"}, ":", {"Fn::GetAtt": ["Alarm1", "Arn"]}]]})
    'a:eu-west-1:<getatt:Alarm1.Arn>'
    """
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        (key, arg), = value.items()
        if key == "Fn::Join":
            separator, parts = arg
            return separator.join(resolve(part, region) for part in parts)
        if key == "Ref":
            if arg == "AWS::Region" and region:
                return region
            return _PSEUDO.get(arg, f"<ref:{arg}>")
        if key == "Fn::GetAtt":
            logical, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
            return f"<getatt:{logical}.{attribute}>"
        if key == "Fn::ImportValue":
            return f"<import:{resolve(arg, region)}>"
    raise PreviewError(f"cannot read back {json.dumps(value)[:120]}: only strings, Fn::Join, Ref, Fn::GetAtt "
                       "and Fn::ImportValue are expected in a dashboard body")


def dashboards_in(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every AWS::CloudWatch::Dashboard of ``template`` as ``{dashboard name: body}``.

    Example
    -------
    >>> dashboards_in({"Resources": {"D": {"Type": "AWS::CloudWatch::Dashboard",
    ...     "Properties": {"DashboardName": "x", "DashboardBody": '{"widgets": []}'}}}})
    {'x': {'widgets': []}}
    """
    found = {}
    for logical_id, resource in template.get("Resources", {}).items():
        if resource.get("Type") != "AWS::CloudWatch::Dashboard":
            continue
        properties = resource.get("Properties", {})
        name = resolve(properties.get("DashboardName", logical_id))
        try:
            found[name] = json.loads(resolve(properties["DashboardBody"]))
        except (KeyError, json.JSONDecodeError) as exc:
            raise PreviewError(f"dashboard {name}: body is not valid JSON ({exc})") from None
    return found
