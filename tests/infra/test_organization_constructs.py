"""Cross-account observability constructs on bare stacks: the sink policy admits only the organization or the
listed accounts and only the shared types; the StackSets target what config says; the layer is shared per version."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from aws_cdk import App, Environment, Stack
from aws_cdk.assertions import Match, Template

from config.loader import load_config
from config.organization import OrganizationConfig
from stacks.organization.layer_sharing import LayerSharing
from stacks.organization.links import LinkStackSet, StackSetAdminRole, link_template
from stacks.organization.sink import ObservabilitySink

ROOT = Path(__file__).resolve().parents[2]
CFG = load_config("dev")
IN_ORG = OrganizationConfig(monitoring_account="111111111111", organization_id="o-abcdefghij",
                            organizational_units=["ou-ab12-cdefgh34", "r-ab12"],
                            accounts={"shop": "222222222222", "legacy": "444444444444"}, link_stacks_for=["legacy"])
LISTED = OrganizationConfig(monitoring_account="111111111111",
                            accounts={"shop": "222222222222", "legacy": "444444444444"})


def bare() -> Stack:
    return Stack(App(), "Bare", env=Environment(account="111111111111", region="eu-west-1"))


def test_sink_admits_the_organization_by_id_and_the_outside_accounts_by_id_only_for_shared_types():
    stack = bare()
    ObservabilitySink(stack, "Sink", cfg=CFG, org=IN_ORG)
    types = {"oam:ResourceTypes": list(IN_ORG.shared_resource_types)}
    Template.from_stack(stack).has_resource_properties("AWS::Oam::Sink", {
        "Name": "watchtower-dev-sink",
        "Policy": {"Statement": [
            Match.object_like({"Principal": "*", "Action": ["oam:CreateLink", "oam:UpdateLink"],
                               "Condition": {"ForAllValues:StringEquals": types,
                                             "StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}}),
            Match.object_like({"Principal": {"AWS": ["444444444444"]},
                               "Condition": {"ForAllValues:StringEquals": types}}),
        ]},
    })


def test_sink_without_an_organization_admits_exactly_the_listed_accounts():
    stack = bare()
    ObservabilitySink(stack, "Sink", cfg=CFG, org=LISTED)
    (sink,) = Template.from_stack(stack).find_resources("AWS::Oam::Sink").values()
    (statement,) = sink["Properties"]["Policy"]["Statement"]
    assert statement["Principal"] == {"AWS": ["222222222222", "444444444444"]}
    assert "aws:PrincipalOrgID" not in json.dumps(statement)  # no wildcard principal without the org condition


def test_service_managed_stackset_targets_the_ous_with_automatic_deployment_and_the_sink_arn():
    stack = bare()
    sink = ObservabilitySink(stack, "Sink", cfg=CFG, org=IN_ORG)
    LinkStackSet(stack, "Links", cfg=CFG, org=IN_ORG, region="eu-west-1", sink_arn=sink.arn, layer_arn=None)
    template = Template.from_stack(stack)
    sink_id = next(iter(template.find_resources("AWS::Oam::Sink")))
    template.has_resource_properties("AWS::CloudFormation::StackSet", {
        "PermissionModel": "SERVICE_MANAGED", "CallAs": "DELEGATED_ADMIN",
        "AutoDeployment": {"Enabled": True, "RetainStacksOnAccountRemoval": False},
        "StackInstancesGroup": [{"DeploymentTargets": {"OrganizationalUnitIds": ["ou-ab12-cdefgh34", "r-ab12"]},
                                 "Regions": ["eu-west-1"]}],
        "Parameters": [{"ParameterKey": "SinkArn", "ParameterValue": {"Fn::GetAtt": [sink_id, "Arn"]}}],
        "TemplateBody": Match.string_like_regexp("AWS::Oam::Link"),
    })


def test_self_managed_stackset_deploys_to_the_named_accounts_through_their_role():
    stack = bare()
    StackSetAdminRole(stack, "Admin", cfg=CFG, org=IN_ORG)
    LinkStackSet(stack, "Links", cfg=CFG, org=IN_ORG, region="eu-west-1", sink_arn="arn:aws:oam:sink",
                 layer_arn=None, accounts=IN_ORG.link_stack_accounts())
    template = Template.from_stack(stack)
    template.has_resource_properties("AWS::CloudFormation::StackSet", {
        "PermissionModel": "SELF_MANAGED", "ExecutionRoleName": "watchtower-observability",
        "AdministrationRoleARN": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"},
                                                    ":iam::111111111111:role/watchtower-dev-stackset-admin"]]},
        "StackInstancesGroup": [{"DeploymentTargets": {"Accounts": ["444444444444"]}, "Regions": ["eu-west-1"]}],
        "AutoDeployment": Match.absent(),
    })
    # the admin role may assume only the source role of the accounts it deploys to
    template.has_resource_properties("AWS::IAM::Role", {
        "RoleName": "watchtower-dev-stackset-admin",
        "Policies": [{"PolicyName": "AssumeSourceRoles", "PolicyDocument": {"Statement": [{
            "Action": "sts:AssumeRole", "Effect": "Allow",
            "Resource": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"},
                                           ":iam::444444444444:role/watchtower-observability"]]}}]}}],
    })


def test_layer_is_shared_with_the_organization_and_the_outside_account_per_version():
    stack = bare()
    LayerSharing(stack, "Sharing", org=IN_ORG, layer_arn="arn:aws:lambda:eu-west-1:111111111111:layer:x:3",
                 build_id="abc123")
    permissions = Template.from_stack(stack).find_resources("AWS::Lambda::LayerVersionPermission")
    by_principal = {p["Properties"]["Principal"]: p["Properties"] for p in permissions.values()}
    assert by_principal["*"]["OrganizationId"] == "o-abcdefghij"
    assert "OrganizationId" not in by_principal["444444444444"]
    assert set(by_principal) == {"*", "444444444444"}  # never '*' without the organization condition
    assert all("abc123" in logical_id for logical_id in permissions)  # a new version gets new permissions


def test_layer_without_an_organization_is_shared_with_each_listed_account_only():
    stack = bare()
    LayerSharing(stack, "Sharing", org=LISTED, layer_arn="arn:aws:lambda:eu-west-1:111111111111:layer:x:3",
                 build_id="abc123")
    permissions = Template.from_stack(stack).find_resources("AWS::Lambda::LayerVersionPermission")
    assert sorted(p["Properties"]["Principal"] for p in permissions.values()) == ["222222222222", "444444444444"]


@pytest.mark.parametrize("with_layer", [False, True])
def test_the_embedded_link_template_passes_cfn_lint(tmp_path, with_layer):
    # GIVEN the template each source account receives (a string inside the StackSet, which cfn-lint never opens)
    template = link_template(CFG, IN_ORG, with_layer=with_layer)
    path = tmp_path / "link.template.json"
    path.write_text(json.dumps(template))
    # THEN cfn-lint, the real checker, finds nothing in it, and it shares what the sink admits
    cfn_lint = str(Path(sys.executable).parent / "cfn-lint")
    done = subprocess.run([cfn_lint, "--config-file", str(ROOT / ".cfnlintrc.yaml"), "--format", "parseable",
                           "--regions", "eu-west-1", "--", str(path)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    link = template["Resources"]["Link"]["Properties"]
    assert link["ResourceTypes"] == list(IN_ORG.shared_resource_types)
    assert ("LayerArnParameter" in template["Resources"]) is with_layer
