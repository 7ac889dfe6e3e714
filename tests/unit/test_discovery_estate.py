"""Discovery of the kinds beyond the serverless core: a template with one resource of each kind, JSON and YAML
(SAM short-form tags), yields every kind either found with what its metrics need, or reported with why and the
config line that would include it."""
from __future__ import annotations

import pytest

from config.kinds import EXTRA_KINDS
from plan.discovery import discover, discover_file

TEMPLATES = ["tests/fixtures/service_templates/Estate.template.json",
             "tests/fixtures/service_templates/Estate.template.yaml"]
# Keyed by an id the service generates at deploy: a template never names them, so they are reported.
GENERATED_IDS = {"appsync_apis": "AppSync API", "websocket_apis": "WebSocket API",
                 "load_balancers": "Application Load Balancer", "cloudfront_distributions": "CloudFront distribution"}


@pytest.mark.parametrize("template", TEMPLATES)
def test_one_of_each_kind_is_found_or_reported(template):
    # GIVEN the template with one resource of each new kind WHEN it is discovered
    found = discover_file(template)
    r = found.resources
    # THEN the kinds a template can name are found, with what their alarms need
    assert [(s.name, s.retention_hours) for s in r.kinesis_streams] == [("estate-orders", 48)]
    assert [(s.name, s.destination) for s in r.firehose_streams] == [("estate-clicks", "S3")]
    assert [(s.cluster, s.service, s.launch_type, s.container_insights) for s in r.ecs_services] == [
        ("estate", "estate-web", "FARGATE", True)]
    assert [(c.name, c.serverless_v2) for c in r.aurora_clusters] == [("estate-db", True)]
    assert [(b.name, b.request_metrics_filter) for b in r.buckets] == [("estate-uploads", "EntireBucket"),
                                                                        ("estate-archive", None)]
    assert [g.name for g in r.schedule_groups] == ["estate-billing"]
    assert [p.name for p in r.pipes] == ["estate-orders-pipe"]
    assert [c.name for c in r.ses_configuration_sets] == ["estate-receipts"]
    # AND the kinds keyed by generated ids are each reported with the line that includes them
    skipped = {s.kind: s for s in found.skips}
    for kind, label in GENERATED_IDS.items():
        assert f"resources.{kind}" in (skipped[label].include or ""), skipped[label]
    # AND every new kind is accounted for: found, or reported
    accounted = {k for k in EXTRA_KINDS if getattr(r, k)} | set(GENERATED_IDS)
    assert accounted == set(EXTRA_KINDS)


def test_what_cannot_be_monitored_is_reported_not_dropped():
    # GIVEN a network load balancer, a non-Aurora cluster, a config set without reputation metrics, a stream
    # named by a parameter
    found = discover({"Parameters": {"N": {"Type": "String"}}, "Resources": {
        "Nlb": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {"Type": "network"}},
        "Db": {"Type": "AWS::RDS::DBCluster", "Properties": {"Engine": "mysql", "DBClusterIdentifier": "x"}},
        "Set": {"Type": "AWS::SES::ConfigurationSet", "Properties": {"Name": "quiet"}},
        "S": {"Type": "AWS::Kinesis::Stream", "Properties": {"Name": {"Ref": "N"}}},
    }})
    # THEN nothing is found and each is one skip line saying why
    assert found.resources.count() == 0
    lines = "\n".join(found.skipped)
    assert "Nlb (load balancer) is a network load balancer" in lines
    assert "Db (RDS cluster) is not an Aurora cluster" in lines
    assert "Set (SES configuration set) publishes no reputation metrics" in lines
    assert "S (Kinesis stream) has no literal Name" in lines


def test_schedules_in_the_default_group_and_sam_schedule_events_give_their_groups():
    found = discover({"Resources": {
        "A": {"Type": "AWS::Scheduler::Schedule", "Properties": {"ScheduleExpression": "rate(1 hour)"}},
        "F": {"Type": "AWS::Serverless::Function", "Properties": {"FunctionName": "f", "Events": {
            "Nightly": {"Type": "ScheduleV2", "Properties": {"GroupName": "nightly"}}}}},
    }})
    assert [g.name for g in found.resources.schedule_groups] == ["default", "nightly"]
