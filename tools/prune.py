"""``python -m tools.prune ENV --assembly cdk.out/ENV [--delete [--yes]] [--warn] [--region R ...]
[--include-untagged]``.

`cdk deploy --all` never deletes a stack the app no longer defines: a service removed from config keeps its
alarms paging and its canary running. This lists the deployed stacks of this app and environment (name prefix
``<app>-<env>-`` AND the app's stack tag with this environment's value) that the synthesized assembly no longer
contains, in every region the environment deploys to (plus ``--region``), and deletes them after confirmation.

Exit 0: nothing orphaned, or everything listed was deleted (or only listed, without --delete); 1: orphans left
(with --delete: not confirmed or a deletion failed); 2: bad input or no credentials. ``--warn`` only prints a
warning line per orphan and always exits 0 (``make deploy`` uses it).
"""
from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.cli import ArgumentParser, load_env_config

__all__ = ["Orphan", "expected_stacks", "find_orphans", "delete_orphans", "main"]

_GONE = {"DELETE_COMPLETE"}


@dataclass(frozen=True)
class Orphan:
    """A deployed stack of this app and environment that config no longer produces."""

    name: str
    region: str
    status: str

    def __str__(self) -> str:
        return f"{self.region} {self.name} ({self.status})"


def expected_stacks(assembly: Path, home_region: str) -> dict[str, set[str]]:
    """region -> stack names the synthesized assembly deploys (an environment-agnostic stack counts as home).

    Example
    -------
    >>> import tempfile
    >>> stack = {"type": "aws:cloudformation:stack", "environment": "aws://unknown-account/unknown-region",
    ...          "properties": {"stackName": "watchtower-prod-Alerting"}}
    >>> regional = {**stack, "environment": "aws://123456789012/us-east-1",
    ...             "properties": {"stackName": "watchtower-prod-Synthetics-us-east-1"}}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "manifest.json").write_text(json.dumps({"artifacts": {"A": stack, "S": regional}}))
    ...     expected_stacks(Path(tmp), "eu-west-1")
    {'eu-west-1': {'watchtower-prod-Alerting'}, 'us-east-1': {'watchtower-prod-Synthetics-us-east-1'}}
    """
    manifest = json.loads((assembly / "manifest.json").read_text())
    found: dict[str, set[str]] = {}
    for artifact_id, artifact in manifest.get("artifacts", {}).items():
        if artifact.get("type") != "aws:cloudformation:stack":
            continue
        region = artifact.get("environment", "").rsplit("/", 1)[-1]
        region = home_region if region in ("", "unknown-region") else region
        found.setdefault(region, set()).add(artifact.get("properties", {}).get("stackName", artifact_id))
    return found


def _stacks(client: Any) -> Iterable[dict]:
    for page in client.get_paginator("describe_stacks").paginate():
        yield from page.get("Stacks", [])


def find_orphans(clients: Callable[[str, str], Any], *, prefix: str, tag: tuple[str, str],
                 expected: dict[str, set[str]], regions: Iterable[str], untagged: bool = False) -> list[Orphan]:
    """Deployed stacks named ``prefix...`` carrying ``tag`` (key, value) that ``expected`` does not list.

    ``untagged`` also counts stacks with the prefix and no such tag key at all: stacks deployed by a version of
    the app from before the tag existed (a stack tagged for another environment is never counted).

    Example
    -------
    >>> import boto3
    >>> from moto import mock_aws
    >>> clients = lambda service, region: boto3.client(service, region_name=region)
    >>> ours = [{"Key": "watchtower:app-env", "Value": "watchtower/prod"}]
    >>> with mock_aws():
    ...     for name in ("watchtower-prod-Alerting", "watchtower-prod-Legacy"):
    ...         _ = clients("cloudformation", "eu-west-1").create_stack(
    ...             StackName=name, TemplateBody='{"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}', Tags=ours)
    ...     find_orphans(clients, prefix="watchtower-prod-", tag=("watchtower:app-env", "watchtower/prod"),
    ...                  expected={"eu-west-1": {"watchtower-prod-Alerting"}}, regions=["eu-west-1"])
    [Orphan(name='watchtower-prod-Legacy', region='eu-west-1', status='CREATE_COMPLETE')]
    """
    key, value = tag
    orphans = []
    for region in dict.fromkeys(regions):
        for stack in _stacks(clients("cloudformation", region)):
            name, status = stack["StackName"], stack.get("StackStatus", "")
            tags = {t["Key"]: t["Value"] for t in stack.get("Tags", [])}
            ours = tags.get(key) == value or (untagged and key not in tags)
            if name.startswith(prefix) and ours and status not in _GONE and name not in expected.get(region, set()):
                orphans.append(Orphan(name, region, status))
    return sorted(orphans, key=lambda o: (o.region, o.name))


