"""GIVEN arbitrary, truncated and mutated messages, WHEN the handler routes them, THEN it never raises past
its boundary and every message is accounted for (an outcome per channel, every dead letter in the DLQ)."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings, strategies as st

from lambdas.alert_router.records import OUTCOMES
from tests.lambdas.alert_router.conftest import sns_event
from tests.lambdas.alert_router.helpers import ALL_FIXTURES, fixture_text

JSON_FIXTURES = [name for name in ALL_FIXTURES if name.endswith(".json")]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)


@st.composite
def truncated_fixture(draw):
    text = fixture_text(draw(st.sampled_from(ALL_FIXTURES)))
    return text[: draw(st.integers(min_value=0, max_value=len(text)))]


@st.composite
def mutated_fixture(draw):
    doc = json.loads(fixture_text(draw(st.sampled_from(JSON_FIXTURES))))
    target = doc["detail"] if "detail" in doc and draw(st.booleans()) else doc
    key = draw(st.sampled_from(sorted(target)))
    if draw(st.booleans()):
        del target[key]
    else:
        target[key] = draw(json_values)
    return json.dumps(doc)


messages = st.one_of(
    st.text(max_size=300),
    truncated_fixture(),
    mutated_fixture(),
    json_values.map(json.dumps),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(message=messages, severity=st.sampled_from(["critical", "warning", "info"]))
def test_handler_never_raises_and_accounts_for_every_message(world, message, severity):
    router = world.router()
    event = sns_event(message, world.topics[severity], message_id="prop-1")
    result = router.handle(event, remaining_ms=20_000)
    records = result["records"]
    assert records, "a message without any outcome was dropped"
    assert all(r["message_id"] == "prop-1" and r["outcome"] in OUTCOMES for r in records)
    assert len({r["channel"] for r in records}) == len(records)
    dead = [r for r in records if r["outcome"] == "dead_lettered"]
    assert len(world.dead_letters()) == len(dead)
    world.emails()  # drain, so the next example starts clean


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(event=json_values)
def test_any_lambda_event_shape_is_handled(world, event):
    result = world.router().handle(event, remaining_ms=20_000)
    assert result["records"] and all(r["outcome"] in OUTCOMES for r in result["records"])
    world.dead_letters(), world.emails()
