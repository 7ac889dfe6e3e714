"""The CloudWatch user guide's two worked tables ('How alarm state is evaluated when data is missing').

Each row: the 5 datapoints of the evaluation range, oldest first (0 = not breaching, X = breaching,
- = missing), and the state for TreatMissingData missing / ignore / breaching / notBreaching.
RETAIN means the current state is kept. Source: awsdocs/amazon-cloudwatch-user-guide, AlarmThatSendsEmail.md.
"""
from __future__ import annotations

import pytest

from tools.alarmsim.evaluation import ALARM, INSUFFICIENT_DATA, OK, evaluate_range

RETAIN = "RETAIN"
MODES = ("missing", "ignore", "breaching", "notBreaching")

# Datapoints to Alarm = 3, Evaluation Periods = 3.
TABLE_3_OF_3 = [
    ("0 - X - X", (OK, OK, OK, OK)),
    ("0 - - - -", (OK, OK, OK, OK)),
    ("- - - - -", (INSUFFICIENT_DATA, RETAIN, ALARM, OK)),
    ("0 X X - X", (ALARM, ALARM, ALARM, ALARM)),
    ("- - - - X", (INSUFFICIENT_DATA, RETAIN, ALARM, OK)),
    ("X - - - -", (ALARM, RETAIN, ALARM, OK)),
]

# Datapoints to Alarm = 2, Evaluation Periods = 3.
TABLE_2_OF_3 = [
    ("0 - X - X", (ALARM, ALARM, ALARM, ALARM)),
    ("0 0 X 0 X", (ALARM, ALARM, ALARM, ALARM)),
    ("0 - X - -", (OK, OK, ALARM, OK)),
    ("- - - - 0", (OK, OK, ALARM, OK)),
    ("- - - - X", (INSUFFICIENT_DATA, RETAIN, ALARM, OK)),
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
@pytest.mark.parametrize("current", [OK, ALARM, INSUFFICIENT_DATA])
def test_user_guide_row(datapoints_to_alarm, row, mode, expected, current):
    # GIVEN one row of the guide's tables and an alarm currently in `current`
    points = _points(row)
    # WHEN the alarm evaluates that range
    state = evaluate_range(points, 3, datapoints_to_alarm, mode, current)
    # THEN it ends where the guide says (RETAIN: where it was)
    assert state == (current if expected == RETAIN else expected)


def test_tables_cover_every_row_of_the_guide():
    # GIVEN the encoded tables WHEN counted THEN they hold the guide's 6 + 5 rows, each with 4 modes
    assert len(TABLE_3_OF_3) == 6 and len(TABLE_2_OF_3) == 5
    assert all(len(expected) == 4 for _, expected in TABLE_3_OF_3 + TABLE_2_OF_3)
