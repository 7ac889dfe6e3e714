"""Split dashboards: each part charts its own services, so no part grows with the whole estate."""
from __future__ import annotations

import json
import re

from config.schema import EnvironmentConfig
from dashboards.limits import body_problems
from dashboards.model import AlarmRef, AppResources, alarm_refs
from dashboards.registry import build_parts
from plan.build import plan_environment
from tests.unit.dashboards.conftest import make_config
from tools.bench.bench_organization import generated_config

ROUTER = AlarmRef("watchtower-prod-router-errors", "arn:aws:cloudwatch:eu-west-1:1:alarm:watchtower-prod-router-errors",
                  "alerting", "critical", "metric", "alert-router", threshold=1.0)


def _estate(services: int):
    cfg = make_config([{"name": f"s{i:03d}", "resources": {
        "functions": [f"s{i:03d}-fn"], "queues": [{"name": f"s{i:03d}-q", "dlq": f"s{i:03d}-dlq"}]}}
        for i in range(services)], business=[])
    plan = plan_environment(cfg)
    return cfg, plan, alarm_refs(plan, lambda name: f"arn:aws:cloudwatch:eu-west-1:1:alarm:{name}") + [ROUTER]


def _alarms(body):
    return [a for w in body["widgets"] if w["type"] == "alarm" for a in w["properties"]["alarms"]]


def test_operations_parts_list_only_their_own_services_alarms_and_the_shared_ones():
    # GIVEN 60 services and a size budget that one Operations body for all of them breaks
    cfg, plan, refs = _estate(60)
    canaries = {f"s{i:03d}": f"watchtower-prod-s{i:03d}" for i in range(60)}
    whole = build_parts("Operations", cfg, plan, refs, AppResources(router_function="r", canaries=canaries))
    budget = len(json.dumps(whole["Operations"])) // 3

    def too_big(body):
        return body_problems(body) + (["over budget"] if len(json.dumps(body)) > budget else [])

    # WHEN it is built in parts
    parts = build_parts("Operations", cfg, plan, refs, AppResources(router_function="r", canaries=canaries),
                        problems=too_big)
    # THEN each part fits, and lists the alarms and canaries of the services it holds plus the shared ones only
    assert len(parts) >= 3 and all(len(json.dumps(b)) <= budget and not body_problems(b) for b in parts.values())
    services = {s.name for s in plan.services}
    shared = {r.arn for r in refs if r.service not in services}  # the router's, the maintenance switch's
    assert ROUTER.arn in shared
    seen: list[str] = []
    for name, body in parts.items():
        held = re.search(r"\(part \d+ of \d+: (\S+) to ([^)]+)\)", body["widgets"][0]["properties"]["markdown"])
        assert held, name
        first, last = held.groups()
        own = {r.arn for r in refs if r.service in services and first <= r.service <= last}
        listed = set(_alarms(body))
        assert listed == own | shared, name
        charted = [m[3] for w in body["widgets"] if w["properties"].get("title") == "Canary success"
                   for m in w["properties"]["metrics"]]
        assert charted and all(first <= c.removeprefix("watchtower-prod-") <= last for c in charted), name
        seen += listed
    # AND together they list every alarm of the estate, the shared ones in every part
    assert set(seen) == {r.arn for r in refs} and seen.count(ROUTER.arn) == len(parts)


def test_one_part_when_it_fits_is_the_whole_dashboard_unchanged():
    # GIVEN an estate whose Operations body fits
    cfg, plan, refs = _estate(5)
    # WHEN it is built
    parts = build_parts("Operations", cfg, plan, refs, AppResources(router_function="r"))
    # THEN it is one body under the stable name listing every alarm
    assert list(parts) == ["Operations"] and set(_alarms(parts["Operations"])) == {r.arn for r in refs}


def test_parts_of_an_organization_name_the_accounts_and_regions_they_hold():
    # GIVEN an organization of two source accounts, one service each in two regions
    cfg = EnvironmentConfig.model_validate(generated_config(accounts=2, services=1, regions=2))
    plan = plan_environment(cfg)
    # WHEN any body with more than one service is refused, so each service gets a part of its own
    parts = build_parts("Performance", cfg, plan, [], problems=lambda body: ["split"])
    # THEN each part's title names its services, their account and their region
    titles = [b["widgets"][0]["properties"]["markdown"].split("\n")[0] for b in parts.values()]
    assert list(parts) == ["Performance-1", "Performance-2", "Performance-3", "Performance-4"]
    assert titles[0].endswith("(part 1 of 4: acct00-west-s0 to acct00-west-s0; accounts acct00; regions eu-west-1)")
    assert titles[3].endswith("(part 4 of 4: acct01-east-s0 to acct01-east-s0; accounts acct01; regions us-east-1)")
