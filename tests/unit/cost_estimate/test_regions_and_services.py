"""`make cost` prices the config's region (each stack at its own), bills per monitored service as well as per AWS
service, and writes its report under cdk.out/ENV/reports/ without touching the tracked BENCHMARKS files."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest

from config.loader import load_config
from tools.cost_estimate.attribution import SHARED, split_by_service
from tools.cost_estimate.estimate import estimate_dir
from tools.cost_estimate.prices import load_prices, priced_regions

ROOT = Path(__file__).resolve().parents[3]


def _alarm(service: str, period: int = 60) -> dict:
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": {"Period": period, "Tags": [
        {"Key": "service", "Value": service}, {"Key": "severity", "Value": "warning"}]}}


def _assembly(tmp_path: Path, name: str = "prod", home: str = "eu-west-1") -> Path:
    """A small cloud assembly of prod: two monitoring stacks, a logs stack, a canary stack pinned to us-east-1."""
    out = tmp_path / name
    out.mkdir()
    templates = {
        "watchtower-prod-Monitoring-orders": {"Resources": {
            "A1": _alarm("orders"), "A2": _alarm("orders"),
            "C": {"Type": "AWS::CloudWatch::CompositeAlarm", "Properties": {"Tags": [
                {"Key": "service", "Value": "orders"}]}}}},
        "watchtower-prod-Monitoring-orders-part2": {"Resources": {"F": {"Type": "AWS::Logs::MetricFilter", "Properties": {
            "LogGroupName": "/aws/lambda/orders-create", "MetricTransformations": [{"MetricName": "m"}]}}}},
        "watchtower-prod-Monitoring-payments": {"Resources": {"A": _alarm("payments")}},
        "watchtower-prod-Logs": {"Resources": {"F": {"Type": "AWS::Logs::MetricFilter", "Properties": {
            "LogGroupName": "/aws/lambda/payments-authorize", "MetricTransformations": [{"MetricName": "m"}]}}}},
        "watchtower-prod-Synthetics-us-east-1": {"Resources": {"Canary": {"Type": "AWS::Synthetics::Canary",
            "Properties": {"Name": "watchtower-prod-orders", "Schedule": {"Expression": "rate(5 minutes)"}}}}},
        "watchtower-prod-Dashboards": {"Resources": {"D": {"Type": "AWS::CloudWatch::Dashboard", "Properties": {}}}},
    }
    artifacts = {}
    for stack, template in templates.items():
        (out / f"{stack}.template.json").write_text(json.dumps(template))
        region = "us-east-1" if stack.endswith("us-east-1") else home
        artifacts[stack] = {"type": "aws:cloudformation:stack", "environment": f"aws://123456789012/{region}"}
    (out / "manifest.json").write_text(json.dumps({"artifacts": artifacts}))
    return out


def test_the_shipped_regions_and_three_more_have_prices_each_with_a_source():
    regions = priced_regions()
    used = {load_config(env).region for env in ("dev", "staging", "prod")} - {None}
    assert used | {"us-east-1"} <= set(regions) and len(regions) >= len(used | {"us-east-1"}) + 3
    for region in regions:
        book = load_prices(region=region)
        assert book.region == region and book.notes == ()
        assert all(p.source.startswith("https://") for p in book.prices.values())


def test_an_unknown_region_is_priced_at_us_east_1_and_says_so_in_one_line():
    book = load_prices(region="sa-east-1")
    assert book.region == "us-east-1" and book.prices == load_prices().prices
    (note,) = book.notes
    assert note.startswith("No prices for sa-east-1 in prices.yaml") and "priced at us-east-1 prices" in note


def test_a_regional_price_that_differs_is_used_and_an_unchecked_one_is_not_called_verified():
    eu, us = load_prices(region="eu-west-1"), load_prices()
    assert eu.get("logs.ingest").tiers != us.get("logs.ingest").tiers
    assert us.get("cloudwatch.alarm.standard").verified and not eu.get("cloudwatch.alarm.standard").verified


def test_prod_is_priced_at_eu_west_1_and_its_us_east_1_stack_at_us_east_1(tmp_path):
    bill = estimate_dir(_assembly(tmp_path), "prod")
    assert bill.region == "eu-west-1"
    regions = {line.usage.item: line.region for line in bill.lines}
    assert regions["Canary runs (us-east-1)"] == "us-east-1"
    assert regions["Alarms: standard"] == "eu-west-1"
    assert "Estimated monthly total (eu-west-1)" in bill.text("t")


def test_the_bill_is_split_per_monitored_service_and_the_parts_add_up(tmp_path):
    bill = estimate_dir(_assembly(tmp_path), "prod")
    parts = bill.per_service
    assert list(parts) == ["orders", "payments", "notifications", SHARED]  # config order, shared last
    # orders: 2 alarms x 0.10 + 1 composite x 0.50 + 1 metric filter x 0.30 + its canary 8,640 x 0.0012 (30 days)
    # + its 4 listed functions' layer metrics (6 each by default) x 0.30
    assert parts["orders"].total == D("0.20") + D("0.50") + D("0.30") + 8640 * D("0.0012") + 24 * D("0.30")
    # payments: 1 alarm + the metric filter on its function's log group (in the shared Logs stack) + its 2 listed
    # functions' layer metrics (6 each by default)
    assert parts["payments"].total == D("0.10") + D("0.30") + 12 * D("0.30")
    # notifications has no resource here, but its listed function's layer metrics are its own
    assert parts["notifications"].total == 6 * D("0.30")
    assert sum(p.total for p in parts.values()) == bill.total
    text = bill.text("t")
    assert "Per monitored service:" in text and "  orders " in text and "  (shared) " in text
    assert "| orders |" in bill.markdown()
    assert bill.data()["by_monitored_service_usd"]["payments"]["total"] == "4.00"


def test_attribution_follows_tags_stacks_log_groups_and_canary_names():
    topic = {"Type": "AWS::SNS::Topic", "Properties": {}}
    split = split_by_service({
        "w-prod-Alerting": {"Resources": {"T": topic}},
        "w-prod-Monitoring-orders-eu": {"Resources": {"X": {"Type": "AWS::Logs::MetricFilter", "Properties": {}}}},
        "w-prod-Logs": {"Resources": {"R": {"Type": "AWS::CloudWatch::InsightRule", "Properties": {
            "RuleBody": json.dumps({"LogGroupNames": ["/aws/lambda/a1", "/aws/lambda/a2"]})}},
            "F": {"Type": "AWS::Logs::MetricFilter", "Properties": {"LogGroupName": "/custom/a3"}}}},
    }, {"orders": ["/aws/lambda/a1", "/aws/lambda/a2", "/custom/a3"], "orders-eu": []}, "w-prod")
    # a function's log group is the plan's, even when config names its own (not /aws/lambda/<name>)
    assert set(split["orders"]["w-prod-Logs"]["Resources"]) == {"R", "F"}
    assert set(split["orders-eu"]["w-prod-Monitoring-orders-eu"]["Resources"]) == {"X"}  # longest name wins
    assert set(split[SHARED]["w-prod-Alerting"]["Resources"]) == {"T"}


def _digest(*paths: Path) -> str:
    return hashlib.sha256(b"".join(p.read_bytes() for p in paths)).hexdigest()


@pytest.mark.parametrize("tracked", [False, True])
def test_a_new_environment_writes_its_report_under_cdk_out_and_never_the_tracked_files(tmp_path, tracked):
    # GIVEN the cloud assembly of an environment that is not shipped (named acme-costtest)
    out = _assembly(tmp_path, "acme-costtest", home="unknown-region")
    before = _digest(ROOT / "BENCHMARKS.md", ROOT / "BENCHMARKS.json")
    # WHEN the CLI prices it, even when asked to update the tracked report
    done = subprocess.run([sys.executable, "-m", "tools.cost_estimate", str(out), *(["--tracked"] if tracked else [])],
                          cwd=ROOT, capture_output=True, text=True)
    # THEN it prints the bill, writes cdk.out/acme-costtest/reports/, and the tracked files are untouched
    assert done.returncode == 0, done.stderr
    assert "Report: cdk.out/acme-costtest/reports/cost-acme-costtest.md" in done.stdout
    report = ROOT / "cdk.out" / "acme-costtest" / "reports" / "cost-acme-costtest.json"
    assert json.loads(report.read_text())["env"] == "acme-costtest"
    assert _digest(ROOT / "BENCHMARKS.md", ROOT / "BENCHMARKS.json") == before
    # an unknown environment has no region in config: us-east-1, said in one line
    assert done.stdout.count("priced at us-east-1") == 1
