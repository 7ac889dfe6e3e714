#!/usr/bin/env python3
"""CDK entry point: reads ``-c env=NAME`` (default dev), loads config/NAME.yaml, builds that environment's stacks.

``-c config_dir=DIR`` (``make synth CONFIG_DIR=DIR``) reads DIR/NAME.yaml instead, so a config kept outside
config/ can be tried without copying it into the repository.

This is the only place that reads CDK context. Bad config, or monitoring that could not work as configured
(an alarm that can never fire, a service left without alarms), prints one line per problem and exits 2.
"""
from __future__ import annotations

import sys
from pathlib import Path

from aws_cdk import App

from config.errors import InputError
from config.loader import load_config
from stacks.environment import build_environment
from stacks.monitoring.validation import check_environment
from stacks.nag import enable_nag


def main() -> int:
    app = App()
    env_name = app.node.try_get_context("env") or "dev"
    config_dir = app.node.try_get_context("config_dir") or None
    shown = f"{Path(config_dir).as_posix().rstrip('/')}/{env_name}.yaml" if config_dir else f"config/{env_name}.yaml"
    try:
        cfg = load_config(env_name, Path(config_dir) if config_dir else None)
    except InputError as exc:
        for line in exc.lines:
            print(f"config error: {line}", file=sys.stderr)
        return 2
    problems = check_environment(cfg).problems
    if problems:
        for line in problems:
            print(f"config error: {shown}: {line}", file=sys.stderr)
        return 2
    try:
        build_environment(app, cfg)  # some checks need the resolved stacks (e.g. a canary's target URL)
    except InputError as exc:  # bad config, template, override or SLO: one line each; anything else is a bug
        for line in exc.lines:
            print(f"config error: {line}", file=sys.stderr)
        return 2
    enable_nag(app)
    app.synth()
    return 0


if __name__ == "__main__":
    sys.exit(main())
