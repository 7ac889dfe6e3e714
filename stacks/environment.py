"""Every stack of one environment, composed and wired. ``app.py`` calls ``build_environment`` and nothing else."""
from __future__ import annotations

from aws_cdk import App, Environment, Stack, Tags

from config.schema import EnvironmentConfig
from plan.account import account_signals
from plan.build import plan_environment
from stacks.account_stack import AccountStack
from stacks.alarm_features.warm_up import WarmUp
from stacks.alerting_stack import AlertingStack
from stacks.app_tag import APP_TAG, app_tag_value
from stacks.cost_stack import CostStack
from stacks.dashboards_stack import build_dashboards, outside_plan
from stacks.demo_service_stack import DemoServiceStack
from stacks.layer_stack import LayerStack
from stacks.monitoring_stack import build_monitoring
from stacks.naming import stack_name
from stacks.organization.placement import place_monitoring, placed_props
from stacks.organization_stack import build_organization, regional_switch_arn
from stacks.pinned_monitoring_stack import build_pinned_monitoring
from stacks.regional_alerting_stack import build_regional_alerting
from stacks.routing_stack import RoutingStack
from stacks.telemetry_stacks import build_telemetry

__all__ = ["build_environment"]


def build_environment(app: App, cfg: EnvironmentConfig) -> dict[str, Stack]:
    """Instantiate the stacks of ``cfg.env`` in ``app``; returns them by concern.

    Example
    -------
    >>> from config.loader import load_config
    >>> stacks = build_environment(App(), load_config("dev"))
    >>> sorted(stacks)
    ['Account', 'Alerting', ...]
    """
    env = Environment(account=cfg.account, region=cfg.region) if cfg.account or cfg.region else None

    def props(concern: str) -> dict:
        return {"stack_name": stack_name(cfg, concern), "env": env, "description": f"{cfg.app} {cfg.env}: {concern}"}

    # Tags are an aspect: applied at synth to every taggable resource of every stack below, so costs allocate.
    for key, value in cfg.tags.as_dict().items():
        Tags.of(app).add(key, value)

    stacks: dict[str, Stack] = {}
    alerting = AlertingStack(app, stack_name(cfg, "Alerting"), cfg=cfg, **props("Alerting"))
    stacks["Alerting"] = alerting
    # New stacks: one block each below, receiving what they need from the stacks above.
    if cfg.cost.enabled:
        stacks["Cost"] = CostStack(
            app, stack_name(cfg, "Cost"), cfg=cfg, warning_topic=alerting.topics["warning"], **props("Cost")
        )
    # The observability layer, and the demo service that uses it where config asks for it.

    layer = stacks["Layer"] = LayerStack(app, stack_name(cfg, "Layer"), cfg=cfg, **props("Layer"))
    demo: DemoServiceStack | None = None
    if cfg.demo_service:
        demo = stacks["DemoService"] = DemoServiceStack(
            app, stack_name(cfg, "DemoService"), cfg=cfg, layer_parameter_name=layer.parameter_name,
            layer_build_id=layer.build_id, **props("DemoService"))
        demo.add_stack_dependency(layer)  # reads the layer ARN from SSM at deploy time
    # Cross-account observability (only with organization:): a sink, link StackSets and the shared layer per region.
    stacks.update(build_organization(app, cfg, layer=layer))
    # Alert routing: the router subscribes to the severity topics and runs with the observability layer.

    stacks["Routing"] = RoutingStack(
        app, stack_name(cfg, "Routing"), cfg=cfg, topics=alerting.topics, email_topic=alerting.email_topic,
        ops_topic=alerting.ops_topic, key=alerting.key, observability_layer_parameter=layer.parameter_name,
        layer_build_id=layer.build_id, **props("Routing"),
    )
    stacks["Routing"].add_stack_dependency(layer)  # reads the layer ARN from SSM at deploy time
    # Every other region with alarms (canaries, region-pinned metrics) gets its own alert topics, which the router
    # subscribes to across regions: made after the router, whose ARN the subscriptions name.
    regional = build_regional_alerting(app, cfg, routing=stacks["Routing"], props=props)
    stacks.update({f"Alerting-{region}": stack for region, stack in regional.items()})
    # Synthetics, X-Ray and logs. Canary alarms of configured services join their service composites.

    telemetry = build_telemetry(app, cfg, topics=alerting.topics, props=props, demo=demo, regional=regional)
    stacks.update(telemetry.stacks)
    # Monitoring: the maintenance switch, then one stack per service (plus part stacks for big ones).

    plan = plan_environment(cfg)  # once: the monitoring stacks and the dashboards render the same plan
    stacks.update(build_monitoring(app, cfg, topics=alerting.topics, props=placed_props(cfg, props), plan=plan,
                                   extra_children=telemetry.canary_children, canaries=telemetry.canaries,
                                   log_group_stacks=[stacks[k] for k in ("Logs", "DemoService") if k in stacks]))
    place_monitoring(cfg, stacks, switch_arn=regional_switch_arn(cfg))  # source accounts' metrics, regional switch
    # Resources whose metrics exist in one other region only (CloudFront: us-east-1) are alarmed on there.
    stacks.update(build_pinned_monitoring(app, cfg, regional=regional, props=props))
    # Account-level signals (Lambda's concurrency quota, SES reputation): no service owns them.
    if account_signals(cfg):
        stacks["Account"] = AccountStack(app, stack_name(cfg, "Account"), cfg=cfg, topics=alerting.topics,
                                         **props("Account"))
        if "Maintenance" in stacks:
            stacks["Account"].add_stack_dependency(stacks["Maintenance"])  # its composite names the switch
    # Dashboards come last: they chart what the plan says the stacks above create, plus the alarms of stacks
    # outside the plan (router health, cost) and the router's and canaries' deployed names.

    # At scale they spread over Dashboards-2, -3... (each template within CloudFormation's size).
    stacks.update(build_dashboards(app, cfg, plan=plan, props=props, **outside_plan(cfg, plan, stacks.values())))
    _order_and_tag(cfg, stacks)
    # Paging alarms stay quiet for a few minutes after each change: set on every alarm built above, now (as an
    # aspect it was called back for every construct of the app, thousands of round trips at organization scale).
    WarmUp(cfg.warm_up).apply_to(app)
    return stacks


def _order_and_tag(cfg: EnvironmentConfig, stacks: dict[str, Stack]) -> None:
    """Deploy order without exports, and the tag ``make prune`` finds this app's stacks by.

    Consumers refer to topics, alarms and the key by name (stacks/wiring.py), so CloudFormation no longer infers
    the order from imports: every home-region stack that uses the alert topics waits for Alerting, and the
    service stacks wait for the maintenance switch their paging composites name.
    """
    alerting = stacks["Alerting"]
    home = alerting.region
    for concern, stack in stacks.items():
        stack.tags.set_tag(APP_TAG, app_tag_value(cfg))
        if stack is alerting or concern == "Layer" or concern.split("-")[0] == "Dashboards" or stack.region != home:
            continue
        stack.add_stack_dependency(alerting)
        if concern.startswith("Monitoring-") and "Maintenance" in stacks:
            stack.add_stack_dependency(stacks["Maintenance"])
