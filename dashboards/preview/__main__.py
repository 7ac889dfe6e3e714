"""``python -m dashboards.preview CDK_OUT_DIR OUT_DIR [--scenario healthy|outage] [--service NAME]``: one PNG per
dashboard found in the synthesized templates.

``make preview ENV=prod`` runs it after ``make synth``, so the picture shows exactly the body that deploys, with
simulated data of a healthy environment (every alarm OK). ``--scenario outage`` draws a hard outage of one service
(default: the first monitored one) with the alarms the offline alarm simulator says would be in ALARM; those
pictures are named ``<dashboard>-outage.png``.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import NoReturn

from dashboards.preview.incident import SCENARIOS, incident_state
from dashboards.preview.render import Drawing, render
from dashboards.preview.resolve import MARKER, PreviewError, dashboards_in
from dashboards.preview.simulate import HEALTHY, State

__all__ = ["main", "draw_directory", "alarm_names", "monitored_services"]

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


def monitored_services(assembly: Path) -> tuple[str, list[str]]:
    """(``<app>-<env>-`` prefix, monitored service names) read from the assembly's stack files: each monitored
    service has a ``<app>-<env>-Monitoring-<service>`` stack.

    Example
    -------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     for stack in ("Alerting", "Monitoring-orders", "Monitoring-payments"):
    ...         _ = (Path(tmp) / f"watchtower-prod-{stack}.template.json").write_text('{"Resources": {}}')
    ...     monitored_services(Path(tmp))
    ('watchtower-prod-', ['orders', 'payments'])
    """
    stacks = [path.name.removesuffix(".template.json") for path in sorted(assembly.glob("*.template.json"))]
    try:  # the manifest lists stacks in the order the app made them: the config's order of services
        artifacts = list(json.loads((assembly / "manifest.json").read_text()).get("artifacts", {}))
        stacks = [name for name in artifacts if name in stacks] + [name for name in stacks if name not in artifacts]
    except (OSError, ValueError, AttributeError):
        pass
    prefix, services = "", []
    for stack in stacks:
        found = re.fullmatch(r"(.+-)Monitoring-(.+)", stack)
        if found:
            prefix = found.group(1)
            services.append(found.group(2))
    return prefix, services


def draw_directory(assembly: Path, out: Path, scenario: str = "healthy", service: str | None = None
                   ) -> list[Drawing]:
    """Render every dashboard of the templates in ``assembly`` into ``out`` in the named state; returns what was
    drawn (the PNG path, the state and each widget's content).

    Raises
    ------
    PreviewError
        When ``assembly`` holds no template or no dashboard, a body cannot be read back, the service is unknown
        or the alarm simulator cannot run the scenario.

    Example
    -------
    >>> import tempfile
    >>> text = {"type": "text", "x": 0, "y": 0, "width": 24, "height": 2, "properties": {"markdown": "# Orders"}}
    >>> dashboard = {"Type": "AWS::CloudWatch::Dashboard", "Properties": {
    ...     "DashboardName": "watchtower-dev-ServiceOverview", "DashboardBody": json.dumps({"widgets": [text]})}}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     template = Path(tmp) / "watchtower-dev-Dashboards.template.json"
    ...     _ = template.write_text(json.dumps({"Resources": {"Overview": dashboard}}))
    ...     [(d.path.name, d.path.read_bytes()[:4]) for d in draw_directory(Path(tmp), Path(tmp) / "preview")]
    [('watchtower-dev-ServiceOverview.png', b'\\x89PNG')]
    """
    templates = sorted(assembly.glob("*.template.json"))
    if not templates:
        raise PreviewError(f"no templates in {assembly}: run 'make synth ENV=<env>' first")
    loaded = {path.name: _read_template(path) for path in templates}
    names = alarm_names(loaded)
    bodies = [(name, key, body) for key, template in loaded.items() for name, body in dashboards_in(template).items()]
    if not bodies:
        raise PreviewError(f"no AWS::CloudWatch::Dashboard in the templates of {assembly}")
    own = own_prefix([(name, key) for name, key, _ in bodies])
    state: State = HEALTHY
    suffix = ""
    if scenario != "healthy":
        prefix, services = monitored_services(assembly)
        if not services:
            raise PreviewError(f"--scenario {scenario} needs a monitored service; {assembly} has no "
                               "<app>-<env>-Monitoring-<service> stack")
        chosen = service or services[0]
        if chosen not in services:
            raise PreviewError(f"--service {chosen!r} is not monitored here; known: {', '.join(services)}")
        state = incident_state(assembly, scenario, prefix, chosen)
        own = prefix or own
        suffix = f"-{scenario}"
    return [render(_named(body, names, key), name, out / f"{name}{suffix}.png", state, own)
            for name, key, body in bodies]


_DASHBOARDS_STACK = re.compile(r"^(?P<own>.+-)Dashboards(?:-\d+)?\.template\.json$")


def own_prefix(dashboards: list[tuple[str, str]]) -> str:
    """The ``<app>-<env>-`` the monitoring's own resources are named with, from (dashboard name, template file)
    pairs: the prefix of a dashboards stack (``<app>-<env>-Dashboards``, or ``-Dashboards-N`` once the
    dashboards spread over several stacks, which sorts first), else of the first dashboard's name.

    Example
    -------
    >>> own_prefix([("watchtower-prod-Operations-2", "watchtower-prod-Dashboards-2.template.json"),
    ...             ("watchtower-prod-Executive", "watchtower-prod-Dashboards.template.json")])
    'watchtower-prod-'
    >>> own_prefix([("shop-dev-Overview", "Other.template.json")])
    'shop-dev-'
    """
    for _, template in dashboards:
        if found := _DASHBOARDS_STACK.match(template):
            return found["own"]
    return dashboards[0][0].rsplit("-", 1)[0] + "-"


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


class _PreviewArguments(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, not the usage block
        raise PreviewError(f"{message} (usage: python -m dashboards.preview CDK_OUT_DIR OUT_DIR "
                           f"[--scenario healthy|{'|'.join(SCENARIOS)}] [--service NAME])")


def main(argv: list[str]) -> int:
    """Entry point; returns the exit code (0, or 2 with one line on stderr)."""
    parser = _PreviewArguments(prog="python -m dashboards.preview", add_help=True)
    parser.add_argument("assembly")
    parser.add_argument("out")
    parser.add_argument("--scenario", default="healthy", choices=["healthy", *SCENARIOS])
    parser.add_argument("--service")
    try:
        args = parser.parse_args(argv)
        for drawing in draw_directory(Path(args.assembly), Path(args.out), args.scenario, args.service):
            print(f"preview: {drawing.path}")
        if args.scenario != "healthy":
            print(f"preview: state: {drawing.state.description}")
    except PreviewError as exc:
        print(f"preview error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # OUT_DIR not a writable folder
        print(f"preview error: cannot write {exc.filename or argv[1]}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
