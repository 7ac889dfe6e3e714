"""``python -m config validate ENV``: check one environment's config; one line per problem, exit 2 if any.

Two passes: the schema (config/), then the resolved monitoring (stacks/monitoring/validation.py: thresholds
against the catalog and the discovered resources, services left without an alarm). The second pass sits above
config in the import order, so this entry point, like app.py, imports it only when it runs.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from config.loader import ConfigError, load_config_and_notes


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "validate":
        print("usage: python -m config validate ENV|path/to/ENV.yaml", file=sys.stderr)
        return 2
    # A path tries a config kept outside the repository (nothing to add to config/ just to check it).
    target = Path(argv[1])
    env, config_dir = (target.stem, target.parent) if target.suffix == ".yaml" else (argv[1], None)
    try:
        cfg, notes = load_config_and_notes(env, config_dir)
    except ConfigError as exc:
        for line in exc.lines:
            print(f"config error: {line}", file=sys.stderr)
        return 2
    # jsii (under aws_cdk) prints a banner about Node 20's end of life; harmless, and it would bury the result.
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    from stacks.monitoring.validation import check_environment, report_lines

    shown = str(target) if config_dir is not None else f"config/{cfg.env}.yaml"
    check = check_environment(cfg)
    if check.problems:
        for line in check.problems:
            print(f"config error: {shown}: {line}", file=sys.stderr)
        return 2
    alarms = sum(s.alarms for s in check.services)
    print(f"{shown} is valid: {len(cfg.services)} service(s), {alarms} resource alarm(s)")
    for line in report_lines(check):
        print(line)
    for note in notes:  # a listed resource that differs from the discovered one (the listed value is used)
        print(f"note: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
