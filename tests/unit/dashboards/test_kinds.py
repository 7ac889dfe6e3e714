"""Overview and performance widgets of the kinds beyond the serverless core, built from a config whose service
uses all twenty kinds: each kind's key metrics with the plan's namespaces, dimensions and statistics, thresholds
on the graphs that plot them, CloudWatch's limits, services in other accounts and regions, and services of the
core kinds left as they were."""
from __future__ import annotations

import json
import re
from typing import Any

import pytest

from config.kinds import EXTRA_KINDS
from config.schema import EnvironmentConfig
from dashboards import performance, service_overview
from dashboards.catalog import unknown_metrics
from dashboards.kinds import PANELS, kind_resources, kind_widgets
from dashboards.limits import MAX_METRICS_PER_WIDGET, body_problems
from dashboards.model import AlarmRef, alarm_refs
from dashboards.preview.render import render
from dashboards.preview.simulate import evaluate_expression
from dashboards.registry import DASHBOARDS
from plan.build import plan_environment
from plan.catalog import Threshold
from plan.metrics_estate import ESTATE_FACTORIES
from plan.signals import MathSpec
from tests.estate import ESTATE
from tests.unit.dashboards.conftest import BASE

CORE = {"name": "shop", "template": "tests/fixtures/service_templates/Shop.template.json"}
ORGANIZATION = {"monitoring_account": "111111111111", "accounts": {"shop": "222222222222"},
                "regions": ["eu-west-1", "eu-central-1"]}

