"""The Examples in the dashboards' docstrings run, so the documentation cannot drift from the code."""
from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["dashboards.model", "dashboards.limits", "dashboards.widgets", "dashboards.layout", "dashboards.common",
           "dashboards.catalog", "dashboards.inventory", "dashboards.preview.resolve", "dashboards.preview.simulate",
           "dashboards.preview.text", "dashboards.preview.render", "dashboards.preview.incident",
           "dashboards.preview.__main__", "dashboards.slo"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
