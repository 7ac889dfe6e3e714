"""The dashboards of a generated organization bigger than one stack can hold synthesize within CloudFormation's
and CloudWatch's limits: split into parts by services, spread over Dashboards, Dashboards-2...

Only the plan and the dashboards stacks are synthesized (the monitoring stacks of 100 services would take
minutes and are checked by their own scale test); the router and DLQ names stand in for the routing stack.
"""
from __future__ import annotations

import json

import pytest
from aws_cdk import App, Environment

from config.schema import EnvironmentConfig
from dashboards.limits import body_problems
from dashboards.model import AppResources
from dashboards.preview.resolve import dashboards_in
from dashboards.registry import DASHBOARDS
from plan.build import plan_environment
from stacks.dashboards_stack import build_dashboards
from stacks.naming import stack_name
from tests.synth import cdk_json_context
from tools.bench.bench_organization import LIMITS, generated_config, stack_limits

# 5 accounts x 10 services x 2 regions: 100 services, where one Dashboards stack rendered 2.3 MB.
ACCOUNTS, SERVICES, REGIONS = 5, 10, 2
MAX_MAPPINGS = 200


@pytest.fixture(scope="module")
def estate(tmp_path_factory):
    cfg = EnvironmentConfig.model_validate(generated_config(ACCOUNTS, SERVICES, REGIONS))
    plan = plan_environment(cfg)
    outdir = tmp_path_factory.mktemp("dash-scale")
    app = App(outdir=str(outdir), context=cdk_json_context())
    env = Environment(account=cfg.account, region=cfg.region)
    stacks = build_dashboards(
        app, cfg, plan=plan, props=lambda concern: {"stack_name": stack_name(cfg, concern), "env": env},
        resources=AppResources(router_function="watchtower-orgbench-alert-router",
                               router_dlq="watchtower-orgbench-router-dlq"))
    app.synth()
    templates = {p.name.removesuffix(".template.json"): json.loads(p.read_text())
                 for p in outdir.glob("*.template.json")}
    return cfg, plan, stacks, templates, outdir


def test_every_dashboards_stack_is_within_cloudformation_limits(estate):
    cfg, _, stacks, templates, outdir = estate
    # THEN the dashboards need several stacks, the first keeping the name deployments already have
    assert list(stacks)[0] == "Dashboards" and len(stacks) >= 2
    assert set(templates) == {stack_name(cfg, concern) for concern in stacks}
    # AND each deploys after the one before it, so a dashboard moving to a later stack is deleted before it is
    # created again (CloudFormation refuses a dashboard name that exists)
    chain = list(stacks.values())
    assert all(chain[i - 1] in chain[i].dependencies for i in range(1, len(chain)))
    # AND no template breaks a per-stack limit: size, resources, outputs, parameters, mappings
    figures = stack_limits(outdir)
    assert figures["over_limits"] == [], figures
    assert figures["largest"]["template_bytes"] <= LIMITS["template_bytes"]
    assert all(len(t.get("Mappings", {})) <= MAX_MAPPINGS for t in templates.values())
    # AND what the stack measured for its dashboards is what the written template holds, give or take its frame
    for concern, stack in stacks.items():
        written = (outdir / f"{stack_name(cfg, concern)}.template.json").stat().st_size
        assert 0 <= written - sum(stack.sizes.values()) < 5_000, concern


def test_every_dashboard_is_deployed_once_within_cloudwatch_limits(estate):
    cfg, plan, _, templates, _ = estate
    deployed: dict[str, dict] = {}
    for template in templates.values():
        for name, body in dashboards_in(template).items():
            assert name not in deployed, f"{name} is in two stacks"
            deployed[name] = body
    # THEN every dashboard of the registry is there, whole or in parts, each part within CloudWatch's limits
    prefix = f"{cfg.app}-{cfg.env}-"
    kinds = {name.removeprefix(prefix).split("-")[0] for name in deployed}
    assert kinds == set(DASHBOARDS)
    assert all(body_problems(body) == [] for body in deployed.values())
    # AND the per-service dashboards chart every service once, across their parts
    for kind in ("ServiceOverview", "Performance"):
        headers = [w["properties"]["markdown"].split("\n")[0].removeprefix("## ")
                   for name, body in deployed.items() if name.removeprefix(prefix).split("-")[0] == kind
                   for w in body["widgets"] if w["type"] == "text" and w["properties"]["markdown"].startswith("## ")]
        assert sorted(headers) == sorted(s.name for s in plan.services), kind
