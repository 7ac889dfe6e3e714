"""The CloudWatch user guide's worked tables ('How alarm state is evaluated when data is missing').

The guide, on how CloudWatch reads them: "CloudWatch retrieves the 5 most recent data points when evaluating
the alarm ... In the data points column, 0 is a non-breaching data point, X is a breaching data point, and - is
a missing data point." Columns: the state for TreatMissingData MISSING / IGNORE / BREACHING / NOT BREACHING;
"Retain current state" keeps the alarm where it was.

The current guide holds 13 rows (7 + 6; older copies held 6 + 5): it adds ``- - X - -`` to the 3 of 3 table
and ``- - - X -`` to the 2 of 3 table, both ALARM under MISSING. Of the older sixth row it says: "the alarm goes
to ALARM state even if missing data is treated as missing, because the oldest evaluated data point is
breaching and there aren't any non-breaching data points." Each row runs with the alarm previously OK and
previously in ALARM, so "Retain current state" is checked both ways.
"""
from __future__ import annotations

import pytest

from tools.alarmsim.evaluation import ALARM, INSUFFICIENT_DATA, OK, evaluate_range

RETAIN = "Retain current state"
MODES = ("missing", "ignore", "breaching", "notBreaching")
PRIOR_STATES = (OK, ALARM)

# "In the first table, Datapoints to Alarm and Evaluation Periods are both 3."
TABLE_3_OF_3 = [
    ("0 - X - X", (OK, OK, OK, OK)),
    ("0 - - - -", (OK, OK, OK, OK)),
    ("- - - - -", (INSUFFICIENT_DATA, RETAIN, ALARM, OK)),
    ("0 X X - X", (ALARM, ALARM, ALARM, ALARM)),
    ("- - - - X", (INSUFFICIENT_DATA, RETAIN, ALARM, OK)),
    ("X - - - -", (ALARM, RETAIN, ALARM, OK)),
    ("- - X - -", (ALARM, RETAIN, ALARM, OK)),
]

# "Datapoints to Alarm is only 2 while Evaluation Periods is 3. This is a 2 out of 3, M out of N alarm."
TABLE_2_OF_3 = [
    ("0 - X - X", (ALARM, ALARM, ALARM, ALARM)),
    ("0 0 X 0 X", (ALARM, ALARM, ALARM, ALARM)),
    ("0 - X - -", (OK, OK, ALARM, OK)),
    ("- - - - 0", (OK, OK, ALARM, OK)),
    ("- - - - X", (INSUFFICIENT_DATA, RETAIN, ALARM, OK)),
    ("- - - X -", (ALARM, RETAIN, ALARM, OK)),
]

_SYMBOL = {"0": False, "X": True, "-": None}


def _points(row: str) -> list[bool | None]:
    return [_SYMBOL[symbol] for symbol in row.split()]


def _cases():
    for m, table in ((3, TABLE_3_OF_3), (2, TABLE_2_OF_3)):
        for row, expected in table:
            for mode, state in zip(MODES, expected):
                yield pytest.param(m, row, mode, state, id=f"{m}of3[{row}]-{mode}")


@pytest.mark.parametrize("datapoints_to_alarm,row,mode,expected", list(_cases()))
@pytest.mark.parametrize("current", PRIOR_STATES)
def test_user_guide_row(datapoints_to_alarm, row, mode, expected, current):
    # GIVEN one row of the guide's tables and an alarm currently in `current`
    points = _points(row)
    # WHEN the alarm evaluates that range
    state = evaluate_range(points, 3, datapoints_to_alarm, mode, current)
    # THEN it ends where the guide says (Retain current state: where it was)
    assert state == (current if expected == RETAIN else expected)


def test_tables_cover_every_row_of_the_current_guide():
    # GIVEN the encoded tables WHEN counted THEN they hold the current guide's 13 rows, each with 4 treatments,
    # and every case runs from 2 prior states
    assert len(TABLE_3_OF_3) + len(TABLE_2_OF_3) == 13
    assert all(len(expected) == 4 for _, expected in TABLE_3_OF_3 + TABLE_2_OF_3)
    assert len(list(_cases())) * len(PRIOR_STATES) == 13 * 4 * 2
