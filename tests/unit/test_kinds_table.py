"""The README's table of resource kinds is the one generated from the catalog: every kind, its config key, each
alarm with its default thresholds and the source of each default."""
from __future__ import annotations

import doctest

from config.services import RESOURCE_KINDS
from plan.catalog import CATALOG
from stacks.monitoring import kinds_table as module
from stacks.monitoring.catalog_table import README
from stacks.monitoring.kinds_table import BEGIN, END, SOURCES, kinds_table


def test_the_readme_kinds_table_is_the_generated_one():
    text = README.read_text()
    documented = text[text.index(BEGIN) + len(BEGIN):text.index(END)].strip()
    assert documented == kinds_table(), "run: .venv/bin/python -m stacks.monitoring.catalog_table --write"


def test_every_kind_is_a_row_listing_each_family_with_its_thresholds_and_source():
    rows = kinds_table().splitlines()[2:]
    assert len(rows) == len(RESOURCE_KINDS) == 21  # twenty kinds plus listed routes
    for kind, line in zip(RESOURCE_KINDS, rows, strict=True):
        for family, row in CATALOG.items():
            if kind in row.kinds:
                assert f"`{family}`" in line and f"({SOURCES[family]})" in line, (kind, family)
                for threshold in row.thresholds.values():
                    assert f" {threshold.value:g}" in line, (kind, family)
            else:
                assert f"`{family}`" not in line, (kind, family)


def test_every_family_names_its_source():
    assert set(SOURCES) == set(CATALOG)
    assert all(source.strip() for source in SOURCES.values())


def test_the_module_example_runs():
    assert doctest.testmod(module).failed == 0
