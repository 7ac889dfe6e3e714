"""A service using all twenty resource kinds plus per-route alarms: it synthesizes, every kind gets its alarms,
every alarm is within CloudWatch's limits, cfn-lint and cdk-nag are clean, and the plan agrees with the
templates alarm for alarm."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from config.kinds import EXTRA_KINDS
from config.loader import CONFIG_DIR, load_config
from config.services import RESOURCE_KINDS
from plan.agreement import PLANNED_STACKS, alarms_of_plan, alarms_of_templates, differences
from tests.infra.test_alarm_limits import limit_problems
from tests.synth import synthesize

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "123456789012"
# Every kind, with the switches that enable its optional alarms on, so each family of each kind appears.
ESTATE = {
    "functions": [{"name": "estate-api", "timeout_seconds": 10}],
    "rest_apis": [{"name": "estate-rest", "stage": "live", "routes": ["POST /orders", "GET /orders/{id}"]}],
    "http_apis": [{"name": "estate-http", "api_id": "a1b2c3d4e5", "routes": ["PUT /cart"]}],
    "tables": ["estate-orders"],
    "queues": [{"name": "estate-jobs", "dlq": "estate-jobs-dlq"}],
    "state_machines": ["estate-fulfil"],
    "event_rules": ["estate-order-placed"],
    "topics": ["estate-events"],
    "kinesis_streams": [f"arn:aws:kinesis:eu-west-1:{ACCOUNT}:stream/estate-clicks"],
    "firehose_streams": ["estate-archive"],
    "appsync_apis": [{"name": "estate-graph", "api_id": "abcdefghijklmnopqrstuvwxyz"}],
    "websocket_apis": [{"name": "estate-chat", "api_id": "b1b2c3d4e5", "stage": "live"}],
    "load_balancers": [{"name": f"arn:aws:elasticloadbalancing:eu-west-1:{ACCOUNT}:loadbalancer/app/estate/"
                                "50dc6c495c0c9188",
                        "target_groups": ["targetgroup/web/73e2d6bc24d8a067",
                                          {"id": "targetgroup/fn/73e2d6bc24d8a068", "lambda_target": True}]}],
    "ecs_services": [{"cluster": "estate", "service": "estate-web", "container_insights": True,
                      "min_running_tasks": 2}],
    "aurora_clusters": [{"name": "estate-db", "serverless_v2": True}],
    "cloudfront_distributions": [{"name": "E2QWRUHEXAMPLE", "additional_metrics": True}],
    "buckets": [{"name": "estate-uploads", "request_metrics_filter": "EntireBucket"}, "estate-backups"],
    "schedule_groups": ["estate-billing"],
    "pipes": ["estate-orders-pipe"],
    "ses_configuration_sets": ["estate-receipts"],
}
FAMILIES_OF = {
    "estate-clicks": {"StreamConsumerLag", "StreamWriteThrottles", "StreamReadFailures", "StreamPutFailures"},
    "estate-archive": {"DeliveryFreshness", "FirehoseThrottling"},
    "estate-graph": {"ServiceDown", "HighErrorRate", "Latency"},
    "estate-chat": {"HighErrorRate", "Latency", "Api4xxRate"},
    "estate": {"ServiceDown", "HighErrorRate", "Latency", "UnhealthyTargets", "LambdaTargetErrors"},
    "estate-web": {"CpuUtilization", "MemoryUtilization", "RunningTasks", "EphemeralStorage"},
    "estate-db": {"CpuUtilization", "DatabaseCapacity", "DatabaseWriterDown"},
    "E2QWRUHEXAMPLE": {"ServiceDown", "HighErrorRate", "Latency"},
    "estate-uploads": {"BucketServerErrors", "Bucket4xxRate"},
    "estate-backups": {"BucketStorageAnomaly"},
    "estate-billing": {"ScheduleFailures", "ScheduleThrottles", "ScheduleDlqFailures"},
    "estate-orders-pipe": {"PipeFailures"},
    "estate-receipts": {"EmailBounceRate", "EmailComplaintRate"},
    "estate-rest-POST-orders": {"ServiceDown", "HighErrorRate", "Latency"},
    "estate-http-PUT-cart": {"ServiceDown", "HighErrorRate", "Latency"},
}


@pytest.fixture(scope="module")
def estate(tmp_path_factory):
    """prod's config plus one service with every kind, synthesized once for this module."""
    data = yaml.safe_load((CONFIG_DIR / "prod.yaml").read_text())
    data["services"].append({"name": "estate", "tier": 1, "resources": ESTATE,
                             "slo": {"source": "estate-rest"}})
    config_dir = tmp_path_factory.mktemp("config")
    (config_dir / "prod.yaml").write_text(yaml.safe_dump(data))
    cfg = load_config("prod", config_dir)
    return synthesize("prod", tmp_path_factory.mktemp("estate-out"), cfg)


