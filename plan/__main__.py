"""``python -m plan ENV``: print what ENV monitors and write cdk.out/ENV/plan.json (``make plan ENV=..``).

``python -m plan ENV --account NAME --region R`` (``make plan ACCOUNT=.. REGION=..``) prints the services of that
account and/or region only (plan.json still holds the whole environment).
``python -m plan diff OLD.json NEW.json`` prints what going from one plan to the other does to monitoring;
``python -m plan check ENV`` compares the plan with the templates ``make synth`` wrote to cdk.out/ENV.
Bad input (an unknown environment, a config error, a missing file) is one line on stderr and exit 2.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from config.errors import InputError
from config.loader import ConfigError, load_config
from plan.agreement import alarms_of_directory, alarms_of_plan, differences
from plan.build import plan_environment
from plan.report import describe_changes, inventory, plan_json, restrict
from plan.scope import scope_label, scope_services

REPO = Path(__file__).resolve().parent.parent
USAGE = ("usage: python -m plan ENV [--account NAME] [--region REGION] | python -m plan diff OLD.json NEW.json | "
         "python -m plan check ENV")
_OPTIONS = ("--account", "--region")


def _load(env: str, config_dir: Path | None = None):
    # ENV reads config/ENV.yaml; a path (make plan CONFIG_DIR=DIR) reads DIR/ENV.yaml, outside config/
    path = Path(env)
    if path.suffix == ".yaml":
        return load_config(path.stem, path.parent)
    return load_config(env, config_dir)


def _plan(env: str):
    return plan_environment(_load(env))


def _out_name(env: str) -> str:
    """cdk.out/ENV for an environment of config/, cdk.out/DIR-ENV for DIR/ENV.yaml (as the Makefile names it)."""
    path = Path(env)
    return f"{path.resolve().parent.name}-{path.stem}" if path.suffix == ".yaml" else env


def _read(path: str) -> dict:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: not a readable plan.json ({exc})") from None
    if not isinstance(doc, dict) or doc.get("schema_version") != 1:
        raise InputError(f"{path}: not a plan.json of schema_version 1 (written by python -m plan ENV)")
    return doc


def _options(argv: list[str]) -> tuple[list[str], dict[str, str]] | None:
    """``argv`` without ``--account X`` / ``--region Y`` (also ``--account=X``), and those options; None if bad."""
    rest, found = [], {}
    args = iter(argv)
    for arg in args:
        name, eq, value = arg.partition("=")
        if name in _OPTIONS:
            value = value if eq else next(args, "")
            if not value or name in found:
                return None
            found[name] = value
        else:
            rest.append(arg)
    return rest, found


def main(argv: list[str], out_root: Path = REPO / "cdk.out", config_dir: Path | None = None) -> int:
    parsed = _options(argv)
    if parsed is None:
        print(USAGE, file=sys.stderr)
        return 2
    argv, options = parsed
    if options and (len(argv) != 1 or argv[0] in ("diff", "check")):
        print(USAGE, file=sys.stderr)
        return 2
    try:
        if len(argv) == 3 and argv[0] == "diff":
            lines = describe_changes(_read(argv[1]), _read(argv[2]))
            print("\n".join(lines) if lines else "no change to monitoring")
            return 0
        if len(argv) == 2 and argv[0] == "check":
            found = differences(alarms_of_plan(_plan(argv[1])), alarms_of_directory(out_root / argv[1]))
            print("\n".join(found) if found else f"plan and cdk.out/{argv[1]} agree alarm for alarm")
            return 1 if found else 0
        if len(argv) != 1:
            print(USAGE, file=sys.stderr)
            return 2
        cfg = _load(argv[0], config_dir)
        account, region = options.get("--account"), options.get("--region")
        chosen = scope_services(cfg, account, region) if options else ()
        doc = plan_json(plan_environment(cfg))
        target = out_root / _out_name(argv[0]) / "plan.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
        print("\n".join(inventory(restrict(doc, chosen, scope_label(account, region)) if options else doc)))
        print(f"\nwrote {target}")
        return 0
    except ConfigError as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        return 2
    except InputError as exc:
        print(f"plan: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