def delete_orphans(clients: Callable[[str, str], Any], orphans: Iterable[Orphan], *, wait: bool = True) -> list[str]:
    """Delete every orphan; returns one line per stack that failed to go (empty: all deleted).

    Example
    -------
    >>> import boto3
    >>> from moto import mock_aws
    >>> clients = lambda service, region: boto3.client(service, region_name=region)
    >>> with mock_aws():
    ...     cfn = clients("cloudformation", "eu-west-1")
    ...     _ = cfn.create_stack(StackName="watchtower-prod-Legacy",
    ...                          TemplateBody='{"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}')
    ...     failures = delete_orphans(clients, [Orphan("watchtower-prod-Legacy", "eu-west-1", "CREATE_COMPLETE")])
    ...     failures, [s["StackName"] for s in cfn.describe_stacks()["Stacks"]]
    ([], [])
    """
    from botocore.exceptions import ClientError, WaiterError
    failures = []
    for orphan in orphans:
        client = clients("cloudformation", orphan.region)
        try:
            client.delete_stack(StackName=orphan.name)
            if wait:
                client.get_waiter("stack_delete_complete").wait(StackName=orphan.name,
                                                                WaiterConfig={"Delay": 10, "MaxAttempts": 180})
        except (ClientError, WaiterError) as error:
            failures.append(f"{orphan}: not deleted: {str(error).splitlines()[0]}")
    return failures


def main(argv: list[str] | None = None, clients: Callable[[str, str], Any] | None = None,
         confirm: Callable[[str], str] = input) -> int:
    """List (and with --delete, delete after confirmation) the orphaned stacks of ENV; returns the exit code.

    Example
    -------
    >>> main(["prod", "--assembly", "cdk.out/prod"])  # doctest: +SKIP
    eu-west-1 watchtower-prod-Monitoring-legacy (UPDATE_COMPLETE)
    1
    """
    parser = ArgumentParser(prog="python -m tools.prune", description=__doc__)
    parser.add_argument("env")
    parser.add_argument("--assembly", type=Path, required=True, help="synthesized cloud assembly (cdk.out/ENV)")
    parser.add_argument("--region", action="append", default=[], help="also look in this region (repeatable)")
    parser.add_argument("--delete", action="store_true", help="delete the orphans after confirmation")
    parser.add_argument("--yes", action="store_true", help="with --delete: do not ask")
    parser.add_argument("--warn", action="store_true", help="print a warning per orphan and exit 0")
    parser.add_argument("--include-untagged", action="store_true",
                        help="also stacks with the name prefix but no app tag (deployed before the tag existed)")
    args = parser.parse_args(argv)
    from stacks.app_tag import APP_TAG, app_tag_value, stack_prefix
    cfg = load_env_config("prune", args.env)
    if cfg is None:
        return 2
    if not (args.assembly / "manifest.json").exists():
        print(f"prune: error: {args.assembly} is not a synthesized assembly (run make synth ENV={args.env})",
              file=sys.stderr)
        return 2
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError
    if clients is None:
        # Any: the stubs type client() per literal service name, and the name here is a variable
        session: Any = boto3.session.Session(region_name=cfg.region) if cfg.region else boto3.session.Session()
        clients = lambda service, region: session.client(service, region_name=region)  # noqa: E731
        home = cfg.region or session.region_name
    else:
        home = cfg.region or "us-east-1"
    if not home:
        print(f"prune: error: config/{args.env}.yaml has no region and the credentials name none (set AWS_REGION)",
              file=sys.stderr)
        return 2
    expected = expected_stacks(args.assembly, home)
    regions = [home, *cfg.synthetics.extra_regions, *expected, *args.region]
    try:
        orphans = find_orphans(clients, prefix=stack_prefix(cfg), tag=(APP_TAG, app_tag_value(cfg)),
                               expected=expected, regions=regions, untagged=args.include_untagged)
    except (BotoCoreError, ClientError) as error:
        if args.warn:
            print(f"prune: warning: could not list stacks: {str(error).splitlines()[0]}", file=sys.stderr)
            return 0
        print(f"prune: error: could not list stacks: {str(error).splitlines()[0]}", file=sys.stderr)
        return 2
    if args.warn:
        for orphan in orphans:
            print(f"warning: {orphan} is deployed but config/{args.env}.yaml no longer produces it (its alarms "
                  f"and canaries still run): run `make prune ENV={args.env}`", file=sys.stderr)
        return 0
    if not orphans:
        print(f"prune: no orphaned {stack_prefix(cfg)}* stacks", file=sys.stderr)
        return 0
    for orphan in orphans:
        print(orphan)
    if not args.delete:
        print(f"prune: {len(orphans)} orphaned stack(s); delete them with `make prune ENV={args.env}` (asks first)",
              file=sys.stderr)
        return 1
    if not args.yes:
        answer = confirm(f"Delete these {len(orphans)} stack(s)? Type the environment name ({args.env}) to confirm: ")
        if answer.strip() != args.env:
            print("prune: nothing deleted", file=sys.stderr)
            return 1
    failures = delete_orphans(clients, orphans)
    for line in failures:
        print(f"prune: {line}", file=sys.stderr)
    print(f"prune: deleted {len(orphans) - len(failures)} of {len(orphans)} stack(s)", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
