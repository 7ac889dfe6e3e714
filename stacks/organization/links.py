"""The source accounts' side: an ``AWS::Oam::Link`` to the region's sink (and the layer ARN in SSM), rolled out by
StackSets from the monitoring account.

Two StackSets per region at most: a service-managed one over the OUs, with automatic deployment to accounts that
join them later, and a self-managed one over the listed accounts outside the organization (a stack per account,
deployed through ``source_role_name`` in each). The link's sink ARN holds a random id, so each region's StackSet
sits beside its sink and passes the ARN as a parameter: no cross-region reference, no manual step.
"""
from __future__ import annotations

import json
from typing import Any

from aws_cdk import Stack, aws_cloudformation as cfn, aws_iam as iam
from constructs import Construct

from config.organization import OrganizationConfig
from config.schema import EnvironmentConfig
from stacks.naming import resource_name, ssm_path

__all__ = ["link_template", "LinkStackSet", "StackSetAdminRole", "stackset_admin_role_name", "LAYER_PARAMETER"]

# Where a source account finds the observability layer of its region (written by the link template).
LAYER_PARAMETER = ("observability-layer-arn",)


def link_template(cfg: EnvironmentConfig, org: OrganizationConfig, *, with_layer: bool) -> dict[str, Any]:
    """The CloudFormation template every source account gets in each region: the link and, when the layer is
    shared, an SSM parameter holding the layer ARN for that region.

    Example
    -------
    >>> from config.loader import load_config
    >>> template = link_template(load_config("dev"), OrganizationConfig(
    ...     monitoring_account="111111111111", accounts={"shop": "222222222222"}), with_layer=False)
    >>> sorted(template["Resources"]), template["Resources"]["Link"]["Type"]
    (['Link'], 'AWS::Oam::Link')
    """
    tags = cfg.tags.as_dict()
    resources: dict[str, Any] = {
        "Link": {"Type": "AWS::Oam::Link", "Properties": {
            "LabelTemplate": "$AccountName", "ResourceTypes": list(org.shared_resource_types),
            "SinkIdentifier": {"Ref": "SinkArn"}, "Tags": tags}},
    }
    parameters: dict[str, Any] = {"SinkArn": {"Type": "String", "Description": "the region's sink ARN"}}
    if with_layer:
        parameters["LayerArn"] = {"Type": "String", "Description": "the observability layer version ARN"}
        resources["LayerArnParameter"] = {"Type": "AWS::SSM::Parameter", "Properties": {
            "Name": ssm_path(cfg, *LAYER_PARAMETER), "Type": "String", "Value": {"Ref": "LayerArn"},
            "Description": f"observability layer of {cfg.app} {cfg.env} shared by the monitoring account",
            "Tags": tags}}
    return {"AWSTemplateFormatVersion": "2010-09-09",
            "Description": f"{cfg.app} {cfg.env}: link this account to the monitoring account's sink",
            "Parameters": parameters, "Resources": resources}


def stackset_admin_role_name(cfg: EnvironmentConfig) -> str:
    """The monitoring account's role that self-managed link StackSets run as."""
    return resource_name(cfg, "stackset-admin")


class StackSetAdminRole(Construct):
    """The administration role of the self-managed link StackSets: CloudFormation assumes it in the monitoring
    account, and it may assume only ``source_role_name`` in the listed accounts (IAM is global: one, home region).
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig,
                 org: OrganizationConfig) -> None:
        super().__init__(scope, construct_id)
        partition = Stack.of(self).partition
        targets = [f"arn:{partition}:iam::{org.accounts[n]}:role/{org.source_role_name}"
                   for n in org.link_stack_accounts()]
        self.role = iam.Role(
            self, "Role", role_name=stackset_admin_role_name(cfg),
            assumed_by=iam.ServicePrincipal("cloudformation.amazonaws.com"),
            description="runs the link StackSet in the source accounts outside the organization",
            inline_policies={"AssumeSourceRoles": iam.PolicyDocument(statements=[
                iam.PolicyStatement(actions=["sts:AssumeRole"], resources=targets)])})


class LinkStackSet(Construct):
    """One region's link StackSet: service-managed over ``org.organizational_units`` (``accounts`` None), or
    self-managed over the named ``accounts``.
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, org: OrganizationConfig,
                 region: str, sink_arn: str, layer_arn: str | None, accounts: tuple[str, ...] | None = None) -> None:
        super().__init__(scope, construct_id)
        service_managed = accounts is None
        accounts = accounts or ()
        parameters = [cfn.CfnStackSet.ParameterProperty(parameter_key="SinkArn", parameter_value=sink_arn)]
        if layer_arn is not None:
            parameters.append(cfn.CfnStackSet.ParameterProperty(parameter_key="LayerArn", parameter_value=layer_arn))
        if service_managed:
            targets = cfn.CfnStackSet.DeploymentTargetsProperty(
                organizational_unit_ids=list(org.organizational_units))
        else:
            targets = cfn.CfnStackSet.DeploymentTargetsProperty(accounts=[org.accounts[n] for n in accounts])
        kind = "org" if service_managed else "accounts"
        body = json.dumps(link_template(cfg, org, with_layer=layer_arn is not None), sort_keys=True)
        common: dict[str, Any] = dict(
            stack_set_name=resource_name(cfg, "oam-links", kind, region),
            description=f"{cfg.app} {cfg.env}: OAM links of the source accounts to the {region} sink",
            template_body=body, parameters=parameters,
            stack_instances_group=[cfn.CfnStackSet.StackInstancesProperty(deployment_targets=targets,
                                                                          regions=[region])],
            managed_execution={"Active": True},
            # Accounts are independent: one failing (a quota, a missing role) must not hold back the others.
            operation_preferences=cfn.CfnStackSet.OperationPreferencesProperty(
                failure_tolerance_percentage=100, max_concurrent_percentage=100,
                concurrency_mode="SOFT_FAILURE_TOLERANCE", region_concurrency_type="PARALLEL"),
        )
        if service_managed:
            self.stack_set = cfn.CfnStackSet(
                self, "StackSet", permission_model="SERVICE_MANAGED", call_as=org.stackset_call_as,
                auto_deployment=cfn.CfnStackSet.AutoDeploymentProperty(
                    enabled=True, retain_stacks_on_account_removal=False), **common)
        else:
            partition = Stack.of(self).partition
            self.stack_set = cfn.CfnStackSet(
                self, "StackSet", permission_model="SELF_MANAGED", execution_role_name=org.source_role_name,
                administration_role_arn=f"arn:{partition}:iam::{org.monitoring_account}:role/"
                                        f"{stackset_admin_role_name(cfg)}", **common)
        self.template_body = body