# What AWS's console shows for each kind, as (dashboard, namespace, metric, dimensions, statistic): written from
# each service's CloudWatch metrics reference, not read from the code under test.
EXPECTED: dict[str, list[tuple[str, str, str, dict[str, str], str]]] = {
    "kinesis_streams": [
        ("overview", "AWS/Kinesis", "IncomingRecords", {"StreamName": "estate-clicks"}, "Sum"),
        ("overview", "AWS/Kinesis", "WriteProvisionedThroughputExceeded", {"StreamName": "estate-clicks"}, "Sum"),
        ("performance", "AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds", {"StreamName": "estate-clicks"},
         "Maximum")],
    "firehose_streams": [
        ("overview", "AWS/Firehose", "IncomingRecords", {"DeliveryStreamName": "estate-archive"}, "Sum"),
        ("performance", "AWS/Firehose", "DeliveryToS3.DataFreshness", {"DeliveryStreamName": "estate-archive"},
         "Maximum")],
    "appsync_apis": [
        ("overview", "AWS/AppSync", "Requests", {"GraphQLAPIId": "abcdefghijklmnopqrstuvwxyz"}, "Sum"),
        ("overview", "AWS/AppSync", "5XXError", {"GraphQLAPIId": "abcdefghijklmnopqrstuvwxyz"}, "Sum"),
        ("performance", "AWS/AppSync", "Latency", {"GraphQLAPIId": "abcdefghijklmnopqrstuvwxyz"}, "p99")],
    "websocket_apis": [
        ("overview", "AWS/ApiGateway", "MessageCount", {"ApiId": "b1b2c3d4e5", "Stage": "live"}, "Sum"),
        ("overview", "AWS/ApiGateway", "IntegrationError", {"ApiId": "b1b2c3d4e5", "Stage": "live"}, "Sum"),
        ("performance", "AWS/ApiGateway", "IntegrationLatency", {"ApiId": "b1b2c3d4e5", "Stage": "live"}, "p99")],
    "load_balancers": [
        ("overview", "AWS/ApplicationELB", "RequestCount", {"LoadBalancer": "app/estate/50dc6c495c0c9188"}, "Sum"),
        ("overview", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count",
         {"LoadBalancer": "app/estate/50dc6c495c0c9188"}, "Sum"),
        ("overview", "AWS/ApplicationELB", "HealthyHostCount",
         {"TargetGroup": "targetgroup/web/73e2d6bc24d8a067", "LoadBalancer": "app/estate/50dc6c495c0c9188"},
         "Minimum"),
        ("overview", "AWS/ApplicationELB", "UnHealthyHostCount",
         {"TargetGroup": "targetgroup/web/73e2d6bc24d8a067", "LoadBalancer": "app/estate/50dc6c495c0c9188"},
         "Maximum"),
        ("overview", "AWS/ApplicationELB", "LambdaInternalError",
         {"TargetGroup": "targetgroup/fn/73e2d6bc24d8a068", "LoadBalancer": "app/estate/50dc6c495c0c9188"}, "Sum"),
        ("performance", "AWS/ApplicationELB", "TargetResponseTime",
         {"LoadBalancer": "app/estate/50dc6c495c0c9188"}, "p99")],
    "ecs_services": [
        ("overview", "ECS/ContainerInsights", "RunningTaskCount",
         {"ClusterName": "estate", "ServiceName": "estate-web"}, "Minimum"),
        ("performance", "AWS/ECS", "CPUUtilization", {"ClusterName": "estate", "ServiceName": "estate-web"},
         "Average"),
        ("performance", "AWS/ECS", "MemoryUtilization", {"ClusterName": "estate", "ServiceName": "estate-web"},
         "Average")],
    "aurora_clusters": [
        ("overview", "AWS/RDS", "ACUUtilization", {"DBClusterIdentifier": "estate-db"}, "Maximum"),
        ("performance", "AWS/RDS", "CPUUtilization", {"DBClusterIdentifier": "estate-db"}, "Maximum")],
    "cloudfront_distributions": [
        ("overview", "AWS/CloudFront", "Requests", {"DistributionId": "E2QWRUHEXAMPLE", "Region": "Global"}, "Sum"),
        ("overview", "AWS/CloudFront", "5xxErrorRate", {"DistributionId": "E2QWRUHEXAMPLE", "Region": "Global"},
         "Average"),
        ("performance", "AWS/CloudFront", "OriginLatency", {"DistributionId": "E2QWRUHEXAMPLE", "Region": "Global"},
         "p99")],
    "buckets": [
        ("overview", "AWS/S3", "AllRequests", {"BucketName": "estate-uploads", "FilterId": "EntireBucket"}, "Sum"),
        ("overview", "AWS/S3", "5xxErrors", {"BucketName": "estate-uploads", "FilterId": "EntireBucket"}, "Sum"),
        ("overview", "AWS/S3", "BucketSizeBytes", {"BucketName": "estate-backups", "StorageType": "StandardStorage"},
         "Average")],
    "schedule_groups": [
        ("overview", "AWS/Scheduler", "InvocationAttemptCount", {"ScheduleGroup": "estate-billing"}, "Sum"),
        ("overview", "AWS/Scheduler", "InvocationDroppedCount", {"ScheduleGroup": "estate-billing"}, "Sum")],
    "pipes": [
        ("overview", "AWS/EventBridge/Pipes", "Invocations", {"PipeName": "estate-orders-pipe"}, "Sum"),
        ("overview", "AWS/EventBridge/Pipes", "ExecutionFailed", {"PipeName": "estate-orders-pipe"}, "Sum")],
    "ses_configuration_sets": [
        ("overview", "AWS/SES", "Reputation.BounceRate", {"ses:configuration-set": "estate-receipts"}, "Maximum"),
        ("overview", "AWS/SES", "Reputation.ComplaintRate", {"ses:configuration-set": "estate-receipts"},
         "Maximum")],
}
BUILDERS = {"overview": service_overview.build, "performance": performance.build}


def estate_config(**estate: Any) -> EnvironmentConfig:
    """prod-like config with the 20-kind service (``estate`` updates it) and a template-only core service."""
    services = [{"name": "estate", "resources": ESTATE, "slo": {"source": "estate-rest"}, **estate}, CORE]
    extra = {"organization": ORGANIZATION} if "account" in estate or "region" in estate else {}
    return EnvironmentConfig.model_validate({**BASE, **extra, "services": services})


@pytest.fixture(scope="module")
def built():
    cfg = estate_config()
    plan = plan_environment(cfg)
    refs = alarm_refs(plan, lambda name: f"arn:aws:cloudwatch:eu-west-1:123456789012:alarm:{name}")
    return cfg, plan, refs, {board: build(cfg, plan, refs) for board, build in BUILDERS.items()}


