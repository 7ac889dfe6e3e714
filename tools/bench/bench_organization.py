"""Organization scale: a generated config of 50 source accounts x 10 services x 2 regions, synthesized in a fresh
process beside the single-account prod app; every template checked against CloudFormation's per-stack limits.

The generated config is written to a temporary folder (trying a config must not dirty the repository).
``WATCHTOWER_BENCH_ORG=accounts,services,regions`` picks another size (e.g. ``50,10,2``, the full one). A size
that fails to synthesize, or takes longer than ``TIMEOUT_S``, is reported with its reason and the bench steps down
(half the accounts) until one synthesizes; the report says which sizes were tried and which ran.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from tools.report import Section

__all__ = ["run", "generated_config", "stack_limits", "LIMITS", "DEFAULT_SIZE", "TIMEOUT_S", "sizes_to_try"]

ROOT = Path(__file__).resolve().parents[2]
REGIONS = ("eu-west-1", "us-east-1", "us-west-2", "eu-central-1")
# CloudFormation quotas per stack (CloudFormation user guide, 'CloudFormation quotas'): resources, outputs,
# parameters, and the template body CDK uploads through S3.
LIMITS = {"resources": 500, "outputs": 200, "parameters": 200, "template_bytes": 1_000_000}
# The default a `make bench` run can afford on two shared cores; WATCHTOWER_BENCH_ORG=50,10,2 runs the full size,
# with no time limit, since whoever asks for it wants the number.
DEFAULT_SIZE = (10, 10, 2)
TIMEOUT_S = 480  # a size that takes longer on two shared cores is not a benchmark anyone reruns


def generated_config(accounts: int = 50, services: int = 10, regions: int = 2) -> dict[str, Any]:
    """An organization config: ``accounts`` source accounts, each running ``services`` services in every one of
    ``regions`` regions (a function, a queue with its DLQ, and an API for every other service).

    Example
    -------
    >>> cfg = generated_config(2, 3, 2)
    >>> len(cfg["services"]), sorted(cfg["organization"]["regions"])
    (12, ['eu-west-1', 'us-east-1'])
    """
    used = list(REGIONS[:regions])
    names = {f"acct{i:02d}": f"{200000000000 + i:012d}" for i in range(accounts)}
    listed = []
    for account in names:
        for region in used:
            for index in range(services):
                name = f"{account}-{region.split('-')[1][:4]}-s{index}"
                resources: dict[str, Any] = {
                    "functions": [{"name": f"{name}-fn", "timeout_seconds": 30}],
                    "queues": [{"name": f"{name}-q", "dlq": f"{name}-dlq"}],
                }
                if index % 2 == 0:
                    resources["rest_apis"] = [{"name": f"{name}-api", "stage": "prod"}]
                listed.append({"name": name, "account": account, "region": region, "resources": resources,
                               "slo": {"availability": 99.9, "latency": None} if index % 2 == 0 else None})
    return {
        "app": "watchtower", "env": "orgbench", "account": "111111111111", "region": used[0],
        "tags": {"Project": "watchtower", "Environment": "orgbench", "Owner": "platform-team",
                 "CostCenter": "CC-1001"},
        "notifications": {"critical": {"emails": ["oncall@example.com"]}},
        "powertools_layer_version": 27, "cost": {"enabled": False},
        "organization": {"monitoring_account": "111111111111", "organization_id": "o-abcdefghij",
                         "organizational_units": ["ou-ab12-cdefgh34"], "accounts": names, "regions": used,
                         "fleet_alarms": {"enabled": True}},
        "services": listed,
    }


def stack_limits(outdir: Path) -> dict[str, Any]:
    """Stack count, the largest figures of any one template, and the stacks over a CloudFormation limit."""
    over: list[str] = []
    worst = {key: 0 for key in LIMITS}
    biggest, most = ("", 0), ("", 0)
    stacks = 0
    for path in outdir.glob("*.template.json"):
        stacks += 1
        body = path.read_bytes()
        template = json.loads(body)
        figures = {"resources": len(template.get("Resources", {})), "outputs": len(template.get("Outputs", {})),
                   "parameters": len(template.get("Parameters", {})), "template_bytes": len(body)}
        name = path.name.removesuffix(".template.json")
        if len(body) > biggest[1]:
            biggest = (name, len(body))
        if figures["resources"] > most[1]:
            most = (name, figures["resources"])
        for key, value in figures.items():
            worst[key] = max(worst[key], value)
            if value > LIMITS[key]:
                over.append(f"{path.name}: {key} {value} > {LIMITS[key]}")
    return {"stacks": stacks, "largest": worst, "largest_template": biggest[0], "most_resources": most[0],
            "over_limits": over}


_SYNTH = """
import sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from aws_cdk import App
from config.loader import load_config
from stacks.environment import build_environment
from tests.synth import cdk_json_context
started = time.perf_counter()
app = App(outdir={out!r}, context=cdk_json_context())
build_environment(app, load_config({env!r}, {config_dir!r}))
app.synth()
print(time.perf_counter() - started)
"""


def _synth(env: str, config_dir: Path | None, out: Path, timeout: float | None = None) -> tuple[float, float]:
    """(whole-process seconds, in-process synth seconds) of one environment, without cdk-nag."""
    code = _SYNTH.format(root=str(ROOT), out=str(out), env=env, config_dir=str(config_dir) if config_dir else None)
    started = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"})
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"synth of {env} took longer than {timeout:.0f} s") from None
    wall = time.perf_counter() - started
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"synth of {env} failed after {wall:.0f} s: {last[:300]}")
    return wall, float(done.stdout.strip().splitlines()[-1])


def sizes_to_try(size: tuple[int, int, int]) -> list[tuple[int, int, int]]:
    """``size``, then half the accounts each step down to one account: what the bench tries until one runs.

    Example
    -------
    >>> sizes_to_try((50, 10, 2))
    [(50, 10, 2), (25, 10, 2), (12, 10, 2), (6, 10, 2), (3, 10, 2), (1, 10, 2)]
    """
    accounts, services, regions = size
    sizes = [size]
    while accounts > 1:
        accounts //= 2
        sizes.append((accounts, services, regions))
    return sizes


def run() -> Section:
    """Synthesize prod and the generated organization; report both times and the per-stack limit check."""
    requested = os.environ.get("WATCHTOWER_BENCH_ORG")
    size: tuple[int, ...] = tuple(int(n) for n in requested.split(",")) if requested else DEFAULT_SIZE
    if len(size) != 3 or min(size) < 1:
        raise ValueError(f"WATCHTOWER_BENCH_ORG={requested!r}: expected accounts,services,regions, e.g. 50,10,2")
    with tempfile.TemporaryDirectory(prefix="watchtower-bench-org-") as tmp:
        work = Path(tmp)
        single_wall, single_synth = _synth("prod", None, work / "prod")
        single = stack_limits(work / "prod")
        failures: list[str] = []
        for accounts, services, regions in sizes_to_try(size):
            config_dir = work / f"config-{accounts}"
            config_dir.mkdir()
            (config_dir / "orgbench.yaml").write_text(yaml.safe_dump(generated_config(accounts, services, regions)))
            try:
                org_wall, org_synth = _synth("orgbench", config_dir, work / f"orgbench-{accounts}",
                                             None if requested else TIMEOUT_S)
            except RuntimeError as error:
                failures.append(f"{accounts} x {services} x {regions}: {error}")
                continue
            org = stack_limits(work / f"orgbench-{accounts}")
            break
        else:
            raise RuntimeError("no organization size synthesized: " + "; ".join(failures))
    count = accounts * services * regions
    data = {"size": {"accounts": accounts, "services_per_account_and_region": services, "regions": regions,
                     "services": count},
            "requested": dict(zip(("accounts", "services_per_account_and_region", "regions"), size, strict=True)),
            "not_run": failures,
            "single_account": {"process_s": round(single_wall, 1), "synth_s": round(single_synth, 1), **single},
            "organization": {"process_s": round(org_wall, 1), "synth_s": round(org_synth, 1), **org},
            "ratio": round(org_wall / single_wall, 1),
            "per_service_s": round(org_wall / count, 2)}
    largest = org["largest"]
    markdown = "\n".join([
        f"Generated organization: {accounts} accounts x {services} services x {regions} regions "
        f"({count} services), synthesized in a fresh process (no cdk-nag) beside prod, in the same run.",
        *([f"Not run at a larger size: {'; '.join(failures)}."] if failures else []),
        "",
        "| app | stacks | process s | synth s | largest stack: resources / bytes | over a limit |",
        "|---|---|---|---|---|---|",
        f"| prod (single account) | {single['stacks']} | {single_wall:.1f} | {single_synth:.1f} | "
        f"{single['largest']['resources']} / {single['largest']['template_bytes']} | {len(single['over_limits'])} |",
        f"| organization | {org['stacks']} | {org_wall:.1f} | {org_synth:.1f} | "
        f"{largest['resources']} / {largest['template_bytes']} | {len(org['over_limits'])} |",
        "",
        f"Largest organization template: {org['largest_template']} ({largest['template_bytes']} bytes); most "
        f"resources: {org['most_resources']} ({largest['resources']}). Over a limit: "
        f"{'; '.join(org['over_limits']) or 'none'}.",
        "",
        f"Organization / single-account process time: {data['ratio']}x ({data['per_service_s']} s per service). "
        f"Limits per stack: {LIMITS['resources']} resources, {LIMITS['outputs']} outputs, "
        f"{LIMITS['parameters']} parameters, {LIMITS['template_bytes']} bytes.",
    ])
    return Section(name="organization", title="Organization scale (synth)", markdown=markdown, data=data)
