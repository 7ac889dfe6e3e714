"""The monitoring plan, as pure data: the catalog decides where families apply, overrides resolve once, big
services split into parts, and services declared by ``template:`` get their discovered resources."""
from __future__ import annotations

import dataclasses
from types import MappingProxyType

import pytest

import plan.catalog
from config.loader import load_config
from config.services import ServiceConfig
from plan.build import PART_RESOURCE_BUDGET, plan_environment
from plan.catalog import CATALOG
from plan.enums import Severity
from plan.metrics import SIGNALS, PlanError, families_of

SHOP = "tests/fixtures/service_templates/Shop.template.json"
KINDS = ("functions", "rest_apis", "http_apis", "tables", "queues", "state_machines", "event_rules", "topics")


def _with_services(*services: ServiceConfig):
    cfg = load_config("dev")
    return cfg.model_copy(update={"services": services})


def test_every_catalog_row_has_a_signal_on_every_kind_it_lists():
    # GIVEN every catalog row, WHEN the plan asks which families apply per kind, THEN none is unmeasured
    from plan.account import _METRICS as ACCOUNT_METRICS
    from plan.catalog import ACCOUNT
    for row in CATALOG.values():
        for kind in row.kinds:
            if kind == ACCOUNT:  # account-level rows: measured by plan.account, one metric each, not per resource
                assert row.family in ACCOUNT_METRICS, row.family
                continue
            assert row.family in families_of(kind), (row.family, kind)
            assert row.family in SIGNALS[kind]


def test_a_catalog_row_listing_a_kind_with_no_signal_is_an_error(monkeypatch):
    # GIVEN a catalog whose DlqDepth row also lists tables, which no signal measures
    rows = dict(CATALOG)
    rows["DlqDepth"] = dataclasses.replace(rows["DlqDepth"], kinds=("queues", "tables"))
    monkeypatch.setattr(plan.catalog, "CATALOG", MappingProxyType(rows))
    # WHEN the plan is built for a service with a table, THEN it names the family and the kind
    with pytest.raises(PlanError, match="DlqDepth for tables"):
        plan_environment(_with_services(ServiceConfig(name="shop", resources={"tables": ["orders"]})))


def test_the_catalog_kinds_column_decides_where_a_family_applies(monkeypatch):
    # GIVEN a catalog whose TrafficDrop row no longer lists HTTP APIs
    service = ServiceConfig(name="shop", resources={"rest_apis": ["rest"],
                                                    "http_apis": [{"name": "http", "api_id": "abcdefghij"}]})
    before = {(a.resource, a.family) for a in plan_environment(_with_services(service)).alarms}
    rows = dict(CATALOG)
    rows["TrafficDrop"] = dataclasses.replace(rows["TrafficDrop"], kinds=("rest_apis",))
    monkeypatch.setattr(plan.catalog, "CATALOG", MappingProxyType(rows))
    # WHEN the plan is built again
    after = {(a.resource, a.family) for a in plan_environment(_with_services(service)).alarms}
    # THEN only the HTTP API lost its TrafficDrop alarm
    assert before - after == {("http", "TrafficDrop")}


def test_overrides_resolve_into_the_plan_value_and_disable_alarms():
    # GIVEN a service that lowers HighErrorRate.warning and turns ColdStarts off for one function
    service = ServiceConfig(name="shop", overrides={"HighErrorRate.warning": {"threshold": 3}},
                            resources={"functions": [{"name": "api", "overrides": {"ColdStarts": {"enabled": False}}},
                                                     "worker"]})
    alarms = {(a.resource, a.family, a.severity): a for a in plan_environment(_with_services(service)).alarms}
    # THEN the plan holds the resolved threshold, and the disabled alarm is absent on that function only
    assert alarms[("api", "HighErrorRate", Severity.WARNING)].value == 3
    assert alarms[("api", "HighErrorRate", Severity.CRITICAL)].value == 10
    assert ("api", "ColdStarts", Severity.WARNING) not in alarms
    assert ("worker", "ColdStarts", Severity.WARNING) in alarms


