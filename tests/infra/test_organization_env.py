"""A whole organization environment (tests/fixtures/organization/org.yaml: a monitoring account, three source
accounts, two regions), synthesized once: sink and links per region, cdk-nag and cfn-lint clean."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from config.loader import load_config

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "organization"


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    from tests.synth import synthesize

    return synthesize("org", tmp_path_factory.mktemp("org-out"), cfg=load_config("org", FIXTURES))


def resources(template: dict, kind: str) -> list[dict]:
    return [r for r in template.get("Resources", {}).values() if r["Type"] == kind]


def test_each_region_has_a_sink_and_its_link_stacksets_in_the_monitoring_account(org):
    # GIVEN OUs in the organization and one account outside it, in two regions
    for concern, region in (("Organization", "eu-west-1"), ("Organization-us-east-1", "us-east-1")):
        template = org.templates[f"watchtower-org-{concern}"]
        # THEN one sink per region, and per region a service-managed StackSet over the OU and a self-managed
        # one over the outside account, each deploying to its own region only
        assert len(resources(template, "AWS::Oam::Sink")) == 1
        sets = {s["Properties"]["PermissionModel"]: s["Properties"] for s in
                resources(template, "AWS::CloudFormation::StackSet")}
        assert sets["SERVICE_MANAGED"]["StackInstancesGroup"][0]["DeploymentTargets"] == {
            "OrganizationalUnitIds": ["ou-ab12-cdefgh34"]}
        assert sets["SELF_MANAGED"]["StackInstancesGroup"][0]["DeploymentTargets"] == {"Accounts": ["444444444444"]}
        assert all(s["StackInstancesGroup"][0]["Regions"] == [region] for s in sets.values())
        # the layer of this region is shared, and its ARN handed to the source accounts
        assert {p["Properties"]["Principal"] for p in resources(template, "AWS::Lambda::LayerVersionPermission")} \
            == {"*", "444444444444"}
        assert all(any(p["ParameterKey"] == "LayerArn" for p in s["Parameters"]) for s in sets.values())
    manifest = json.loads((org.outdir / "manifest.json").read_text())
    environments = {name: a["environment"] for name, a in manifest["artifacts"].items()
                    if a["type"] == "aws:cloudformation:stack"}
    assert environments["watchtower-org-Organization-us-east-1"] == "aws://111111111111/us-east-1"
    assert environments["watchtower-org-Organization"] == "aws://111111111111/eu-west-1"


def test_the_other_region_publishes_its_own_layer(org):
    template = org.templates["watchtower-org-Organization-us-east-1"]
    assert len(resources(template, "AWS::Lambda::LayerVersion")) == 1
    assert not resources(org.templates["watchtower-org-Organization"], "AWS::Lambda::LayerVersion")


def test_cdk_nag_reports_no_unsuppressed_findings(org):
    assert org.validation_report, f"no validation report: is cdk-nag registered? ({org.error})"
    violations = [f"{v['ruleName']} at {c['constructPath']}" for plugin in org.validation_report["pluginReports"]
                  for v in plugin["violations"] for c in v["violatingConstructs"]]
    assert not violations, "\n".join(violations)
    assert org.error is None, org.error


def test_cfn_lint_finds_no_errors_or_warnings(org):
    cfn_lint = str(Path(sys.executable).parent / "cfn-lint")
    done = subprocess.run([cfn_lint, "--config-file", str(ROOT / ".cfnlintrc.yaml"), "--format", "parseable",
                           *map(str, org.template_paths.values())], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_taggable_organization_resource_is_tagged(org):
    expected = org.cfg.tags.as_dict()
    for concern in ("Organization", "Organization-us-east-1"):
        for resource in org.templates[f"watchtower-org-{concern}"]["Resources"].values():
            if resource["Type"] in ("AWS::Lambda::LayerVersionPermission", "AWS::Lambda::LayerVersion",
                                    "AWS::CDK::Metadata"):
                continue
            tags = resource["Properties"]["Tags"]
            tags = {t["Key"]: t["Value"] for t in tags} if isinstance(tags, list) else tags
            assert all(tags.get(k) == v for k, v in expected.items()), resource["Type"]