def _service_graphs(body: dict, service: str) -> list[dict]:
    return [w for w in body["widgets"] if w["type"] == "metric"
            and w["properties"].get("title", "").startswith(f"{service}: ")]


def _plain(entry: list) -> tuple[str, str, dict[str, str], dict]:
    """(namespace, name, dimensions, options) of a metric entry."""
    options = entry[-1] if isinstance(entry[-1], dict) else {}
    pairs = entry[2:-1] if isinstance(entry[-1], dict) else entry[2:]
    return entry[0], entry[1], dict(zip(pairs[::2], pairs[1::2], strict=True)), options


def _metrics(widgets: list[dict]) -> list[tuple[str, str, dict[str, str], dict]]:
    return [_plain(e) for w in widgets for e in w["properties"]["metrics"] if isinstance(e[0], str)]


@pytest.mark.parametrize("kind", EXTRA_KINDS)
def test_each_kind_shows_its_key_metrics_with_their_dimensions_and_statistics(built, kind):
    # GIVEN the 20-kind service WHEN its overview and performance dashboards are built
    _, _, _, bodies = built
    for board, namespace, name, dimensions, stat in EXPECTED[kind]:
        # THEN the metric AWS shows for the kind is on the right dashboard, keyed and aggregated as AWS publishes it
        drawn = [(ns, n, dims, opts.get("stat")) for ns, n, dims, opts in _metrics(
            _service_graphs(bodies[board], "estate"))]
        assert (namespace, name, dimensions, stat) in drawn, (board, name)


def test_every_drawn_metric_is_one_an_alarm_of_that_resource_reads(built):
    # GIVEN the plan's alarms of the service (and, for the CDN pinned to us-east-1, the signals of its alarms there)
    cfg, plan, _, _ = built
    read: set[tuple[str, str, tuple, str]] = set()

    def add(spec):
        for s in ([m for _, m in spec.using] if isinstance(spec, MathSpec) else [spec]):
            read.add((s.namespace, s.name, s.dimensions, s.statistic))

    for alarm in plan.alarms_of("estate"):
        if alarm.signal is not None:
            add(alarm.signal.metric)
    for build in ESTATE_FACTORIES["cloudfront_distributions"](
            cfg.services[0].resources.cloudfront_distributions[0]).values():
        add(build(Threshold(0, period=300)).metric)
    # WHEN the widgets of the new kinds are built for both dashboards
    graphs = [w for board in BUILDERS for w in kind_widgets(cfg, plan.service("estate"), [], board)]
    assert len(graphs) == len(PANELS)  # the estate switches every optional metric on: every panel is drawn
    # THEN every metric they draw is one an alarm reads: same namespace, name, dimensions and statistic
    for ns, name, dims, opts in _metrics(graphs):
        assert (ns, name, tuple(dims.items()), opts["stat"]) in read, (ns, name, dims, opts["stat"])


def test_resources_of_one_kind_share_a_widget():
    # GIVEN a service with three Kinesis streams
    cfg = EnvironmentConfig.model_validate({**BASE, "services": [
        {"name": "clicks", "resources": {"kinesis_streams": ["a", "b", "c"]}}]})
    body = performance.build(cfg, plan_environment(cfg), [])
    # WHEN the performance dashboard is built THEN one iterator-age widget draws all three
    ages = [w for w in _service_graphs(body, "clicks") if "iterator age" in w["properties"]["title"]]
    assert len(ages) == 1
    assert [dims["StreamName"] for _, _, dims, _ in _metrics(ages)] == ["a", "b", "c"]


