"""Composite rules (grammar, nesting), ActionsSuppressor (WaitPeriod, ExtensionPeriod) and AlarmMuteRule."""
from __future__ import annotations

import pytest

from tests.unit.alarmsim.builders import ERRORS, INVOCATIONS, T0, composite, metric_alarm, store_of, template, topic
from tools.alarmsim.composite import RuleError, parse_rule
from tools.alarmsim.series import SeriesStore
from tools.alarmsim.simulator import Simulator
from tools.alarmsim.template import alarms_from_templates


@pytest.mark.parametrize("rule,states,expected", [
    ('ALARM("a") OR ALARM("b") AND ALARM("c")', {"a": "ALARM", "b": "OK", "c": "OK"}, True),   # AND binds tighter
    ('(ALARM("a") OR ALARM("b")) AND ALARM("c")', {"a": "ALARM", "b": "OK", "c": "OK"}, False),
    ('NOT ALARM(a) AND OK(b)', {"a": "OK", "b": "OK"}, True),
    ('NOT (ALARM(a) AND OK(b))', {"a": "ALARM", "b": "OK"}, False),
    ('INSUFFICIENT_DATA("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:x")', {}, True),
    ('TRUE AND NOT FALSE', {}, True),
    ('((ALARM(a) OR (OK(b) AND (NOT ALARM(c)))))', {"a": "OK", "b": "OK", "c": "INSUFFICIENT_DATA"}, True),
])
def test_rule_grammar(rule, states, expected):
    # GIVEN a rule WHEN evaluated on alarm states THEN precedence and nesting follow the grammar
    assert parse_rule(rule).evaluate(states) is expected


@pytest.mark.parametrize("rule", ["", "ALARM(", "ALARM a", "ALARM(a) AND", "MAYBE(a)", "(ALARM(a)", "ALARM(a))"])
def test_bad_rules_are_one_line_errors(rule):
    # GIVEN a malformed rule WHEN parsed THEN a RuleError names the grammar in one line
    with pytest.raises(RuleError) as error:
        parse_rule(rule)
    assert "\n" not in str(error.value) and "allowed" in str(error.value)


def _errors_alarm(name: str, metric: str = "Errors") -> dict:
    return metric_alarm(name, metric=metric, treat="notBreaching")


def _run(resources: dict, store: SeriesStore, minutes: int):
    alarms = alarms_from_templates({"S": template(**resources)})
    assert not alarms.warnings, alarms.warnings
    return Simulator(alarms, store, "OK").run(T0, T0 + minutes)


def test_nested_composites_follow_their_children_through_getatt_arns():
    # GIVEN inner = errors AND invocations, outer = inner OR FALSE, referenced by Fn::GetAtt Arn as CDK writes
    resources = {
        "Pager": topic("pager"), "Err": _errors_alarm("err"), "Inv": _errors_alarm("inv", "Invocations"),
        "Inner": composite("inner", {"Fn::Join": ["", ['ALARM("', {"Fn::GetAtt": ["Err", "Arn"]}, '") AND ALARM("',
                                                       {"Fn::GetAtt": ["Inv", "Arn"]}, '")']]}),
        "Outer": composite("outer", {"Fn::Join": ["", ['(ALARM("', {"Fn::GetAtt": ["Inner", "Arn"]}, '") OR FALSE)']]},
                           AlarmActions=[{"Ref": "Pager"}]),
    }
    # errors in minutes 0-3, invocations only in minutes 2-3
    store = store_of({ERRORS: [1, 1, 1, 1], INVOCATIONS: [None, None, 1, 1]})
    # WHEN simulated
    transitions = _run(resources, store, 9)
    outer = [(t.minute - T0, t.to_state, t.actions) for t in transitions if t.alarm == "outer"]
    # THEN outer alarms (and pages) once both children are in ALARM; after the data stops, the children keep
    # re-evaluating their last real datapoints while those stay in the evaluation range (N + 2 = 3 periods)
    assert outer == [(3, "ALARM", ("pager",)), (7, "OK", ())]


def _suppressed(wait: int, extension: int, maintenance: list, errors: list) -> list:
    resources = {
        "Pager": topic("pager"), "Err": _errors_alarm("err"),
        "Maint": metric_alarm("maintenance", metric="Maintenance", namespace="Ops", dimensions={"Env": "prod"},
                              treat="notBreaching"),
        "Page": composite("page", 'ALARM("err")', AlarmActions=[{"Ref": "Pager"}],
                          ActionsSuppressor={"Fn::GetAtt": ["Maint", "Arn"]},
                          ActionsSuppressorWaitPeriod=wait, ActionsSuppressorExtensionPeriod=extension),
    }
    from tools.alarmsim.series import MetricKey
    store = store_of({ERRORS: errors, MetricKey.of("Ops", "Maintenance", {"Env": "prod"}): maintenance})
    return [t for t in _run(resources, store, len(errors) + 2) if t.alarm == "page"]


def test_suppressor_in_alarm_holds_the_composite_actions_but_not_its_state():
    # GIVEN maintenance (the suppressor) in ALARM while errors start
    page = _suppressed(60, 60, maintenance=[1, 1, 1, 1], errors=[None, 1, 1, 1])
    # THEN the composite goes to ALARM with its actions held by the suppressor
    assert page[0].to_state == "ALARM" and page[0].actions == () and page[0].held_by.startswith("ActionsSuppressor")


