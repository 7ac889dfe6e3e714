"""``python -m tools.cost_estimate cdk.out/ENV [--env ENV] [--report]``: print the monthly bill; with --report,
also write it into BENCHMARKS.md / BENCHMARKS.json (section ``cost-<env>``)."""
from __future__ import annotations

import sys
from pathlib import Path

from config.loader import known_environments
from tools.cli import ArgumentParser
from tools.cost_estimate.estimate import EstimateError, estimate_dir
from tools.cost_estimate.prices import PricesError
from tools.cost_estimate.schedule import ScheduleError
from tools.report import Section, write_section


def main(argv: list[str]) -> int:
    parser = ArgumentParser(prog="python -m tools.cost_estimate", description=__doc__)
    parser.add_argument("outdir", type=Path, help="cloud assembly folder, e.g. cdk.out/dev")
    parser.add_argument("--env", help="environment whose config gives the assumptions (default: the folder name)")
    parser.add_argument("--report", action="store_true", help="write the bill into BENCHMARKS.md/.json")
    args = parser.parse_args(argv)
    env = args.env or args.outdir.name
    if args.env is not None and args.env not in known_environments():
        # a typo would silently price with the default assumptions (and --report would write a section for it)
        print(f"cost estimate: unknown environment {args.env!r} for --env: known environments are "
              f"{', '.join(known_environments())}", file=sys.stderr)
        return 2
    try:
        bill = estimate_dir(args.outdir, env)
    except (EstimateError, PricesError, ScheduleError) as exc:
        print(f"cost estimate: {exc}", file=sys.stderr)
        return 2
    print(bill.text(f"Estimated monthly bill of what `{env}` deploys (prices: tools/cost_estimate/prices.yaml)"))
    if args.report:
        write_section(Section(name=f"cost-{env}", title=f"Cost estimate: {env}",
                              markdown=bill.markdown(), data={"env": env, **bill.data()}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