def test_a_kind_past_the_per_widget_cap_splits_without_breaking_a_rate_apart():
    # GIVEN 130 load balancers, four metrics each on the 5xx-rate graph (two errors, requests, the expression)
    balancers = [f"app/lb{i}/{i:016x}" for i in range(130)]
    cfg = EnvironmentConfig.model_validate({**BASE, "services": [
        {"name": "edge", "resources": {"load_balancers": balancers}}]})
    plan = plan_environment(cfg)
    widgets = kind_widgets(cfg, plan.service("edge"), [], "overview")
    # WHEN the overview widgets are built THEN the rate graph is split at the cap, each part whole
    rates = [w for w in widgets if w["properties"]["title"].startswith("edge: ALB 5xx %")]
    assert [w["properties"]["title"] for w in rates] == ["edge: ALB 5xx % (1/2)", "edge: ALB 5xx % (2/2)"]
    for widget in rates:
        entries = widget["properties"]["metrics"]
        assert len(entries) <= MAX_METRICS_PER_WIDGET
        ids = {e[-1]["id"] for e in entries if isinstance(e[0], str)}
        for expression in (e[0]["expression"] for e in entries if isinstance(e[0], dict)):
            named = set(re.findall(r"\b[bt]\d+(?:x\d+)?\b", expression))
            assert named, expression
            assert named <= ids, (expression, named - ids)
    assert sum(1 for w in rates for e in w["properties"]["metrics"] if isinstance(e[0], dict)) == 130


def test_thresholds_are_drawn_only_on_the_graph_of_their_own_kind(built):
    _, plan, _, bodies = built
    by_title = {w["properties"]["title"]: w for body in bodies.values() for w in _service_graphs(body, "estate")}

    def lines(title: str) -> set[float]:
        return {a["value"] for a in by_title[title]["properties"].get("annotations", {}).get("horizontal", [])
                if a["label"].split()[0] != "objective"}

    def values(kind: str, family: str) -> set[float]:
        return {a.value for a in plan.alarms_of("estate") if a.kind == kind and a.family == family}

    # GIVEN alarms of one family (Latency) in milliseconds on the core and in seconds on the load balancer
    # THEN each latency graph shows its own kind's thresholds, and the core graph none of the others'
    assert lines("estate: ALB target response time p99") == values("load_balancers", "Latency") == {5.0, 10.0}
    assert lines("estate: Kinesis iterator age (max)") == values("kinesis_streams", "StreamConsumerLag")
    assert lines("estate: ECS CPU and memory") == (values("ecs_services", "CpuUtilization")
                                                   | values("ecs_services", "MemoryUtilization"))
    assert lines("estate: SES bounce and complaint rate") == (values("ses_configuration_sets", "EmailBounceRate")
                                                              | values("ses_configuration_sets",
                                                                       "EmailComplaintRate"))
    core = {a.value for a in plan.alarms_of("estate") if a.family == "Latency" and a.kind not in EXTRA_KINDS}
    assert lines("estate: latency p50/p95/p99") <= core and 5.0 not in lines("estate: latency p50/p95/p99")
    # count graphs draw no threshold: their alarms compare a rate, not the count
    assert lines("estate: Kinesis records in and throttled writes") == set()


def test_cloudfront_is_read_in_us_east_1_with_its_alarm_thresholds(built):
    # GIVEN the CDN's alarms, which live in us-east-1 and reach the dashboards from the pinned stack
    cfg, plan, refs, _ = built
    pinned = [AlarmRef(f"watchtower-prod-estate-E2QWRUHEXAMPLE-HighErrorRate-{sev}", f"arn:{sev}", "estate", sev,
                       "math", "HighErrorRate", "E2QWRUHEXAMPLE", value) for sev, value in (("warning", 3.0),
                                                                                           ("critical", 8.0))]
    body = service_overview.build(cfg, plan, [*refs, *pinned])
    rate = next(w for w in _service_graphs(body, "estate") if w["properties"]["title"] == "estate: CloudFront 5xx %")
    # THEN the widget and each of its metrics read us-east-1, and the CDN's thresholds (not the API's) are drawn
    assert rate["properties"]["region"] == "us-east-1"
    assert {opts.get("region") for _, _, _, opts in _metrics([rate])} == {"us-east-1"}
    assert {a["value"] for a in rate["properties"]["annotations"]["horizontal"]} == {3.0, 8.0}


@pytest.mark.parametrize("name", list(DASHBOARDS))
def test_every_dashboard_of_the_estate_fits_cloudwatch_and_names_known_metrics(built, name):
    cfg, plan, refs, _ = built
    body = DASHBOARDS[name](cfg, plan, refs)
    assert json.loads(json.dumps(body)) == body
    assert body_problems(body) == []
    assert unknown_metrics(cfg, body) == []


