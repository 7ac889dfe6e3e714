"""Whole environments, synthesized once per session: names, tags, and a clean cdk-nag report."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ENVIRONMENTS = ("dev", "staging", "prod")
ROOT = Path(__file__).resolve().parents[2]
# Resource types CloudFormation cannot tag, or that CDK tags through another property.
UNTAGGABLE = {"AWS::CDK::Metadata", "AWS::KMS::Alias", "AWS::SNS::Subscription", "AWS::SNS::TopicPolicy",
              "AWS::IAM::Policy", "AWS::Lambda::Permission", "AWS::SQS::QueuePolicy", "AWS::Logs::MetricFilter",
              "AWS::S3::BucketPolicy", "AWS::Lambda::EventSourceMapping", "AWS::Lambda::Version",
              "AWS::Lambda::LayerVersion", "AWS::Lambda::LayerVersionPermission", "AWS::Lambda::Alias",
              "AWS::ApiGateway::Account", "AWS::ApiGateway::Deployment", "AWS::ApiGateway::Method",
              "AWS::ApiGateway::Resource", "AWS::CloudWatch::Dashboard", "AWS::Logs::SubscriptionFilter",
              "AWS::Logs::QueryDefinition", "AWS::CloudWatch::InsightRule", "AWS::Events::Rule",
              "AWS::Budgets::Budget", "AWS::XRay::Group", "AWS::Lambda::Url", "AWS::Logs::ResourcePolicy",
              "Custom::LogRetention", "AWS::CloudFormation::CustomResource", "AWS::ApiGateway::Stage",
              "AWS::SNS::TopicInlinePolicy", "AWS::KMS::ReplicaKey",
              "AWS::CE::AnomalyMonitor", "AWS::CE::AnomalySubscription"}  # CE: ResourceTags, checked in test_cost_stack


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_stacks_are_named_app_env_concern(synth, env):
    names = synth.templates(env).keys()
    assert f"watchtower-{env}-Alerting" in names
    assert all(n.startswith(f"watchtower-{env}-") for n in names)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_taggable_resource_carries_the_cost_allocation_tags(synth, env):
    cfg = synth.app_config(env)
    expected = cfg.tags.as_dict()
    untagged = []
    for stack, template in synth.templates(env).items():
        for logical_id, resource in template.get("Resources", {}).items():
            if resource["Type"] in UNTAGGABLE or resource["Type"].startswith("Custom::"):
                continue
            tags = resource.get("Properties", {}).get("Tags")
            if tags is None:
                untagged.append(f"{stack}/{logical_id} ({resource['Type']})")
                continue
            as_dict = {t["Key"]: t["Value"] for t in tags} if isinstance(tags, list) else tags
            if any(as_dict.get(k) != v for k, v in expected.items()):
                untagged.append(f"{stack}/{logical_id} ({resource['Type']})")
    assert not untagged, "missing cost-allocation tags: " + ", ".join(untagged)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_cdk_nag_reports_no_unsuppressed_findings(synth, env):
    result = synth.result(env)
    report = result.validation_report
    assert report, f"{env}: no validation report: is cdk-nag registered? ({result.error})"
    violations = [f"{v['ruleName']} at {c['constructPath']}: {v['description']}"
                  for plugin in report["pluginReports"] for v in plugin["violations"]
                  for c in v["violatingConstructs"]]
    assert not violations, f"{env}: " + "\n".join(violations)
    assert result.error is None, result.error


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_nag_suppression_covers_one_resource_and_gives_a_reason(synth, env):
    report = synth.result(env).validation_report
    for plugin in report["pluginReports"]:
        for finding in plugin.get("suppressedViolations", []):
            where = finding["acknowledgedAt"]
            assert where.count("/") >= 1, f"{finding['ruleName']} acknowledged for a whole stack at {where}"
            assert len(finding["reason"].strip()) >= 10
            for construct in finding["violatingConstructs"]:
                assert construct["constructPath"].startswith(where + "/") or construct["constructPath"] == where


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_cfn_lint_finds_no_errors_or_warnings(synth, env):
    paths = [str(p) for p in synth.result(env).template_paths.values()]
    cfn_lint = str(Path(sys.executable).parent / "cfn-lint")
    done = subprocess.run([cfn_lint, "--config-file", str(ROOT / ".cfnlintrc.yaml"),
                           "--format", "parseable", *paths], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_app_with_unknown_environment_prints_one_line_and_exits_2():
    # GIVEN the CDK entry point as the CLI runs it, with -c env=nope passed through CDK_CONTEXT_JSON
    env = {**os.environ, "CDK_CONTEXT_JSON": '{"env": "nope"}', "CDK_OUTDIR": "/tmp/watchtower-nope"}
    done = subprocess.run([sys.executable, "app.py"], cwd=ROOT, capture_output=True, text=True, env=env)
    # THEN one clear line, exit 2, no traceback
    assert done.returncode == 2
    errors = [l for l in done.stderr.splitlines() if l.startswith("config error:")]
    assert errors == ["config error: unknown environment 'nope': known environments are dev, prod, staging"]
    assert "Traceback" not in done.stderr
