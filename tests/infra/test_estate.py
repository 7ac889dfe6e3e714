"""The example estate (examples/estate: every resource kind plus per-route alarms, over three services) joined to
each shipped environment synthesizes in dev, staging and prod: every resource gets its families, every kind at
least the alarms the catalog cites as AWS-recommended (watching the metric AWS names), every alarm is within
CloudWatch's limits and every template within CloudFormation's, cfn-lint and cdk-nag are clean, and the plan
agrees with the templates alarm for alarm.

Each environment is synthesized once for the module; under pytest-xdist the first worker to need it
synthesizes it into the session's shared temporary folder and the others read the templates from there.
"""
from __future__ import annotations

import fcntl
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from config.kinds import EXTRA_KINDS
from config.loader import CONFIG_DIR, load_config
from config.services import RESOURCE_KINDS
from plan.agreement import PLANNED_STACKS, alarms_of_plan, alarms_of_templates, differences
from plan.catalog import CATALOG
from plan.metrics import applies
from plan.naming import name_part
from plan.recommended import AWS_RECOMMENDED, implemented
from tests.infra.test_alarm_limits import limit_problems
from tests.synth import SynthResult, read_back, synthesize

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "estate"
ENVIRONMENTS = ("dev", "staging", "prod")
# The example's services join each shipped environment under these names (shipped staging and prod already
# have an "orders" service).
PREFIX = "estate-"
# (service, kind, position in the example's list) -> the families its alarms must include: every switch that
# enables an optional family is on in the example, except on the second bucket (no request metrics).
FAMILIES_OF = {
    ("storefront", "cloudfront_distributions", 0): {"ServiceDown", "HighErrorRate", "Latency"},
    ("storefront", "appsync_apis", 0): {"ServiceDown", "HighErrorRate", "Latency"},
    ("storefront", "websocket_apis", 0): {"HighErrorRate", "Latency", "Api4xxRate"},
    ("storefront", "load_balancers", 0): {"ServiceDown", "HighErrorRate", "Latency", "UnhealthyTargets",
                                          "LambdaTargetErrors"},
    ("storefront", "ecs_services", 0): {"CpuUtilization", "MemoryUtilization", "RunningTasks", "EphemeralStorage"},
    ("storefront", "buckets", 0): {"BucketServerErrors", "Bucket4xxRate"},
    ("orders", "api_routes", 0): {"ServiceDown", "HighErrorRate", "Latency"},
    ("orders", "api_routes", 1): {"ServiceDown", "HighErrorRate", "Latency"},
    ("orders", "api_routes", 2): {"ServiceDown", "HighErrorRate", "Latency"},
    ("orders", "aurora_clusters", 0): {"CpuUtilization", "DatabaseCapacity", "DatabaseWriterDown"},
    ("pipeline", "kinesis_streams", 0): {"StreamConsumerLag", "StreamWriteThrottles", "StreamReadFailures",
                                         "StreamPutFailures"},
    ("pipeline", "firehose_streams", 0): {"DeliveryFreshness", "FirehoseThrottling"},
    ("pipeline", "pipes", 0): {"PipeFailures"},
    ("pipeline", "schedule_groups", 0): {"ScheduleFailures", "ScheduleThrottles", "ScheduleDlqFailures"},
    ("pipeline", "ses_configuration_sets", 0): {"EmailBounceRate", "EmailComplaintRate"},
    ("pipeline", "buckets", 0): {"BucketStorageAnomaly"},
}


def _config_dir(env: str, folder: Path) -> Path:
    """``folder`` holding the shipped ``env`` config with the example estate's services appended."""
    data = yaml.safe_load((CONFIG_DIR / f"{env}.yaml").read_text())
    example = yaml.safe_load((EXAMPLE / f"{env}.yaml").read_text())
    data["services"] += [{**service, "name": PREFIX + service["name"]} for service in example["services"]]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{env}.yaml").write_text(yaml.safe_dump(data))
    return folder


def _read_back(env: str, outdir: Path, cfg: Any) -> SynthResult:
    return read_back(outdir, cfg, json.loads((outdir / "synth-error.json").read_text()))