def test_a_template_only_service_of_core_kinds_is_unchanged(built):
    # GIVEN the core service beside the 20-kind one, and the same service alone
    cfg, plan, refs, bodies = built
    alone = EnvironmentConfig.model_validate({**BASE, "services": [CORE]})
    alone_plan = plan_environment(alone)
    alone_refs = [r for r in refs if r.service == "shop"]
    assert kind_resources(alone_plan.service("shop")) == []
    for board, build in BUILDERS.items():
        # THEN its widgets are the same as when it is alone: no kind widget, no foreign threshold, no placement
        beside = _service_graphs(bodies[board], "shop")
        by_itself = _service_graphs(build(alone, alone_plan, alone_refs), "shop")
        strip = [{k: v for k, v in w.items() if k != "y"} for w in beside]
        assert strip == [{k: v for k, v in w.items() if k != "y"} for w in by_itself]
        assert beside and not any("accountId" in opts or "region" in opts for *_, opts in _metrics(beside))


def test_a_service_in_another_account_and_region_reads_every_metric_there():
    # GIVEN the 20-kind service in a source account and another region of the organization
    cfg = estate_config(account="shop", region="eu-central-1")
    plan = plan_environment(cfg)
    refs = alarm_refs(plan, lambda name: "arn:" + name)
    for build in BUILDERS.values():
        body = build(cfg, plan, refs)
        metrics = _metrics(_service_graphs(body, "estate"))
        # THEN every metric of its core and kind widgets names the source account, and its region (us-east-1 for
        # the CDN, whose metrics exist only there); the template-only service in the home account names neither
        assert metrics and {opts.get("accountId") for *_, opts in metrics} == {"222222222222"}
        assert {(ns == "AWS/CloudFront", opts.get("region")) for ns, _, _, opts in metrics} <= {
            (False, "eu-central-1"), (True, "us-east-1")}
        assert not any("accountId" in opts for *_, opts in _metrics(_service_graphs(body, "shop")))
        assert body_problems(body) == []


def test_the_preview_draws_the_estate(built, tmp_path):
    _, _, _, bodies = built
    for board, body in bodies.items():
        assert render(body, board, tmp_path / f"{board}.png").path.exists()


def test_kinds_discovered_from_a_template_get_their_widgets():
    # GIVEN a service whose streams, containers, database, buckets, schedules, pipe and SES set come from its
    # template only
    cfg = EnvironmentConfig.model_validate({**BASE, "services": [
        {"name": "found", "template": "tests/fixtures/service_templates/Estate.template.json"}]})
    plan = plan_environment(cfg)
    kinds = {r.kind for r in plan.service("found").resources if r.kind in EXTRA_KINDS}
    assert len(kinds) >= 8
    # WHEN its dashboards are built THEN each discovered kind's metrics are drawn, under the discovered names
    drawn = {(ns, name) for build in BUILDERS.values()
             for ns, name, _, _ in _metrics(_service_graphs(build(cfg, plan, []), "found"))}
    for kind in kinds:
        wanted = {(ns, name) for _, ns, name, _, _ in EXPECTED[kind]}
        assert drawn & wanted, kind
    assert ("AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds") in drawn


def test_the_preview_evaluates_every_expression_of_the_kinds(built):
    # GIVEN every metric-math entry the new kinds' widgets hold, and a value for each id they read
    cfg, plan, _, _ = built
    widgets = [w for board in BUILDERS for w in kind_widgets(cfg, plan.service("estate"), [], board)]
    expressions = [(e[0]["expression"], {m[-1]["id"]: 2.0 for m in w["properties"]["metrics"]
                                         if isinstance(m[0], str) and "id" in m[-1]})
                   for w in widgets for e in w["properties"]["metrics"] if isinstance(e[0], dict)]
    assert len(expressions) >= 6
    # WHEN the preview's metric math evaluates them THEN each gives a number (a line is drawn, not a gap)
    for text, values in expressions:
        assert isinstance(evaluate_expression(text, values), float), text
