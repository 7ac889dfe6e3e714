"""The OAM sink of one region in the monitoring account, with a policy that admits only the organization (or the
listed accounts) and only the shared resource types."""
from __future__ import annotations

from typing import Any

from aws_cdk import aws_oam as oam
from constructs import Construct

from config.organization import OrganizationConfig
from config.schema import EnvironmentConfig
from stacks.naming import resource_name

__all__ = ["ObservabilitySink", "sink_policy"]


def sink_policy(org: OrganizationConfig) -> dict[str, Any]:
    """The sink's resource policy: who may link (the organization by its id, or the listed accounts) and what
    they may share (``shared_resource_types`` only, so a link cannot add a type the monitoring account refused).

    Example
    -------
    >>> org = OrganizationConfig(monitoring_account="111111111111", accounts={"shop": "222222222222"})
    >>> statement = sink_policy(org)["Statement"][0]
    >>> statement["Principal"], statement["Action"]
    ({'AWS': ['222222222222']}, ['oam:CreateLink', 'oam:UpdateLink'])
    """
    types = {"ForAllValues:StringEquals": {"oam:ResourceTypes": list(org.shared_resource_types)}}
    statements: list[dict[str, Any]] = []
    if org.organization_id:
        statements.append({
            "Sid": "LinkFromTheOrganization", "Effect": "Allow", "Principal": "*", "Resource": "*",
            "Action": ["oam:CreateLink", "oam:UpdateLink"],
            "Condition": {**types, "StringEquals": {"aws:PrincipalOrgID": org.organization_id}},
        })
    outside = [org.accounts[n] for n in org.link_stack_accounts()] if org.organization_id else \
        list(org.accounts.values())
    if outside:
        statements.append({
            "Sid": "LinkFromListedAccounts", "Effect": "Allow", "Principal": {"AWS": sorted(outside)},
            "Resource": "*", "Action": ["oam:CreateLink", "oam:UpdateLink"], "Condition": types,
        })
    return {"Version": "2012-10-17", "Statement": statements}


class ObservabilitySink(Construct):
    """``AWS::Oam::Sink`` named ``{app}-{env}-sink`` (one per region and account); ``.arn`` for the links."""

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig,
                 org: OrganizationConfig) -> None:
        super().__init__(scope, construct_id)
        self.sink = oam.CfnSink(self, "Sink", name=resource_name(cfg, "sink"), policy=sink_policy(org))
        self.arn: str = self.sink.attr_arn
