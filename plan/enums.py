"""The closed sets of an alarm: how it compares, what missing data means, and how bad it is.

Member names equal aws_cdk's ``cloudwatch.ComparisonOperator`` and ``cloudwatch.TreatMissingData`` member
names, so a renderer turns a plan value into the library's enum by name, with no lookup table
(``cloudwatch.ComparisonOperator[op.name]``); values are what CloudFormation writes, for the plan's JSON and for
L1 constructs that take the string.

Example
-------
>>> Comparison.GREATER_THAN_THRESHOLD.value
'GreaterThanThreshold'
>>> Comparison("LessThanThreshold").symbol
'<'
>>> MissingData.NOT_BREACHING.value
'notBreaching'
>>> Severity("critical") is Severity.CRITICAL, Severity.WARNING == "warning"
(True, True)
"""
from __future__ import annotations

from enum import Enum, StrEnum

__all__ = ["Comparison", "MissingData", "Severity"]


class Comparison(Enum):
    """CloudWatch's ComparisonOperator, valued as CloudFormation writes it."""

    GREATER_THAN_OR_EQUAL_TO_THRESHOLD = "GreaterThanOrEqualToThreshold"
    GREATER_THAN_THRESHOLD = "GreaterThanThreshold"
    LESS_THAN_THRESHOLD = "LessThanThreshold"
    LESS_THAN_OR_EQUAL_TO_THRESHOLD = "LessThanOrEqualToThreshold"
    LESS_THAN_LOWER_OR_GREATER_THAN_UPPER_THRESHOLD = "LessThanLowerOrGreaterThanUpperThreshold"
    GREATER_THAN_UPPER_THRESHOLD = "GreaterThanUpperThreshold"
    LESS_THAN_LOWER_THRESHOLD = "LessThanLowerThreshold"

    @property
    def symbol(self) -> str:
        """How descriptions and the inventory write the comparison (``>``, ``below the band of``)."""
        return _SYMBOLS[self]

    @property
    def is_band(self) -> bool:
        """True for anomaly-detection comparisons, whose threshold is a band width in standard deviations."""
        return self in _BANDS


_SYMBOLS = {
    Comparison.GREATER_THAN_OR_EQUAL_TO_THRESHOLD: ">=",
    Comparison.GREATER_THAN_THRESHOLD: ">",
    Comparison.LESS_THAN_THRESHOLD: "<",
    Comparison.LESS_THAN_OR_EQUAL_TO_THRESHOLD: "<=",
    Comparison.LESS_THAN_LOWER_OR_GREATER_THAN_UPPER_THRESHOLD: "outside the band of",
    Comparison.GREATER_THAN_UPPER_THRESHOLD: "above the band of",
    Comparison.LESS_THAN_LOWER_THRESHOLD: "below the band of",
}
_BANDS = frozenset({Comparison.LESS_THAN_LOWER_OR_GREATER_THAN_UPPER_THRESHOLD,
                    Comparison.GREATER_THAN_UPPER_THRESHOLD, Comparison.LESS_THAN_LOWER_THRESHOLD})


class MissingData(Enum):
    """CloudWatch's TreatMissingData, valued as CloudFormation writes it."""

    BREACHING = "breaching"
    NOT_BREACHING = "notBreaching"
    IGNORE = "ignore"
    MISSING = "missing"


class Severity(StrEnum):
    """How bad a breach is, which decides whom it reaches: critical pages (through the service's paging
    composite), warning notifies the team, info gives context in chat. The value is the alarm name's last
    segment and the ``severity`` tag."""

    CRITICAL = "critical"
    WARNING = "warning"
    INFO = "info"
