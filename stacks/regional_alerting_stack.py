"""``<app>-<env>-Alerting-<region>``: the alerting backbone of one extra region (canary or pinned-metric region).

Every alarm of that region notifies these topics; the home router subscribes to them across regions. The
region's copy of the manual maintenance switch lives here too (alarms cannot be held by a switch of another
region), so every stack of the region (canaries, pinned-resource monitoring) finds one switch by its name.
"""
from __future__ import annotations

from collections.abc import Callable

from aws_cdk import App, Environment, Stack
from constructs import Construct

from config.schema import EnvironmentConfig
from plan.regions import alert_regions
from stacks.alerting.regional import RegionalAlertTopics, RegionalRouterInvoke
from stacks.monitoring.maintenance import MaintenanceSwitch
from stacks.naming import stack_name

__all__ = ["RegionalAlertingStack", "build_regional_alerting"]


class RegionalAlertingStack(Stack):
    """Composes the region's topics (``topics`` by severity, ``ops_topic``) and ``maintenance`` switch.

    Example
    -------
    >>> from aws_cdk import App, Environment
    >>> from config.loader import load_config
    >>> cfg = load_config("prod")
    >>> stack = RegionalAlertingStack(App(), "watchtower-prod-Alerting-us-east-1", cfg=cfg, region="us-east-1",
    ...                               env=Environment(account=cfg.account, region="us-east-1"))
    >>> stack.maintenance.ref.name
    'watchtower-prod-all-maintenance-us-east-1-Maintenance-info'
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, region: str,
                 **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.alert_topics = RegionalAlertTopics(self, "Topics", cfg=cfg, region=region,
                                                home_region=cfg.region or region)
        self.topics = self.alert_topics.topics
        self.ops_topic = self.alert_topics.ops_topic
        self.maintenance = MaintenanceSwitch(self, "Maintenance", cfg=cfg, region=region)


def build_regional_alerting(app: App, cfg: EnvironmentConfig, *, routing: Stack,
                            props: Callable[[str], dict]) -> dict[str, RegionalAlertingStack]:
    """One ``Alerting-<region>`` stack per region of ``alert_regions(cfg)``, and the home router's permission to
    be invoked by their topics (added to ``routing``, the router's stack); returns the stacks by region.

    Example
    -------
    >>> from config.loader import load_config
    >>> app = App()
    >>> routing = Stack(app, "Routing")
    >>> sorted(build_regional_alerting(app, load_config("prod"), routing=routing, props=lambda concern: {}))
    ['us-east-1']
    """
    regions = alert_regions(cfg)
    if not regions:
        return {}
    router = getattr(routing, "router", None)
    if router is not None:
        RegionalRouterInvoke(routing, "RegionalTopics", cfg=cfg, function=router.function, regions=regions)
    made = {}
    for region in regions:
        concern = f"Alerting-{region}"
        made[region] = RegionalAlertingStack(
            app, stack_name(cfg, concern), cfg=cfg, region=region,
            **{**props(concern), "env": Environment(account=cfg.account, region=region)})
        made[region].add_stack_dependency(routing)  # subscribes the router, which may then be invoked
    return made
