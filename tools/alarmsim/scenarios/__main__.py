"""``python -m tools.alarmsim.scenarios --env prod``: run every scenario on an environment's templates.

Reuses ``cdk.out/<env>`` (written by ``make synth ENV=<env>``) or synthesizes it; writes the table into
BENCHMARKS.md / BENCHMARKS.json through tools.report and prints it. Exit 2 on bad input.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tools.alarmsim.scenarios.catalog import scenarios
from tools.alarmsim.scenarios.report import scenario_section
from tools.alarmsim.scenarios.runner import run_scenario
from tools.alarmsim.template import TemplateError, load_alarms
from tools.cli import ArgumentParser
from tools.report import write_section

ROOT = Path(__file__).resolve().parents[3]


def _synthesize(env: str, out: Path) -> None:
    cdk = ROOT / "node_modules" / ".bin" / "cdk"
    command = [str(cdk), "synth", "--quiet", "--app", f"{sys.executable} app.py", "-c", f"env={env}", "-o", str(out)]
    environ = {**os.environ, "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1"}
    done = subprocess.run(command, cwd=ROOT, env=environ, capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise TemplateError(f"cdk synth for {env} failed: {last}")


def _config(env: str):
    try:
        from config.loader import load_config
        return load_config(env)
    except Exception:  # the simulator works from templates alone; config only names services and the SLO
        return None


def main(argv: list[str] | None = None) -> int:
    """Run the scenarios, print the table and write it to the report; returns the exit code (0, or 2).

    Example
    -------
    >>> main(["--env", "prod", "--only", "hard-outage", "--no-report"])  # doctest: +SKIP
    0
    """
    parser = ArgumentParser(prog="python -m tools.alarmsim.scenarios")
    parser.add_argument("--env", required=True)
    parser.add_argument("--templates", help="template file or directory (default: cdk.out/<env>)")
    parser.add_argument("--only", action="append", help="scenario name (repeatable; default: all)")
    parser.add_argument("--no-report", action="store_true", help="print only, do not write BENCHMARKS.md")
    args = parser.parse_args(argv)
    out = Path(args.templates) if args.templates else ROOT / "cdk.out" / args.env
    try:
        if not args.templates and not any(out.glob("*.template.json")):
            print(f"simulate: {out} is empty, synthesizing {args.env} ...", file=sys.stderr)
            _synthesize(args.env, out)
        alarms = load_alarms([out])
    except TemplateError as error:
        print(f"simulate: error: {error}", file=sys.stderr)
        return 2
    cfg = _config(args.env)
    prefix = f"{cfg.app}-{cfg.env}-" if cfg else ""
    services = [f"{prefix}{s.name}-" for s in cfg.services] if cfg else None
    objectives = {f"{prefix}{s.name}-": s.slo.availability for s in (cfg.services if cfg else [])
                  if s.slo and s.slo.availability}
    chosen = [s for s in scenarios() if not args.only or s.name in args.only]
    if args.only and not chosen:
        print(f"simulate: error: unknown scenario(s) {args.only}; known: {[s.name for s in scenarios()]}", file=sys.stderr)
        return 2
    for warning in alarms.warnings:
        print(f"simulate: warning: {warning}", file=sys.stderr)
    results = []
    for scenario in chosen:
        result = run_scenario(alarms, scenario, service_prefixes=services, objectives=objectives,
                              progress=lambda text: print(f"simulate: {text}", file=sys.stderr))
        print(f"simulate: {scenario.name}: {result.verdict} ({result.reason})", file=sys.stderr)
        results.append(result)
    note = (f"{len(alarms.metric_alarms)} metric alarms, {len(alarms.composites)} composites, "
            f"{len(alarms.mute_rules)} mute rules from `{out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}`; "
            f"{len(alarms.warnings)} not simulated (see `make simulate` output). A page = a change to ALARM whose "
            "actions reach a critical topic. Detection is measured from the onset on a one-minute clock.")
    section = scenario_section(args.env, results, prefix, note)
    print(section.markdown)
    if not args.no_report:
        write_section(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
