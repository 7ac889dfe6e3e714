"""OrganizationStack: one region of the monitoring account's cross-account observability.

Per region: the OAM sink, the link StackSets that connect the source accounts to it, and the observability layer
shared with them (its ARN is written into each source account by the link template). The home region also
holds the administration role of the self-managed StackSets (IAM is global) and reuses the Layer stack's layer;
every other region publishes its own copy of the layer.
"""
from __future__ import annotations

from collections.abc import Callable

from aws_cdk import App, ArnFormat, Environment, Stack, aws_lambda as lambda_, aws_ssm as ssm
from constructs import Construct

from config.organization import OrganizationConfig
from config.schema import EnvironmentConfig
from plan.regions import regional_topic_name
from stacks.cfn import cfn_resource
from stacks.layer.observability_layer import ObservabilityLayer
from stacks.layer_stack import LayerStack
from stacks.monitoring.maintenance import maintenance_alarm_name
from stacks.naming import resource_name, stack_name
from stacks.organization.fleet import FleetAlarms
from stacks.organization.layer_sharing import LayerSharing
from stacks.organization.links import LinkStackSet, StackSetAdminRole
from stacks.organization.sink import ObservabilitySink

__all__ = ["OrganizationStack", "build_organization", "regional_switch_arn"]


class OrganizationStack(Stack):
    """The sink, link StackSets and shared layer of ``region`` (``home``: the environment's own region).

    Example
    -------
    >>> from config.loader import load_config
    >>> from config.organization import OrganizationConfig
    >>> cfg = load_config("prod")
    >>> org = OrganizationConfig(monitoring_account="111111111111", accounts={"orders": "222222222222"})
    >>> stack = OrganizationStack(App(), "watchtower-prod-Organization", cfg=cfg, org=org, home=True,
    ...                           layer_parameter_name="/watchtower/prod/layer-arn", layer_build_id="0123456789abcdef",
    ...                           env=Environment(account=org.monitoring_account, region=cfg.region))
    >>> [links.node.id for links in stack.stack_sets]  # the listed accounts link through one StackSet
    ['AccountLinks']
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, org: OrganizationConfig,
                 home: bool, layer_parameter_name: str, layer_build_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        region = self.region
        self.sink = ObservabilitySink(self, "Sink", cfg=cfg, org=org)
        self.admin_role = StackSetAdminRole(self, "StackSetAdmin", cfg=cfg, org=org) \
            if home and org.link_stack_accounts() else None
        layer_arn: str | None = None
        if org.share_layer:
            if home:  # the Layer stack's current version, read from SSM at deploy time
                layer_arn = ssm.StringParameter.value_for_string_parameter(self, layer_parameter_name)
                build_id = layer_build_id
            else:
                self.layer = ObservabilityLayer(self, "Observability", cfg=cfg)
                layer_arn = self.layer.layer_version.layer_version_arn
                content = cfn_resource(self.layer.layer_version, lambda_.CfnLayerVersion).content
                assert isinstance(content, lambda_.CfnLayerVersion.ContentProperty), "an asset layer is literal"
                build_id = content.s3_key.split(".")[0][:16]
            self.sharing = LayerSharing(self, "LayerSharing", org=org, layer_arn=layer_arn, build_id=build_id)
        # The fleet safety net notifies this region's topic of its severity (alarm actions cannot cross regions).
        if org.fleet_alarms.families():
            severity = org.fleet_alarms.severity
            topic = resource_name(cfg, "alerts", severity) if home else regional_topic_name(cfg, region, severity)
            self.fleet = FleetAlarms(self, "Fleet", cfg=cfg, org=org,
                                     topic_arn=self.format_arn(service="sns", resource=topic))
        self.stack_sets: list[LinkStackSet] = []
        if org.organizational_units:
            self.stack_sets.append(LinkStackSet(self, "OrganizationLinks", cfg=cfg, org=org, region=region,
                                                sink_arn=self.sink.arn, layer_arn=layer_arn))
        if org.link_stack_accounts():
            links = LinkStackSet(self, "AccountLinks", cfg=cfg, org=org, region=region, sink_arn=self.sink.arn,
                                 layer_arn=layer_arn, accounts=org.link_stack_accounts())
            if self.admin_role is not None:
                links.node.add_dependency(self.admin_role)
            self.stack_sets.append(links)


def build_organization(app: App, cfg: EnvironmentConfig, *, layer: LayerStack) -> dict[str, Stack]:
    """One OrganizationStack per region of ``cfg.organization`` (none without it), keyed ``Organization`` (home)
    and ``Organization-<region>``."""
    org = cfg.organization
    if org is None:
        return {}
    home_region = cfg.region
    stacks: dict[str, Stack] = {}
    for region in org.all_regions(home_region):
        home = region == home_region
        concern = "Organization" if home else f"Organization-{region}"
        stack = OrganizationStack(
            app, stack_name(cfg, concern), cfg=cfg, org=org, home=home, layer_parameter_name=layer.parameter_name,
            layer_build_id=layer.build_id, stack_name=stack_name(cfg, concern),
            env=Environment(account=org.monitoring_account, region=region),
            description=f"{cfg.app} {cfg.env}: cross-account observability in {region}")
        if home:
            stack.add_stack_dependency(layer)  # reads the layer ARN from SSM at deploy time
        stacks[concern] = stack
    home_stack = stacks["Organization"]
    for other in stacks.values():
        if other is not home_stack:
            other.add_stack_dependency(home_stack)  # the StackSet administration role lives there
    return stacks


def regional_switch_arn(cfg: EnvironmentConfig) -> Callable[[Stack], str]:
    """The ARN of the maintenance switch in the region of ``stack`` (for a service in another region); it lives in
    that region's Alerting stack."""

    def arn(stack: Stack) -> str:
        return stack.format_arn(service="cloudwatch", resource="alarm", arn_format=ArnFormat.COLON_RESOURCE_NAME,
                                resource_name=maintenance_alarm_name(cfg, stack.region))

    return arn
