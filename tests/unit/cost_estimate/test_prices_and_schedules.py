"""The price file, tiered prices, schedule counting and the CLI's error lines."""
from __future__ import annotations

import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from tools.cost_estimate.prices import PricesError, load_prices
from tools.cost_estimate.schedule import ScheduleError, runs_per_month

ROOT = Path(__file__).resolve().parents[3]


def test_every_price_names_its_service_source_and_whether_it_is_verified():
    # GIVEN the shipped price file / WHEN loaded / THEN each entry carries an https source and a verified flag
    book = load_prices()
    assert book.region == "us-east-1"
    for price in book.prices.values():
        assert price.source.startswith("https://") and isinstance(price.verified, bool) and price.service


def test_custom_metrics_fill_the_tiers_in_order():
    # GIVEN the tiered custom-metric price
    price = load_prices().get("cloudwatch.custom_metric")
    # THEN 10,001 metrics = 10,000 x 0.30 + 1 x 0.10, and 300,000 = 3,000 + 24,000 + 50,000 x 0.05
    assert price.cost(10_001) == D("3000.10")
    assert price.cost(300_000) == D("29500")


@pytest.mark.parametrize(
    "body, message",
    [
        ("prices: {x: {service: S, description: d, unit: u, source: 'https://a', usd: '1'}}", "missing 'verified'"),
        ("prices: {x: {service: S, description: d, unit: u, source: 'http://a', verified: true, usd: '1'}}", "https://"),
        ("prices: {x: {service: S, description: d, unit: u, source: 'https://a', verified: true, usd: 'ten'}}", "decimal number"),
        ("[1, 2]", "expected a mapping"),
    ],
)
def test_a_bad_price_file_is_one_line_naming_the_entry(tmp_path, body, message):
    # GIVEN a malformed price file / WHEN loaded / THEN one line names the problem
    path = tmp_path / "prices.yaml"
    path.write_text(body)
    with pytest.raises(PricesError) as info:
        load_prices(path)
    assert message in str(info.value) and "\n" not in str(info.value)


@settings(max_examples=100, deadline=None)
@given(minutes=st.integers(1, 1440), days=st.integers(28, 31))
def test_rate_in_minutes_times_period_covers_the_month(minutes, days):
    # GIVEN any rate(N minutes) / THEN runs x N minutes is the month's minutes (runs average across months)
    assert abs(runs_per_month(f"rate({minutes} minutes)", days) * minutes - days * 1440) < D("1e-20")


@pytest.mark.parametrize(
    "expression, days, runs",
    [("rate(1 hour)", 30, 720), ("rate(1 day)", 30, 30), ("rate(0 minute)", 30, 0),
     ("cron(0/15 * * * ? *)", 30, 2880), ("cron(0 9 ? * MON-FRI *)", 28, 20), ("cron(30 6,18 * * ? *)", 31, 62)],
)
def test_schedules_count_their_runs(expression, days, runs):
    assert runs_per_month(expression, days) == runs


@pytest.mark.parametrize("expression", ["at(2026-01-01T00:00:00)", "cron(0 9 1 * ? *)", "cron(0 25 * * ? *)"])
def test_schedules_it_cannot_count_are_one_clear_error(expression):
    with pytest.raises(ScheduleError, match="schedule '"):
        runs_per_month(expression, 30)


def test_cli_without_templates_prints_one_line_and_exits_2(tmp_path):
    # GIVEN an empty folder / WHEN the CLI runs / THEN one line says to synthesize first, no traceback
    done = subprocess.run([sys.executable, "-m", "tools.cost_estimate", str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"cost estimate: no *.template.json in {tmp_path}: run `make synth ENV=<env>` first"]


@pytest.mark.parametrize("text, expected", [
    ("{bad", "not valid JSON"), ("[1, 2]", "not a CloudFormation template"),
    ('{"Resources": {"A": {"Properties": {}}}}', "not a CloudFormation template"),
    ('{"Resources": {"A": {"Type": "AWS::CloudWatch::Alarm", "Properties": []}}}', "not a CloudFormation template"),
    ("\udc90\udcff binary", "not UTF-8 text")])
def test_a_malformed_template_is_one_line_naming_the_file(tmp_path, text, expected):
    # GIVEN a folder whose template is malformed, not an object, or has a resource without a Type
    from tools.cost_estimate.estimate import EstimateError, read_templates

    (tmp_path / "S.template.json").write_bytes(text.encode("utf-8", "surrogateescape"))
    # WHEN read / THEN one EstimateError names the file and what was wrong (the CLI prints it, exit 2)
    with pytest.raises(EstimateError) as error:
        read_templates(tmp_path)
    assert str(error.value).startswith(f"{tmp_path / 'S.template.json'}: {expected}")
    assert "\n" not in str(error.value)


def test_cli_prints_the_bill_of_a_folder(tmp_path):
    # GIVEN a folder holding the fixture template / WHEN the CLI runs / THEN it prints the priced lines and a total
    (tmp_path / "Fixture.template.json").write_text((Path(__file__).parent / "fixtures" / "small.template.json").read_text())
    done = subprocess.run([sys.executable, "-m", "tools.cost_estimate", str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Estimated monthly total (us-east-1)" in done.stdout and "Canary runs" in done.stdout


def test_a_scheduled_function_with_other_callers_adds_the_assumed_traffic():
    # GIVEN a function run every 5 minutes by EventBridge and also behind API Gateway, and a schedule-only one
    from tools.cost_estimate.inventory import functions, resources

    getatt = {"Fn::GetAtt": ["Api", "Arn"]}
    template = {"S": {"Resources": {
        "Api": {"Type": "AWS::Lambda::Function", "Properties": {}},
        "Job": {"Type": "AWS::Lambda::Function", "Properties": {}},
        "Warm": {"Type": "AWS::Events::Rule", "Properties": {"ScheduleExpression": "rate(5 minutes)", "Targets": [
            {"Arn": getatt, "Id": "a"}, {"Arn": {"Fn::GetAtt": ["Job", "Arn"]}, "Id": "b"}]}},
        "FromEvents": {"Type": "AWS::Lambda::Permission", "Properties": {"Principal": "events.amazonaws.com", "FunctionName": getatt}},
        "FromApi": {"Type": "AWS::Lambda::Permission", "Properties": {"Principal": "apigateway.amazonaws.com", "FunctionName": getatt}},
    }}}
    # WHEN invocations are counted with 1,000 assumed per function
    uses = {u.resource.logical_id: u for u in functions(list(resources(template)), 1000, 0, 30)}
    # THEN the API function gets its schedule plus the assumption, the job only its schedule
    assert uses["Api"].invocations == 8640 + 1000
    assert uses["Job"].invocations == 8640


def test_resources_with_the_same_logical_id_in_two_stacks_are_both_priced():
    # GIVEN the same canary stack deployed to two regions (same logical ids, two templates)
    from config.cost import EstimateAssumptions
    from tools.cost_estimate import estimate

    canary = {"Type": "AWS::Synthetics::Canary", "Properties": {"Schedule": {"Expression": "rate(5 minutes)"}}}
    templates = {"Synthetics": {"Resources": {"OrdersCanary": canary}},
                 "Synthetics-us-east-1": {"Resources": {"OrdersCanary": canary}}}
    # WHEN estimated / THEN both canaries' runs are billed
    bill = estimate(templates, EstimateAssumptions(days_per_month=30))
    (line,) = [l for l in bill.lines if l.usage.item == "Canary runs"]
    assert line.usage.quantity == 2 * 8640
