"""``python -m tools.preflight ENV [--assembly cdk.out/ENV] [--after-deploy] [--targets]``.

Exit 0: nothing blocks (warnings may be printed); 1: at least one blocking problem; 2: bad input, no
credentials or config errors. ``--targets`` prints the ``aws://ACCOUNT/REGION`` of every region the environment
deploys to (what ``make bootstrap`` bootstraps) and makes no other call.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tools.cli import ArgumentParser, load_env_config


def _clients(session: Any) -> Callable[[str, str], Any]:
    cache: dict[tuple[str, str], Any] = {}

    def clients(service: str, region: str) -> Any:
        if (service, region) not in cache:
            cache[service, region] = session.client(service, region_name=region)
        return cache[service, region]

    return clients


def main(argv: list[str] | None = None, session: Any = None,
         clients: Callable[[str, str], Any] | None = None) -> int:
    """Run preflight; returns the exit code. ``session`` (a boto3 Session) and ``clients`` (service, region ->
    client) are for tests.

    Example
    -------
    >>> main(["prod", "--assembly", "cdk.out/prod"])  # doctest: +SKIP
    BLOCKING us-east-1 bootstrap: aws://123456789012/us-east-1 is not bootstrapped ...
    1
    """
    parser = ArgumentParser(prog="python -m tools.preflight", description=__doc__)
    parser.add_argument("env")
    parser.add_argument("--assembly", type=Path, help="synthesized cloud assembly (cdk.out/ENV)")
    parser.add_argument("--after-deploy", action="store_true", help="only the checks that need deployed stacks")
    parser.add_argument("--targets", action="store_true", help="print aws://ACCOUNT/REGION per region and exit")
    args = parser.parse_args(argv)
    cfg = load_env_config("preflight", args.env)
    if cfg is None:
        return 2
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError

    from tools.preflight.checks import run_checks
    from tools.preflight.plan import plan_for
    if session is None:
        session = boto3.session.Session(region_name=cfg.region) if cfg.region else boto3.session.Session()
    home = cfg.region or session.region_name
    if not home:
        print(f"preflight: error: config/{args.env}.yaml has no region and the credentials name none "
              "(set AWS_REGION)", file=sys.stderr)
        return 2
    try:
        caller = session.client("sts", region_name=home).get_caller_identity()["Account"]
    except (NoCredentialsError, NoRegionError, BotoCoreError, ClientError) as error:
        print(f"preflight: error: no usable AWS credentials: {str(error).splitlines()[0]}", file=sys.stderr)
        return 2
    plan = plan_for(cfg, home_region=home, account=caller, assembly=args.assembly)
    if args.targets:
        for region in plan.regions:
            print(f"aws://{plan.account}/{region}")
        return 0
    try:
        findings = run_checks(plan, clients or _clients(session), caller_account=caller,
                              after_deploy=args.after_deploy)
    except (BotoCoreError, ClientError) as error:
        print(f"preflight: error: AWS call failed: {str(error).splitlines()[0]}", file=sys.stderr)
        return 2
    for finding in findings:
        print(finding)
    blocking = sum(f.blocking for f in findings)
    what = "after-deploy checks" if args.after_deploy else f"{len(plan.regions)} region(s): {', '.join(plan.regions)}"
    print(f"preflight {cfg.app}-{cfg.env} ({what}): {blocking} blocking, {len(findings) - blocking} warning(s)",
          file=sys.stderr)
    return 1 if blocking else 0


if __name__ == "__main__":
    sys.exit(main())
