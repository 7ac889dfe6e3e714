"""``python -m tools.drill --env prod [--alarm NAME ...]``: see tools/drill/drill.py. Exit 0 all delivered,
1 something was not delivered, 2 bad input (unknown alarm, no credentials, nothing to drill)."""
from __future__ import annotations

import sys

from tools.cli import ArgumentParser, non_negative_float
from tools.drill.drill import DrillError, router_log_group, run_drill, select_alarms
from tools.drill.table import exit_code, format_table


def main(argv: list[str] | None = None) -> int:
    """Select, drill and tabulate; returns the exit code (0 delivered, 1 not delivered, 2 bad input).

    Example
    -------
    >>> main(["--env", "prod", "--alarm", "watchtower-prod-orders-service-Critical-critical"])  # doctest: +SKIP
    0
    """
    parser = ArgumentParser(prog="python -m tools.drill", description=__doc__)
    parser.add_argument("--env", required=True)
    parser.add_argument("--app", help="app name (default: from config/<env>.yaml)")
    parser.add_argument("--alarm", action="append", default=[], help="drill only this alarm (repeatable)")
    parser.add_argument("--timeout", type=non_negative_float, default=180.0, help="seconds to wait for deliveries")
    parser.add_argument("--no-reset", action="store_true", help="leave drilled alarms in ALARM")
    args = parser.parse_args(argv)
    app, region = args.app, None
    if app is None:
        try:
            from config.loader import load_config
            cfg = load_config(args.env)
            app, region = cfg.app, cfg.region
        except Exception as error:  # noqa: BLE001 - config errors are already one line
            print(f"drill: error: cannot read config for {args.env!r}: {str(error).splitlines()[0]}", file=sys.stderr)
            return 2
    try:
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError
        session = boto3.session.Session(region_name=region) if region else boto3.session.Session()
        cloudwatch, logs = session.client("cloudwatch"), session.client("logs")
        results = select_alarms(cloudwatch, f"{app}-{args.env}-", args.alarm)
        print(f"drill: {sum(not r.skipped for r in results)} alarm(s) to ALARM, waiting up to {args.timeout:.0f}s "
              f"for the router's delivery records", file=sys.stderr)
        run_drill(cloudwatch, logs, router_log_group(app, args.env), results, args.timeout, reset=not args.no_reset)
    except DrillError as error:
        print(f"drill: error: {error}", file=sys.stderr)
        return 2
    except (BotoCoreError, ClientError) as error:
        print(f"drill: error: AWS call failed: {str(error).splitlines()[0]}", file=sys.stderr)
        return 2
    print(format_table(results))
    return exit_code(results)


if __name__ == "__main__":
    sys.exit(main())