def _alarms(result) -> dict[str, dict]:
    return {r["Properties"]["AlarmName"]: r["Properties"] for t in result.templates.values()
            for r in t["Resources"].values() if r["Type"] == "AWS::CloudWatch::Alarm"
            and isinstance(r["Properties"].get("AlarmName"), str)}


def test_the_fixture_uses_every_kind():
    assert set(ESTATE) | {"api_routes"} == set(RESOURCE_KINDS) and len(set(ESTATE)) == 20
    assert set(EXTRA_KINDS) <= set(ESTATE)


def test_every_kind_gets_its_alarms(estate):
    # GIVEN the synthesized estate WHEN its alarm names are read THEN each resource has each of its families
    assert estate.error is None, estate.error
    names = list(_alarms(estate))
    for resource, families in FAMILIES_OF.items():
        found = {f for f in families for n in names if f"-estate-{resource}-{f}-" in n}
        assert found == families, (resource, sorted(families - found))


def test_every_alarm_is_within_cloudwatch_limits(estate):
    # anomaly-detection alarms return the metric and its band by design (as in the environments' limit test)
    problems = {name: p for name, props in _alarms(estate).items()
                if (p := limit_problems(props)) and "ThresholdMetricId" not in props}
    assert not problems, problems


def test_cdk_nag_and_cfn_lint_are_clean(estate):
    report = estate.validation_report
    assert report, "no cdk-nag report"
    violations = [f"{v['ruleName']} at {c['constructPath']}" for plugin in report["pluginReports"]
                  for v in plugin["violations"] for c in v["violatingConstructs"]]
    assert not violations, violations
    cfn_lint = str(Path(sys.executable).parent / "cfn-lint")
    done = subprocess.run([cfn_lint, "--config-file", str(ROOT / ".cfnlintrc.yaml"), "--format", "parseable",
                           *map(str, estate.template_paths.values())], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_each_template_stays_within_cloudformation_limits(estate):
    # 500 resources per stack; 1 MB per template file
    for stack, template in estate.templates.items():
        assert len(template["Resources"]) <= 500, stack
        assert estate.template_paths[stack].stat().st_size <= 1_000_000, stack


def test_the_plan_and_the_templates_agree_alarm_for_alarm(estate):
    from plan.build import plan_environment

    deployed = alarms_of_templates([t for name, t in estate.templates.items() if PLANNED_STACKS.search(name)])
    planned = alarms_of_plan(plan_environment(estate.cfg))
    assert any("-estate-" in name for name in planned), "the plan holds no alarm of the estate service"
    assert differences(planned, deployed) == []


def test_the_cost_estimate_prices_the_paid_s3_request_metrics(estate):
    # GIVEN the estate's templates, one bucket with request metrics WHEN they are priced
    from tools.cost_estimate.estimate import estimate_dir

    bill = estimate_dir(estate.outdir, "prod")
    (custom,) = [line for line in bill.lines if line.usage.price_key == "cloudwatch.custom_metric"]
    # THEN its 16 request metrics are in the custom metrics, said so in the line
    assert "1 S3 request-metrics configuration(s) x 16" in custom.usage.detail