def test_wait_period_delays_the_page_and_suppressor_arriving_within_it_cancels_it():
    # GIVEN errors at minute 0 and maintenance starting at minute 1, WaitPeriod 180 s
    page = _suppressed(180, 60, maintenance=[None, 1, 1, 1, 1], errors=[1, 1, 1, 1, 1])
    # THEN the ALARM change is recorded at minute 1 and its actions are cancelled by the late suppressor
    assert page[0].to_state == "ALARM" and page[0].actions == ()
    assert "within WaitPeriod" in page[0].held_by


def test_wait_period_elapses_without_suppressor_then_actions_run_late():
    # GIVEN errors and no maintenance, WaitPeriod 120 s
    page = _suppressed(120, 60, maintenance=[0] * 6, errors=[1] * 6)
    # THEN the page runs WaitPeriod after the change
    assert page[0].actions == ("pager",) and page[0].actions_minute - page[0].minute == 2


def test_extension_period_holds_actions_after_the_suppressor_leaves_alarm_then_releases_them():
    # GIVEN maintenance ends at minute 2 (suppressor OK from minute 3) and errors start at minute 3
    held = _suppressed(0, 300, maintenance=[1, 1, 0, 0, 0, 0], errors=[None, None, None, 1, 1, 1, 1, 1, 1])
    late = _suppressed(0, 60, maintenance=[1, 1, 0, 0, 0, 0], errors=[None, None, None, None, None, 1])
    # THEN within ExtensionPeriod (300 s) the actions wait, and run when it ends (suppressor left ALARM at
    # minute 3, so at minute 8) because the composite is still in ALARM; after a short one (60 s) they run at once
    assert held[0].to_state == "ALARM" and held[0].released.startswith("ExtensionPeriod")
    assert held[0].actions == ("pager",) and held[0].actions_minute - held[0].minute == 4
    assert late[0].to_state == "ALARM" and late[0].actions == ("pager",) and late[0].released is None


def test_page_held_by_the_suppressor_is_released_when_the_incident_outlasts_maintenance():
    # GIVEN maintenance (suppressor) in ALARM for minutes 0-3 and errors from minute 1 that go on
    page = _suppressed(60, 60, maintenance=[1, 1, 1, 1, 0, 0, 0, 0], errors=[None] + [1] * 9)
    # THEN the page is not lost: it runs ExtensionPeriod (1 min) after the suppressor leaves ALARM (minute 5)
    assert len(page) == 1 and page[0].to_state == "ALARM" and page[0].actions == ("pager",)
    assert page[0].actions_minute == page[0].minute + 4 and page[0].released.startswith("ActionsSuppressor")


def test_page_held_by_the_suppressor_is_dropped_when_the_incident_ends_inside_maintenance():
    # GIVEN an incident in minutes 1-2 that recovers while maintenance still holds the page
    page = _suppressed(60, 60, maintenance=[1] * 12, errors=[None, 1, 1] + [0] * 9)
    # THEN neither the ALARM nor the OK reaches anyone
    assert [t.to_state for t in page] == ["ALARM", "OK"] and all(t.actions == () for t in page)


def test_mute_rule_mutes_actions_during_its_window_only():
    # GIVEN a mute rule on 'err' every day 00:00-00:10 UTC and errors at two times of day
    midnight = (T0 // 1440 + 1) * 1440
    resources = {"Pager": topic("pager"), "Err": {**_errors_alarm("err")},
                 "Mute": {"Type": "AWS::CloudWatch::AlarmMuteRule", "Properties": {
                     "Name": "nightly", "MuteTargets": {"AlarmNames": [{"Ref": "Err"}]},
                     "Rule": {"Schedule": {"Expression": "cron(0 0 * * *)", "Duration": "PT10M"}}}}}
    resources["Err"]["Properties"]["AlarmActions"] = [{"Ref": "Pager"}]
    errors = [None] * 40
    errors[2] = errors[3] = 1        # 00:02 - muted
    errors[30] = errors[31] = 1      # 00:30 - not muted
    alarms = alarms_from_templates({"S": template(**resources)})
    transitions = Simulator(alarms, store_of({ERRORS: errors}, start=midnight), "OK").run(midnight, midnight + 40)
    fired = [(t.minute - midnight, t.actions, t.held_by) for t in transitions if t.to_state == "ALARM"]
    # THEN the first ALARM is muted, the second pages
    assert fired == [(3, (), "AlarmMuteRule:nightly"), (31, ("pager",), None)]


def test_mute_window_end_runs_the_actions_of_alarms_still_in_alarm():
    # GIVEN a mute rule on 'err' every day 00:00-00:10 UTC and errors from 00:05 to 00:20
    midnight = (T0 // 1440 + 1) * 1440
    resources = {"Pager": topic("pager"), "Err": {**_errors_alarm("err")},
                 "Mute": {"Type": "AWS::CloudWatch::AlarmMuteRule", "Properties": {
                     "Name": "nightly", "MuteTargets": {"AlarmNames": [{"Ref": "Err"}]},
                     "Rule": {"Schedule": {"Expression": "cron(0 0 * * *)", "Duration": "PT10M"}}}}}
    resources["Err"]["Properties"]["AlarmActions"] = [{"Ref": "Pager"}]
    errors = [None] * 5 + [1] * 15 + [0] * 10
    alarms = alarms_from_templates({"S": template(**resources)})
    transitions = Simulator(alarms, store_of({ERRORS: errors}, start=midnight), "OK").run(midnight, midnight + 30)
    fired = [(t.minute - midnight, t.actions, t.actions_minute - midnight, t.released)
             for t in transitions if t.to_state == "ALARM"]
    # THEN the ALARM at 00:06 is muted, and its page runs at 00:10, the first minute the window no longer covers
    assert fired == [(6, ("pager",), 10, "AlarmMuteRule:nightly")]
