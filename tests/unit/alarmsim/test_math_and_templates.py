"""Metric math and reading templates with CloudFormation intrinsics."""
from __future__ import annotations

import pytest

from tests.unit.alarmsim.builders import metric_alarm, template
from tools.alarmsim.intrinsics import Resolver
from tools.alarmsim.mathexpr import MathError, parse_expression
from tools.alarmsim.template import alarms_from_templates


@pytest.mark.parametrize("text,variables,expected", [
    ("a + b * 2 - 1", {"a": [1.0, None], "b": [2.0, 3.0]}, [4.0, None]),       # precedence, missing propagates
    ("a / b", {"a": [1.0, 1.0], "b": [0.0, 4.0]}, [None, 0.25]),               # x / 0 is missing
    ("2 ^ a", {"a": [3.0]}, [8.0]),
    ("-a + 1", {"a": [3.0]}, [-2.0]),
    ("IF(a > 1, a, 0)", {"a": [0.5, 2.0, None]}, [0.0, 2.0, None]),
    ("IF(a > 1, a)", {"a": [0.5, 2.0]}, [None, 2.0]),
    ("IF(a >= 1 AND b < 1, 1, 0)", {"a": [1.0, 1.0], "b": [0.0, 2.0]}, [1.0, 0.0]),
    ("IF(a == 1 || b != 0, 1, 0)", {"a": [0.0, 0.0], "b": [0.0, 2.0]}, [0.0, 1.0]),
    ("FILL(a, 0)", {"a": [None, 2.0]}, [0.0, 2.0]),
    ("FILL(a, REPEAT)", {"a": [1.0, None, None, 4.0]}, [1.0, 1.0, 1.0, 4.0]),
    ("FILL(a, LINEAR)", {"a": [1.0, None, None, 4.0]}, [1.0, 2.0, 3.0, 4.0]),
    ("MAX([a, b])", {"a": [1.0, None], "b": [3.0, 2.0]}, [3.0, 2.0]),
    ("SUM(METRICS())", {"a": [1.0], "b": [3.0]}, [4.0]),
    ("ABS(a) + CEIL(b) + FLOOR(b)", {"a": [-1.0], "b": [1.5]}, [4.0]),
    ("100 * (1 - FILL(e, 0) / i) < 50", {"e": [60.0, None], "i": [100.0, 100.0]}, [1.0, 0.0]),
])
def test_expressions(text, variables, expected):
    # GIVEN an expression and aligned series WHEN evaluated THEN each point is as CloudWatch math computes it
    assert parse_expression(text).evaluate(variables, len(next(iter(variables.values())))) == expected


@pytest.mark.parametrize("text", ["", "a +", "SEARCH('x', 'Sum', 60)", "(a", "a $ b", "IF(a)"])
def test_unsupported_or_malformed_expressions_raise_one_line(text):
    # GIVEN a bad expression WHEN parsed and evaluated THEN MathError, one line
    with pytest.raises(MathError) as error:
        parse_expression(text).evaluate({"a": [1.0]}, 1)
    assert "\n" not in str(error.value)


def test_resolver_follows_ref_getatt_join_sub_and_imports():
    # GIVEN a template with named and unnamed resources and an export from another template
    resolver = Resolver({"Resources": {
        "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "orders"}},
        "Anon": {"Type": "AWS::Lambda::Function", "Properties": {}},
        "Al": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"AlarmName": {"Fn::Join": ["-", ["app", "x"]]}}},
    }, "Parameters": {"Env": {"Type": "String", "Default": "prod"}}}, {"Alerting:CriticalArn": "app-prod-critical"})
    # WHEN values are resolved THEN names come through, unknowns fall back readably and nothing raises
    assert resolver.text({"Ref": "Fn"}) == "orders"
    assert resolver.text({"Ref": "Anon"}) == "Anon"
    assert resolver.text({"Fn::GetAtt": ["Al", "Arn"]}) == "app-x"
    assert resolver.text({"Fn::Sub": "${Fn}-${Env}-${AWS::Region}"}) == "orders-prod-${AWS::Region}"
    assert resolver.text({"Fn::Sub": ["${X}!", {"X": {"Ref": "Fn"}}]}) == "orders!"
    assert resolver.text({"Fn::ImportValue": "Alerting:CriticalArn"}) == "app-prod-critical"
    assert resolver.text({"Fn::ImportValue": "Other"}) == "import:Other"
    assert resolver.text({"Fn::Select": [1, ["a", "b"]]}) == "b"
    assert resolver.text({"Fn::FindInMap": ["M", "k", "v"]}).startswith("<")
    assert resolver.text({"Fn::Join": "not-a-list"}).startswith("<")


