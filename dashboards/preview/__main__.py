"""``python -m dashboards.preview CDK_OUT_DIR OUT_DIR``: one PNG per dashboard found in the synthesized templates.

``make preview ENV=prod`` runs it after ``make synth``, so the picture shows exactly the body that deploys.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from dashboards.preview.render import render
from dashboards.preview.resolve import MARKER, PreviewError, dashboards_in

__all__ = ["main", "preview_directory", "alarm_names"]

_ALARMS = ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm")


def alarm_names(templates: dict[str, dict]) -> dict[str, str]:
    """Marker target -> alarm name: ``<template>/<Logical>.Arn`` for a same-stack reference, the export name
    for a reference to another stack (logical ids repeat across stacks, export names do not).

    Example
    -------
    >>> alarm_names({"S": {"Resources": {"A": {"Type": "AWS::CloudWatch::Alarm",
    ...                                         "Properties": {"AlarmName": "x"}}}}})
    {'S/A.Arn': 'x'}
    """
    names: dict[str, str] = {}
    for key, template in templates.items():
        mine = {logical_id: resource["Properties"]["AlarmName"]
                for logical_id, resource in template.get("Resources", {}).items()
                if resource.get("Type") in _ALARMS
                and isinstance(resource.get("Properties", {}).get("AlarmName"), str)}
        names.update({f"{key}/{logical_id}.Arn": alarm for logical_id, alarm in mine.items()})
        for output in template.get("Outputs", {}).values():
            export, value = output.get("Export", {}).get("Name"), output.get("Value")
            if isinstance(value, dict) and "Fn::GetAtt" in value and value["Fn::GetAtt"][0] in mine:
                names[export] = mine[value["Fn::GetAtt"][0]]
    return names


def _named(body: dict, names: dict[str, str], template_key: str) -> dict:
    """``body`` with alarm ARN markers replaced by the alarm names a reader knows."""
    for widget in body.get("widgets", []):
        if widget.get("type") != "alarm":
            continue
        shown = []
        for arn in widget["properties"]["alarms"]:
            found = MARKER.search(arn)
            key = (f"{template_key}/{found.group(2)}" if found.group(1) == "getatt" else found.group(2)) \
                if found else None
            shown.append(names.get(key, arn) if key else arn)
        widget["properties"]["alarms"] = shown
    return body


def preview_directory(assembly: Path, out: Path) -> list[Path]:
    """Render every dashboard of the templates in ``assembly`` into ``out``; returns the PNG paths.

    Raises
    ------
    PreviewError
        When ``assembly`` holds no template or no dashboard, or a body cannot be read back.

    Example
    -------
    >>> preview_directory(Path("cdk.out/dev"), Path("cdk.out/preview"))  # doctest: +SKIP
    [PosixPath('cdk.out/preview/watchtower-dev-ServiceOverview.png'), ...]
    """
    templates = sorted(assembly.glob("*.template.json"))
    if not templates:
        raise PreviewError(f"no templates in {assembly}: run 'make synth ENV=<env>' first")
    loaded = {path.name: _read_template(path) for path in templates}
    names = alarm_names(loaded)
    written = []
    for key, template in loaded.items():
        for name, body in dashboards_in(template).items():
            written.append(render(_named(body, names, key), name, out / f"{name}.png"))
    if not written:
        raise PreviewError(f"no AWS::CloudWatch::Dashboard in the templates of {assembly}")
    return written


def _read_template(path: Path) -> dict:
    try:
        template = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError) as exc:
        raise PreviewError(f"{path}: cannot read template ({exc})") from None
    except json.JSONDecodeError as exc:
        raise PreviewError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    resources = template.get("Resources", {}) if isinstance(template, dict) else None
    if not isinstance(resources, dict) or not all(isinstance(r, dict) and isinstance(r.get("Properties", {}), dict)
                                                  for r in resources.values()):
        raise PreviewError(f"{path}: not a CloudFormation template (expected an object whose Resources are mappings "
                           "with a Properties mapping)")
    return template


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m dashboards.preview CDK_OUT_DIR OUT_DIR", file=sys.stderr)
        return 2
    try:
        for path in preview_directory(Path(argv[0]), Path(argv[1])):
            print(f"preview: {path}")
    except PreviewError as exc:
        print(f"preview error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # OUT_DIR not a writable folder
        print(f"preview error: cannot write {exc.filename or argv[1]}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
