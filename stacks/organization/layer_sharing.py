"""The observability layer shared with the source accounts: a layer version permission per region for the
organization (by its id) and for each listed account outside it."""
from __future__ import annotations

from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from config.organization import OrganizationConfig

__all__ = ["LayerSharing", "sharing_principals"]


def sharing_principals(org: OrganizationConfig) -> list[tuple[str, str | None]]:
    """(principal, organization id) of every permission: ``("*", org id)`` for the organization, then one account
    id each for the accounts it does not cover (all listed accounts when there is no organization id).

    Example
    -------
    >>> sharing_principals(OrganizationConfig(monitoring_account="111111111111", accounts={"a": "222222222222"}))
    [('222222222222', None)]
    """
    if org.organization_id:
        outside = [org.accounts[n] for n in org.link_stack_accounts()]
        return [("*", org.organization_id)] + [(account, None) for account in sorted(outside)]
    return [(account, None) for account in sorted(org.accounts.values())]


class LayerSharing(Construct):
    """``AWS::Lambda::LayerVersionPermission`` for ``layer_arn``. A permission covers one version, so the ids
    carry ``build_id``: a new layer version gets new permissions and the old ones go with it."""

    def __init__(self, scope: Construct, construct_id: str, *, org: OrganizationConfig, layer_arn: str,
                 build_id: str) -> None:
        super().__init__(scope, construct_id)
        self.permissions: list[lambda_.CfnLayerVersionPermission] = []
        for principal, organization_id in sharing_principals(org):
            label = "Organization" if principal == "*" else f"Account{principal}"
            self.permissions.append(lambda_.CfnLayerVersionPermission(
                self, f"{label}{build_id}", action="lambda:GetLayerVersion", layer_version_arn=layer_arn,
                principal=principal, organization_id=organization_id))
