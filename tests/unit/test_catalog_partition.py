"""Splitting a big service into parts (pure logic: how many alarms each resource brings)."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from config.services import ServiceConfig, ServiceResources
from plan.build import PART_RESOURCE_BUDGET, alarm_plans, partition, resource_labels

SERVICE = ServiceConfig(name="fleet", resources={"tables": ["t"]})


def _weight(cfg, resources: ServiceResources) -> int:
    alarms = alarm_plans(cfg, SERVICE, resources)
    filters = len({a.resource for a in alarms if a.family == "ErrorLogs"})
    return len(alarms) + filters


@settings(max_examples=30, deadline=None)
@given(functions=st.integers(0, 120), tables=st.integers(0, 40), budget=st.sampled_from([30, 100, PART_RESOURCE_BUDGET]))
def test_parts_respect_the_budget_keep_order_and_lose_nothing(functions, tables, budget):
    resources = ServiceResources(functions=tuple(f"fn-{i}" for i in range(functions)),
                                 tables=tuple(f"t-{i}" for i in range(tables)))
    from config.loader import load_config

    cfg = load_config("prod")
    numbers = partition(SERVICE, resources, budget)
    refs = [*resources.functions, *resources.tables]  # config order: functions before tables
    assert len(numbers) == len(refs) and numbers == sorted(numbers)  # in order, nothing lost
    for part in set(numbers):
        mine = [r for r, n in zip(refs, numbers, strict=True) if n == part]
        chunk = ServiceResources(functions=tuple(r for r in mine if r in resources.functions),
                                 tables=tuple(r for r in mine if r in resources.tables))
        assert _weight(cfg, chunk) <= budget  # every single resource weighs far less than the budget


def test_kind_suffixes_appear_only_when_kinds_share_a_name():
    labels = resource_labels(ServiceResources(functions=("api", "worker"), rest_apis=("api",), tables=("orders",)))
    assert labels == {("functions", "api"): "api-fn", ("functions", "worker"): "worker",
                      ("rest_apis", "api"): "api-api", ("tables", "orders"): "orders"}
