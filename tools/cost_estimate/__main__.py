"""``python -m tools.cost_estimate cdk.out/ENV [--env ENV] [--tracked]``: print the monthly bill (priced at the
config's region, per AWS service and per monitored service) and write it to ``cdk.out/ENV/reports/``; with
--tracked (``make cost REPORT=1``) also into BENCHMARKS.md / BENCHMARKS.json (section ``cost-<env>``), for the
shipped environments only. ``--account NAME`` / ``--region R`` (``make cost ACCOUNT=.. REGION=..``) print only what
the services of that account and/or region cost, and write no report."""
from __future__ import annotations

import sys
from pathlib import Path

from config.errors import InputError
from config.loader import ConfigError, known_environments, load_config
from plan.scope import scope_label, scope_services
from tools.cli import ArgumentParser
from tools.cost_estimate.estimate import EstimateError, estimate_dir, scoped_bill
from tools.cost_estimate.prices import PricesError
from tools.cost_estimate.schedule import ScheduleError
from tools.report import Section, write_env_report


def main(argv: list[str]) -> int:
    parser = ArgumentParser(prog="python -m tools.cost_estimate", description=__doc__)
    parser.add_argument("outdir", type=Path, help="cloud assembly folder, e.g. cdk.out/dev")
    parser.add_argument("--env", help="environment whose config gives the assumptions (default: the folder name)")
    parser.add_argument("--tracked", "--report", action="store_true", dest="tracked",
                        help="also write the bill into the tracked BENCHMARKS.md/.json (dev, staging, prod only)")
    parser.add_argument("--account", help="only the services of this account (a name from organization.accounts, "
                                           "or an account id)")
    parser.add_argument("--region", help="only the services of this region")
    parser.add_argument("--config", type=Path, help="DIR/ENV.yaml outside config/ (make cost CONFIG_DIR=DIR)")
    args = parser.parse_args(argv)
    env = args.env or args.outdir.name
    if args.config is not None and args.tracked:
        print("cost estimate: --tracked is for the shipped environments of config/, not --config", file=sys.stderr)
        return 2
    if args.config is not None and (args.config.suffix != ".yaml" or args.config.stem != env):
        print(f"cost estimate: --config must be a file named {env}.yaml, got {args.config}", file=sys.stderr)
        return 2
    if args.config is None and args.env is not None and args.env not in known_environments():
        # a typo would silently price with the default assumptions (and --report would write a section for it)
        print(f"cost estimate: unknown environment {args.env!r} for --env: known environments are "
              f"{', '.join(known_environments())}", file=sys.stderr)
        return 2
    scoped = args.account is not None or args.region is not None
    if scoped and args.tracked:
        print("cost estimate: --account/--region print part of the bill; the tracked report holds the whole of it, "
              "so leave out --tracked (REPORT=1)", file=sys.stderr)
        return 2
    try:
        config_dir = args.config.parent if args.config else None
        services = _scope(env, args.account, args.region, config_dir) if scoped else ()
        bill = estimate_dir(args.outdir, env, config_dir=config_dir)
    except (EstimateError, PricesError, ScheduleError, InputError) as exc:
        print(f"cost estimate: {exc}", file=sys.stderr)
        return 2
    if scoped:
        label = scope_label(args.account, args.region)
        print(scoped_bill(bill, services, label).text(
            f"Estimated monthly bill of what `{env}` deploys for {label} (prices: tools/cost_estimate/prices.yaml)"))
        return 0
    print(bill.text(f"Estimated monthly bill of what `{env}` deploys (prices: tools/cost_estimate/prices.yaml)"))
    written = write_env_report(Section(name=f"cost-{env}", title=f"Cost estimate: {env}", markdown=bill.markdown(),
                                       data={"env": env, **bill.data()}),
                               args.outdir.name if args.config else env, tracked=args.tracked)
    print(f"Report: {', '.join(_shown(p) for p in written)}")
    return 0


def _scope(env: str, account: str | None, region: str | None,
           config_dir: Path | None = None) -> tuple[str, ...]:
    """The services of ``env`` in ``account`` / ``region`` (ScopeError, one line, for an unknown one)."""
    known = known_environments(config_dir) if config_dir else known_environments()
    if env not in known:
        raise EstimateError(f"--account/--region need the config of {env!r}: known environments are "
                            f"{', '.join(known)}")
    try:
        return scope_services(load_config(env, config_dir), account, region)
    except ConfigError as exc:
        raise EstimateError(exc.lines[0]) from None


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