@pytest.fixture(scope="module", params=ENVIRONMENTS)
def estate(request, tmp_path_factory, worker_id) -> SynthResult:
    """One shipped environment plus the example estate, synthesized once (per session, across xdist workers)."""
    env = request.param
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":  # the workers' folders share the session's folder
        shared = shared.parent
    root = shared / "estate"
    root.mkdir(exist_ok=True)
    with open(root / f"{env}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        config_dir, outdir = root / f"{env}-config", root / f"{env}-out"
        if not (outdir / "synth-error.json").exists():
            cfg = load_config(env, _config_dir(env, config_dir))
            result = synthesize(env, outdir, cfg)
            (outdir / "synth-error.json").write_text(json.dumps(result.error))
            return result
    return _read_back(env, outdir, load_config(env, config_dir))


def _alarms(result: SynthResult) -> dict[str, dict]:
    return {r["Properties"]["AlarmName"]: r["Properties"] for t in result.templates.values()
            for r in t["Resources"].values() if r["Type"] == "AWS::CloudWatch::Alarm"
            and isinstance(r["Properties"].get("AlarmName"), str)}


def _metric_names(props: dict) -> set[str]:
    names = {props["MetricName"]} if "MetricName" in props else set()
    names |= {m["MetricStat"]["Metric"]["MetricName"] for m in props.get("Metrics", []) if "MetricStat" in m}
    return names


def _resource_alarms(result: SynthResult, plan: Any, service: str, kind: str, ref: Any) -> dict[str, set[str]]:
    """family -> the metrics its alarms on ``ref`` watch, for the alarms the templates hold. Alarm names are
    ``{app}-{env}-{service}-{label}-{family}-{severity}``; the label is the plan's (a region-pinned resource,
    planned by its own stack, goes by its name)."""
    cfg = result.cfg
    labels = [r.label for r in plan.service(PREFIX + service).resources if r.kind == kind and r.ref == ref]
    prefix = f"{cfg.app}-{cfg.env}-{name_part(PREFIX + service)}-{name_part(labels[0] if labels else ref.name)}-"
    found: dict[str, set[str]] = {}
    for name, props in _alarms(result).items():
        family = name[len(prefix):].rsplit("-", 1)[0] if name.startswith(prefix) else ""
        if family in CATALOG:
            found.setdefault(family, set()).update(_metric_names(props))
    return found


@pytest.fixture(scope="module")
def plan_of():
    from plan.build import plan_environment

    plans: dict[str, Any] = {}

    def plan(result: SynthResult) -> Any:
        if result.cfg.env not in plans:
            plans[result.cfg.env] = plan_environment(result.cfg)
        return plans[result.cfg.env]
    return plan


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_example_uses_every_kind_and_every_optional_family(env):
    # GIVEN the example estate of the environment WHEN its services' resources are gathered
    cfg = load_config(env, EXAMPLE)
    kinds = {kind for service in cfg.services for kind in RESOURCE_KINDS if getattr(service.resources, kind)}
    # THEN all twenty kinds and listed routes are there, and each position the expectations name exists
    assert kinds == set(RESOURCE_KINDS) and len(RESOURCE_KINDS) == 21 and set(EXTRA_KINDS) <= kinds
    for service, kind, index in FAMILIES_OF:
        assert len(getattr(next(s for s in cfg.services if s.name == service).resources, kind)) > index


def test_every_resource_gets_its_families(estate, plan_of):
    # GIVEN the synthesized environment WHEN each listed resource's alarms are read from the templates
    assert estate.error is None, estate.error
    plan = plan_of(estate)
    for (service, kind, index), families in FAMILIES_OF.items():
        ref = getattr(next(s for s in estate.cfg.services if s.name == PREFIX + service).resources, kind)[index]
        found = set(_resource_alarms(estate, plan, service, kind, ref))
        # THEN each has each of its families
        assert families <= found, (estate.cfg.env, service, kind, index, sorted(families - found))


def test_each_kind_has_at_least_the_alarms_aws_recommends(estate, plan_of):
    # GIVEN the families the catalog cites as implementing one of AWS's recommended alarms, per kind
    plan = plan_of(estate)
    for service in estate.cfg.services:
        if not service.name.startswith(PREFIX):
            continue
        for kind in RESOURCE_KINDS:
            for ref in getattr(service.resources, kind):
                found = _resource_alarms(estate, plan, service.name.removeprefix(PREFIX), kind, ref)
                # a family the service turns off by name (``enabled: false``) is the user's decision, not a gap
                dropped = {family for family, o in {**service.overrides, **ref.overrides}.items() if not o.enabled}
                for family, metrics in implemented(kind).items():
                    if not applies(kind, family, ref) or family in dropped:
                        continue
                    # THEN the resource has that family's alarm, and it watches the metrics AWS names
                    assert family in found, (estate.cfg.env, service.name, kind, ref.name, family)
                    assert metrics <= found[family], (estate.cfg.env, kind, family, sorted(metrics - found[family]))
    # AND every cited family reaches at least one resource of its kind (no switch of the example hides it)
    cited = {(row.kind, row.family) for row in AWS_RECOMMENDED if row.family and row.kind != "account"}
    reached = {(kind, family) for service in estate.cfg.services if service.name.startswith(PREFIX)
               for kind in RESOURCE_KINDS for ref in getattr(service.resources, kind)
               for family in implemented(kind) if applies(kind, family, ref)}
    kinds_used = {kind for kind, _ in reached}
    assert {pair for pair in cited if pair[0] in kinds_used} <= reached
    # AND the account's concurrency alarm watches ClaimedAccountConcurrency, as AWS recommends
    (account,) = [row for row in AWS_RECOMMENDED if row.kind == "account"]
    assert any(f"-{account.family}-" in name and account.metric in _metric_names(props)
               for name, props in _alarms(estate).items()), account


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


def test_the_plan_and_the_templates_agree_alarm_for_alarm(estate, plan_of):
    deployed = alarms_of_templates([t for name, t in estate.templates.items() if PLANNED_STACKS.search(name)])
    planned = alarms_of_plan(plan_of(estate))
    assert any(f"-{PREFIX}" in name for name in planned), "the plan holds no alarm of the estate's services"
    assert differences(planned, deployed) == []


def test_the_cost_estimate_prices_the_paid_s3_request_metrics(estate):
    # GIVEN the environment's templates, one bucket with request metrics WHEN they are priced
    from tools.cost_estimate.estimate import estimate_dir

    bill = estimate_dir(estate.outdir, estate.cfg.env)
    (custom,) = [line for line in bill.lines if line.usage.price_key == "cloudwatch.custom_metric"]
    # THEN its 16 request metrics are in the custom metrics, said so in the line
    assert "1 S3 request-metrics configuration(s) x 16" in custom.usage.detail
