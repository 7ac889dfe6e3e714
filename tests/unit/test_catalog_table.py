"""The README lists every override family with the catalog's defaults, and stays equal to the catalog."""
from __future__ import annotations

import doctest

from plan.catalog import CATALOG
from stacks.monitoring import catalog_table
from stacks.monitoring.catalog_table import BEGIN, END, README, override_table


def test_the_readme_table_is_the_one_generated_from_the_catalog():
    text = README.read_text()
    documented = text[text.index(BEGIN) + len(BEGIN):text.index(END)].strip()
    assert documented == override_table(), "run: .venv/bin/python -m stacks.monitoring.catalog_table --write"


def test_every_family_is_a_row_with_each_default_threshold_of_the_catalog():
    rows = {line.split("|")[1].strip(" `"): line for line in override_table().splitlines()[2:]}
    assert list(rows) == list(CATALOG)
    for family, row in CATALOG.items():
        for severity, threshold in row.thresholds.items():
            assert f" {threshold.value:g}" in rows[family], (family, severity)
            if threshold.min_requests:
                assert f"at least {threshold.min_requests} requests" in rows[family]


def test_the_module_example_runs():
    assert doctest.testmod(catalog_table).failed == 0
