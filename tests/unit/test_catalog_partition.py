"""Splitting a big service into parts (pure logic: how many alarms each resource brings)."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from config.services import ServiceConfig, ServiceResources
from stacks.monitoring.partition import PART_RESOURCE_BUDGET, partition
from stacks.monitoring.service_alarms import planned_alarms, resource_labels

SERVICE = ServiceConfig(name="fleet", resources={"tables": ["t"]})


def _weight(resources: ServiceResources) -> int:
    alarms = planned_alarms(SERVICE, resources)
    filters = len({ref.name for _, ref, family, _ in alarms if family == "ErrorLogs"})
    return len(alarms) + filters


@settings(max_examples=30, deadline=None)
@given(functions=st.integers(0, 120), tables=st.integers(0, 40), budget=st.sampled_from([30, 100, PART_RESOURCE_BUDGET]))
def test_parts_respect_the_budget_keep_order_and_lose_nothing(functions, tables, budget):
    resources = ServiceResources(functions=tuple(f"fn-{i}" for i in range(functions)),
                                 tables=tuple(f"t-{i}" for i in range(tables)))
    parts = partition(SERVICE, resources, budget)
    assert len(parts) >= 1
    assert all(_weight(p) <= budget for p in parts)  # every single resource weighs far less than the budget
    assert [f.name for p in parts for f in p.functions] == [f.name for f in resources.functions]
    assert [t.name for p in parts for t in p.tables] == [t.name for t in resources.tables]


def test_kind_suffixes_appear_only_when_kinds_share_a_name():
    labels = resource_labels(ServiceResources(functions=("api", "worker"), rest_apis=("api",), tables=("orders",)))
    assert labels == {("functions", "api"): "api-fn", ("functions", "worker"): "worker",
                      ("rest_apis", "api"): "api-api", ("tables", "orders"): "orders"}
