"""``python -m tools.alarmsim.scenarios --env prod``: run every scenario on an environment's templates.

Reuses ``cdk.out/<env>`` (written by ``make synth ENV=<env>``) or synthesizes it; prints the table and writes it
to ``cdk.out/<env>/reports/`` (``--report`` also rewrites the tracked BENCHMARKS.md / BENCHMARKS.json, for the
shipped environments only). Exit 0 when every goal is met, 1 when any is missed, 2 on bad input.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tools.alarmsim.model import AlarmSet
from tools.alarmsim.scenarios.catalog import scenarios
from tools.alarmsim.scenarios.report import scenario_section
from tools.alarmsim.scenarios.runner import Environment, environment_of_plan, run_seed
from tools.alarmsim.scenarios.verdict import family_goal, judge
from tools.alarmsim.template import TemplateError, load_alarms
from tools.cli import ArgumentParser
from tools.report import write_env_report

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_SEEDS = 20


def _synthesize(env: str, out: Path, config: str | None = None) -> None:
    cdk = ROOT / "node_modules" / ".bin" / "cdk"
    command = [str(cdk), "synth", "--quiet", "--app", f"{sys.executable} app.py", "-c", f"env={env}", "-o", str(out)]
    if config:  # a config outside config/: app.py reads DIR/ENV.yaml
        command += ["-c", f"config_dir={Path(config).resolve().parent}"]
    environ = {**os.environ, "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1"}
    done = subprocess.run(command, cwd=ROOT, env=environ, capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise TemplateError(f"cdk synth for {env} failed: {last}")


def _config(env: str, config: str | None):
    from config.loader import ConfigError, load_config
    try:
        if config:
            path = Path(config)
            return load_config(path.stem, path.parent)
        return load_config(env)
    except ConfigError:
        if config:
            raise
        return None  # the simulator works from templates alone; config names services, tiers and objectives


def environment(env: str, alarms, cfg) -> Environment:
    """The runner's view of an environment: its alarms plus services, tiers, objectives and timeouts from config.

    Example
    -------
    >>> from config.loader import load_config
    >>> from tools.alarmsim.model import AlarmSet
    >>> environment("dev", AlarmSet(), None).prefix  # no config: no prefix
    ''
    >>> environment("dev", AlarmSet(), load_config("dev")).prefix
    'watchtower-dev-'
    """
    if cfg is None:
        # No config: the services are unknown, but the names still say which alarms are the monitoring's own
        # (``<app>-<env>-alerting-...``), so the router and cost checker keep their own traffic.
        marker = f"-{env}-"
        named = next((n for n in alarms.names() if marker in n), None)
        prefix = named[: named.index(marker) + len(marker)] if named else ""
        return Environment(env, alarms, prefix)
    from plan.build import plan_environment
    return environment_of_plan(env, alarms, plan_environment(cfg))


def main(argv: list[str] | None = None) -> int:
    """Run the scenarios, print the table and write the report; returns the exit code (0, 1 or 2).

    Example
    -------
    >>> main(["--env", "prod", "--only", "hard-outage", "--seeds", "2"])  # doctest: +SKIP
    0
    """
    parser = ArgumentParser(prog="python -m tools.alarmsim.scenarios")
    parser.add_argument("--env", required=True)
    parser.add_argument("--templates", help="template file or directory (default: cdk.out/<env>)")
    parser.add_argument("--config", help="config file of the environment (default: config/<env>.yaml)")
    parser.add_argument("--only", action="append", help="scenario name (repeatable; default: all)")
    parser.add_argument("--seeds", type=int, default=DEFAULT_SEEDS, help=f"seeds per scenario (default {DEFAULT_SEEDS})")
    parser.add_argument("--report", action="store_true",
                        help="also rewrite BENCHMARKS.md / BENCHMARKS.json (shipped environments only)")
    parser.add_argument("--account", help="only the services of this account (name or id); writes no report")
    parser.add_argument("--region", help="only the services of this region; writes no report")
    args = parser.parse_args(argv)
    scoped = args.account is not None or args.region is not None
    if scoped and (args.report or cfg_missing(args.env, args.config)):
        why = "the tracked report holds every service" if args.report else "they need the environment's config"
        print(f"simulate: error: --account/--region: {why}", file=sys.stderr)
        return 2
    if args.seeds < 1:
        print(f"simulate: error: --seeds must be at least 1, got {args.seeds}", file=sys.stderr)
        return 2
    if args.report and args.config:
        # BENCHMARKS holds the shipped environments of config/ only: a config tried from elsewhere never lands there
        print("simulate: error: --report is for the environments of config/, not for --config "
              f"{args.config}", file=sys.stderr)
        return 2
    if args.config and (Path(args.config).suffix != ".yaml" or Path(args.config).stem != args.env):
        print(f"simulate: error: --config must be a file named {args.env}.yaml, got {args.config}", file=sys.stderr)
        return 2
    # A config of its own DIR/ENV.yaml gets cdk.out/DIR-ENV (as make CONFIG_DIR=DIR names it), never cdk.out/ENV.
    own = f"{Path(args.config).resolve().parent.name}-{args.env}" if args.config else args.env
    out = Path(args.templates) if args.templates else ROOT / "cdk.out" / own
    try:
        cfg = _config(args.env, args.config)
    except Exception as error:  # ConfigError: one line per problem
        print(f"simulate: error: {str(error).splitlines()[0] if str(error) else error}", file=sys.stderr)
        return 2
    try:
        if not args.templates and not any(out.glob("*.template.json")):
            print(f"simulate: {out} is empty, synthesizing {args.env} ...", file=sys.stderr)
            _synthesize(args.env, out, args.config)
        alarms = load_alarms([out])
    except TemplateError as error:
        print(f"simulate: error: {error}", file=sys.stderr)
        return 2
    known = [s.name for s in scenarios()]
    chosen = [s for s in scenarios() if not args.only or s.name in args.only]
    if args.only and len(chosen) != len(set(args.only)):
        print(f"simulate: error: unknown scenario(s) {sorted(set(args.only) - set(known))}; known: {known}",
              file=sys.stderr)
        return 2
    env = environment(args.env, alarms, cfg)
    alarms = env.alarms  # without the alarms on metrics no scenario generates, each a "not simulated" warning
    for warning in alarms.warnings:
        print(f"simulate: warning: {warning}", file=sys.stderr)
    if scoped:
        from plan.scope import ScopeError, scope_label, scope_services
        try:
            in_scope = scope_services(cfg, args.account, args.region)
        except ScopeError as error:
            print(f"simulate: error: {error}", file=sys.stderr)
            return 2
        alarms = _scoped_alarms(alarms, cfg, in_scope)
        # the runner then knows (and judges) only these services
        cfg = cfg.model_copy(update={"services": tuple(s for s in cfg.services if s.name in in_scope)})
        print(f"simulate: {scope_label(args.account, args.region)}: {len(alarms.metric_alarms)} metric alarms, "
              f"{len(alarms.composites)} composites of its services", file=sys.stderr)
        env = environment(args.env, alarms, cfg)
        alarms = env.alarms
    began = time.monotonic()
    verdicts = []
    for scenario in chosen:
        verdict = judge(env, scenario, [run_seed(env, scenario, seed) for seed in range(args.seeds)]
                        if _applies(env, scenario) else [])
        print(f"simulate: {scenario.name}: {verdict.verdict} ({verdict.reason})", file=sys.stderr)
        verdicts.append(verdict)
    # Family coverage needs every scenario; dev runs only its noise scenarios, so it is not judged there.
    family = family_goal(env, verdicts) if not args.only and not env.dev_like else None
    elapsed = time.monotonic() - began
    shown = out.relative_to(ROOT) if out.is_relative_to(ROOT) else out
    note = (f"{len(alarms.metric_alarms)} metric alarms, {len(alarms.composites)} composites, "
            f"{len(alarms.mute_rules)} mute rules from `{shown}`; {len(alarms.warnings)} not simulated. "
            f"{args.seeds} seed(s) per scenario, {elapsed:.0f} s in all. Minutes are simulator time after the onset; "
            "history starts 3 days + 1 h before it. Classes: a page reaches the critical topic; reach people = "
            "pages plus warning, ops, e-mail and other-region topics (ALARM and OK); info = chat only.")
    from tools.alarmsim.scenarios.verdict import Goal
    unjudged = Goal("every alarm family reaches ALARM", "all scenarios",
                    "not judged (" + ("--only" if args.only else "dev runs its noise scenarios only") + ")", True)
    section = scenario_section(args.env, verdicts, family or unjudged, note, not_simulated=alarms.warnings)
    print(section.markdown)
    written = [] if scoped else write_env_report(section, out.name if args.config else args.env,
                                                  tracked=args.report, root=ROOT)
    for path in written:
        print(f"simulate: wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}", file=sys.stderr)
    missed = [v for v in verdicts if v.verdict == "fail"] + ([family] if family is not None and not family.ok else [])
    if missed:
        print(f"simulate: {len(missed)} goal line(s) missed", file=sys.stderr)
        return 1
    return 0


def cfg_missing(env: str, config: str | None) -> bool:
    """Whether the environment has no config to read services from (the simulator then runs on templates alone)."""
    try:
        return _config(env, config) is None
    except Exception:  # a broken config is reported where it is loaded
        return False


def _scoped_alarms(alarms: AlarmSet, cfg, services: tuple[str, ...]) -> AlarmSet:
    """``alarms`` without those of the planned services outside ``services`` (the switch, router and other alarms
    no service owns stay, so holds and the monitoring's own alarms behave as in the whole environment)."""
    from dataclasses import replace

    from plan.build import plan_environment
    plan = plan_environment(cfg)
    others = {s.name for s in plan.services} - set(services)
    dropped = {a.name for a in plan.alarms if a.service in others} | {c.name for c in plan.composites
                                                                       if c.service in others}
    rules = [replace(r, alarm_names=tuple(n for n in r.alarm_names if n not in dropped)) for r in alarms.mute_rules]
    return AlarmSet([a for a in alarms.metric_alarms if a.name not in dropped],
                    [c for c in alarms.composites if c.name not in dropped],
                    [r for r in rules if r.alarm_names], alarms.warnings)


def _applies(env: Environment, scenario) -> bool:
    if scenario.environments == "dev":
        return env.dev_like
    if env.dev_like:
        return scenario.noise_goals or scenario.quiet_goal
    return scenario.environments != "dev"


if __name__ == "__main__":
    sys.exit(main())
