"""``python -m tools.synth_report cdk.out/ENV``: a short summary of one synthesized environment.

Prints the stacks, resource counts by type, and alarms by severity. Reads templates only.
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any

from tools.templates import TemplateError, read_templates

__all__ = ["summarize", "alarm_severity", "main"]

SEVERITIES = ("critical", "warning", "info")
_ALARM_TYPES = ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm", "AWS::CloudWatch::LogAlarm")


def alarm_severity(resource: dict[str, Any]) -> str:
    """The severity of an alarm resource: its ``severity`` tag, else the last segment of its name, else 'none'.

    Example
    -------
    >>> alarm_severity({"Properties": {"AlarmName": "watchtower-prod-orders-api-Latency-warning"}})
    'warning'
    """
    props = resource.get("Properties", {})
    for tag in props.get("Tags", []) or []:
        if isinstance(tag, dict) and tag.get("Key") == "severity" and isinstance(tag.get("Value"), str):
            return tag["Value"]
    name = props.get("AlarmName")
    if isinstance(name, str) and name.rsplit("-", 1)[-1] in SEVERITIES:
        return name.rsplit("-", 1)[-1]
    return "none"


def summarize(outdir: Path) -> str:
    """The summary text for the templates in ``outdir``.

    Example
    -------
    >>> import json, tempfile
    >>> alarm = {"Type": "AWS::CloudWatch::Alarm", "Properties": {"AlarmName": "watchtower-dev-demo-Errors-warning"}}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     template = Path(tmp) / "watchtower-dev-Monitoring-demo.template.json"
    ...     _ = template.write_text(json.dumps({"Resources": {"Errors": alarm}}))
    ...     print(summarize(Path(tmp)))  # doctest: +ELLIPSIS
    Synthesized 1 stack(s) into ...:
      watchtower-dev-Monitoring-demo              1 resources
    Resources by type:
      AWS::CloudWatch::Alarm                                1
    Alarms by severity: warning 1
    """
    templates = read_templates(outdir)
    by_type: Counter[str] = Counter()
    by_severity: Counter[str] = Counter()
    lines = [f"Synthesized {len(templates)} stack(s) into {outdir}:"]
    for stack, template in templates.items():
        resources = template.get("Resources", {})
        lines.append(f"  {stack:<40} {len(resources):>4} resources")
        for resource in resources.values():
            by_type[resource["Type"]] += 1
            if resource["Type"] in _ALARM_TYPES:
                by_severity[alarm_severity(resource)] += 1
    lines.append("Resources by type:")
    lines += [f"  {t:<50} {n:>4}" for t, n in sorted(by_type.items())]
    lines.append("Alarms by severity: " + (", ".join(f"{s} {n}" for s, n in sorted(by_severity.items())) or "none"))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    config = None
    if len(argv) == 3 and argv[1] == "--config":  # make synth CONFIG_DIR=DIR: the assembly of DIR/ENV.yaml
        config = Path(argv[2])
        argv = argv[:1]
    if len(argv) != 1:
        print("usage: python -m tools.synth_report CDK_OUT_DIR [--config DIR/ENV.yaml]", file=sys.stderr)
        return 2
    try:
        print(summarize(Path(argv[0])))
    except TemplateError as exc:
        print(f"synth report: {exc}", file=sys.stderr)
        return 2
    print(_estimated_cost(Path(argv[0]), config))
    return 0


def _estimated_cost(outdir: Path, config: Path | None = None) -> str:
    """One line with the monthly estimate (tools/cost_estimate); a failing estimate never fails the synth.

    With ``config`` (DIR/ENV.yaml outside config/) the estimate takes that file's assumptions, and the hint names
    the same CONFIG_DIR, since the folder's name (DIR-ENV) is no environment of config/."""
    try:
        from tools.cost_estimate import estimate_dir
        from tools.cost_estimate.bill import cents

        if config is not None:
            total = cents(estimate_dir(outdir, config.stem, config_dir=config.parent).total)
            return (f"Estimated monthly cost: ${total} (make cost ENV={config.stem} CONFIG_DIR={config.parent} "
                    "for the bill)")
        total = cents(estimate_dir(outdir).total)
        return f"Estimated monthly cost: ${total} (make cost ENV={outdir.name} for the bill)"
    except Exception as exc:  # noqa: BLE001 - the summary above is the point of this tool
        return f"Estimated monthly cost: unavailable ({exc})"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
