"""Fixtures of the discovery tests: moto with three accounts and two regions, the gaps of its tagging API filled."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from tests.unit.discover.moto_world import build_world, list_missing_kinds


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An empty moto AWS (every account), whose GetResources also lists APIs and EventBridge rules."""
    with mock_aws():
        list_missing_kinds(monkeypatch)
        yield


@pytest.fixture
def world(aws: None) -> dict:
    """The tagged resources of three services over three accounts and two regions (moto_world.build_world)."""
    return build_world()
