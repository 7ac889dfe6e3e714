"""The plan's enums render to aws_cdk's by member name, with no lookup table."""
from __future__ import annotations

import pytest
from aws_cdk import aws_cloudwatch as cloudwatch

from plan.catalog import CATALOG
from plan.enums import Comparison, MissingData


@pytest.mark.parametrize("plan_enum, cdk_enum", [(Comparison, cloudwatch.ComparisonOperator),
                                                 (MissingData, cloudwatch.TreatMissingData)])
def test_every_member_maps_to_the_cdk_member_of_the_same_name(plan_enum, cdk_enum):
    # GIVEN a plan enum and the CDK enum a renderer turns it into
    # WHEN each plan member is looked up by name in the CDK enum
    rendered = {member: cdk_enum[member.name] for member in plan_enum}
    # THEN every member exists there, and the two sets are the same size (nothing CDK offers is missing)
    assert len(rendered) == len(plan_enum) == len(list(cdk_enum))


def test_catalog_rows_hold_enums():
    # GIVEN every catalog row, THEN its comparison and missing-data treatment are plan enums (no strings)
    for row in CATALOG.values():
        assert isinstance(row.comparison, Comparison) and isinstance(row.treat_missing, MissingData), row.family