def test_unsimulatable_alarms_become_warnings_not_crashes():
    # GIVEN an anomaly-detection alarm, an unknown statistic and a bad composite rule next to a good alarm
    resources = {
        "Good": metric_alarm("good"),
        "Anomaly": metric_alarm("anomaly", ThresholdMetricId="ad1", comparison="LessThanLowerOrGreaterThanUpperThreshold"),
        "Stat": metric_alarm("stat", statistic="tm99"),
        "Bad": {"Type": "AWS::CloudWatch::CompositeAlarm", "Properties": {"AlarmRule": "ALARM("}},
    }
    # WHEN read
    alarms = alarms_from_templates({"S": template(**resources)})
    # THEN the good alarm is kept and each other one is a one-line warning naming it
    assert alarms.names() == ["good"]
    assert len(alarms.warnings) == 3 and all("\n" not in w for w in alarms.warnings)
    assert any("S/Stat" in w and "tm99" in w for w in alarms.warnings)


def _intrinsic_values():
    from hypothesis import strategies as st
    leaf = st.one_of(st.text(max_size=8), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
    names = st.sampled_from(["Ref", "Fn::GetAtt", "Fn::Join", "Fn::Sub", "Fn::Select", "Fn::ImportValue", "Fn::If",
                             "Fn::Split", "Fn::FindInMap"])
    return st.recursive(leaf, lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.builds(lambda k, v: {k: v}, names, inner),
        st.dictionaries(st.text(max_size=5), inner, max_size=3)), max_leaves=12)


def test_resolver_never_raises_on_any_intrinsic_shape():
    # GIVEN arbitrary nestings of intrinsics, lists and scalars (malformed ones included)
    from hypothesis import given, settings

    resolver = Resolver({"Resources": {"A": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"AlarmName": "a"}}},
                         "Parameters": {"P": {"Default": "p"}}})

    @settings(max_examples=200, deadline=None)
    @given(_intrinsic_values())
    def check(value):
        # WHEN resolved THEN the result is a string, never an exception
        assert isinstance(resolver.text(value), str)

    check()


def test_a_log_alarm_is_reported_as_not_simulated_rather_than_dropped():
    # GIVEN a template with a metric alarm and a LogAlarm (a scheduled Logs Insights query)
    alarms = alarms_from_templates({"S": template(
        Err=metric_alarm("err"),
        Logs={"Type": "AWS::CloudWatch::LogAlarm", "Properties": {"AlarmName": "logs"}})})
    # WHEN read THEN the metric alarm is simulated and the LogAlarm is a one-line warning
    assert alarms.names() == ["err"]
    assert len(alarms.warnings) == 1 and "not simulated: log alarm logs" in alarms.warnings[0]


def test_the_report_lists_each_not_simulated_log_alarm_by_name():
    from tools.alarmsim.scenarios.report import scenario_section
    from tools.alarmsim.scenarios.verdict import Goal

    # GIVEN two log alarms in the templates
    alarms = alarms_from_templates({"S": template(
        A={"Type": "AWS::CloudWatch::LogAlarm", "Properties": {"AlarmName": "app-dev-a-ErrorLogLines-warning"}},
        B={"Type": "AWS::CloudWatch::LogAlarm", "Properties": {"AlarmName": "app-dev-b-ErrorLogLines-warning"}})})
    # WHEN the report section is written THEN each gets its own "not simulated" line, in markdown and JSON
    section = scenario_section("dev", [], Goal("families", "all", "not judged", True), not_simulated=alarms.warnings)
    listed = [line for line in section.markdown.splitlines() if line.startswith("- ") and "not simulated" in line]
    assert len(listed) == 2 and any("app-dev-a-ErrorLogLines-warning" in line for line in listed)
    assert section.data["_not_simulated"] == alarms.warnings