def test_a_timeout_scales_duration_near_timeout_to_milliseconds():
    service = ServiceConfig(name="shop", resources={"functions": [{"name": "api", "timeout_seconds": 10}, "bare"]})
    alarms = {(a.resource, a.family): a for a in plan_environment(_with_services(service)).alarms}
    assert alarms[("api", "DurationNearTimeout")].value == 9000  # 90 % of 10 s
    assert ("bare", "DurationNearTimeout") not in alarms  # no timeout declared: nothing to compare with


def test_a_service_declared_by_template_plans_its_discovered_resources_with_log_groups():
    # GIVEN a service that only points at its template
    p = plan_environment(_with_services(ServiceConfig(name="shop", template=SHOP)))
    service = p.service("shop")
    # THEN its resources are discovered, functions carry their log groups, and each kind has its alarms
    assert service.resources and all(r.discovered for r in service.resources)
    functions = {r.name: r for r in service.resources if r.kind == "functions"}
    assert functions["shop-api"].log_group == "/aws/lambda/shop-api"
    families = {a.family for a in p.alarms_of("shop")}
    assert {"DatabaseThrottling", "DlqDepth", "StepFunctionsFailures", "EventDeliveryFailures",
            "NotificationFailures", "IteratorAge", "AsyncFailures"} <= families
    # AND its SLO source is its API, as the burn-rate alarms read it
    assert service.sli_source is not None and service.sli_source.resource == "shop-rest"


def test_a_big_service_splits_into_parts_whose_rollups_feed_the_service_composites():
    # GIVEN a service of 200 functions
    service = ServiceConfig(name="fleet", resources={"functions": [f"fleet-fn-{i:03d}" for i in range(200)]})
    p = plan_environment(_with_services(service))
    parts = p.service("fleet").parts
    # THEN each part stack holds at most the budget of alarms (and error-log filters)
    assert parts > 1
    for part in range(1, parts + 1):
        stack = "Monitoring-fleet" if part == 1 else f"Monitoring-fleet-part{part}"
        alarms = [a for a in p.alarms_of("fleet", stack) if a.kind in KINDS]  # SLOs use the stack's headroom
        assert alarms and len(alarms) + len({a.resource for a in alarms if a.family == "ErrorLogs"}) \
            <= PART_RESOURCE_BUDGET
    # AND every part's critical rollup is a child of the paging composite, which pages through the critical topic
    critical = next(c for c in p.composites if c.name.endswith("fleet-service-Critical-critical"))
    rollups = [c.name for c in p.composites if c.resource.startswith("part") and "-group" not in c.resource
               and c.severity == Severity.CRITICAL]
    by_name = {c.name: c for c in p.composites}
    reached, todo = set(), list(critical.children)
    while todo:  # through any -groupN composites CloudWatch's rule limits made
        name = todo.pop()
        reached.add(name)
        todo.extend(by_name[name].children if name in by_name else ())
    assert len(rollups) == parts - 1 and set(rollups) <= reached
    assert critical.actions == (Severity.CRITICAL,) and critical.suppressor == p.maintenance


def test_children_notify_context_only_and_only_the_critical_composite_pages():
    p = plan_environment(load_config("prod"))
    assert all(a.actions in ((), (Severity.INFO,), (Severity.WARNING,)) for a in p.alarms)
    paging = [c.name for c in p.composites if Severity.CRITICAL in c.actions]
    assert paging and all(name.endswith("-service-Critical-critical") for name in paging)
    # every alarm that notifies nobody itself is watched by a composite (else nobody would hear of it)
    silent = [a.name for a in p.alarms if not a.actions and a.kind != "maintenance"]
    assert all(a.composites for a in p.alarms if a.name in silent)
