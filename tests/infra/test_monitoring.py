"""The prod monitoring templates: seed alarms, names, descriptions, tags, actions and composite wiring.

Everything here reads the synthesized templates (session fixture ``synth``), not the Python objects.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ALARM_TYPES = ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm")
NAME = re.compile(r"^watchtower-prod-(?P<service>[a-z][a-z0-9-]*?)-(?P<resource>.+)-(?P<signal>[A-Za-z0-9]+)-"
                  r"(?P<severity>critical|warning|info)$")


def monitoring_alarms(synth, env="prod") -> dict[str, dict]:
    """Alarms and composites of the monitoring stacks, by alarm name."""
    return {r["Properties"]["AlarmName"]: r for stack, t in synth.templates(env).items()
            if "-Monitoring-" in stack or stack.endswith("-Maintenance")
            for r in t["Resources"].values() if r["Type"] in ALARM_TYPES}


def period_and_evaluations(props: dict) -> tuple[int, int]:
    periods = {m["MetricStat"]["Period"] for m in props.get("Metrics", []) if "MetricStat" in m}
    period = props.get("Period") or periods.pop()
    return period, props["EvaluationPeriods"]


def tags(resource: dict) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in resource["Properties"].get("Tags", [])}


def rule_children(rule) -> list[str]:
    """Logical ids (GetAtt) and import names that a composite rule references, in order."""
    parts = rule["Fn::Join"][1] if isinstance(rule, dict) else []
    found = []
    for part in parts:
        if isinstance(part, dict) and "Fn::GetAtt" in part:
            found.append(part["Fn::GetAtt"][0])
        elif isinstance(part, dict) and "Fn::ImportValue" in part:
            found.append("import:" + part["Fn::ImportValue"])
    return found


def topic_kinds(actions: list) -> set[str]:
    """Which alert topics a list of actions points at (critical / warning / info): other stacks reach the topics by
    ARNs built from their names (``...:watchtower-prod-alerts-critical``), the alerting stack by reference."""
    kinds = set()
    for action in actions:
        text = str(action)
        for kind in ("Critical", "Warning", "Info"):
            if f"Topics{kind}Topic" in text or re.search(rf"-alerts-{kind.lower()}(?![a-z-])", text):
                kinds.add(kind.lower())
    return kinds


# duration: how long the signal must breach before the alarm opens (period x datapoints to alarm)
@pytest.mark.parametrize(("name", "threshold", "comparison", "duration"), [
    ("orders-orders-create-ServiceDown-critical", 50, "LessThanThreshold", 120),
    ("orders-orders-api-ServiceDown-critical", 50, "LessThanThreshold", 120),
    ("orders-orders-create-HighErrorRate-critical", 10, "GreaterThanThreshold", 300),
    ("orders-orders-create-HighErrorRate-warning", 5, "GreaterThanThreshold", 300),
    # not the seed's "> 0 for 1 min", which paged on one throttled request: 5+ a minute in 3 of 5 minutes
    ("orders-orders-DatabaseThrottling-critical", 5, "GreaterThanOrEqualToThreshold", 180),
    ("orders-orders-fulfil-Latency-critical", 10_000, "GreaterThanThreshold", 300),
    ("payments-payments-authorize-Latency-warning", 5_000, "GreaterThanThreshold", 600),
    ("orders-orders-create-MemoryPressure-warning", 80, "GreaterThanThreshold", 300),
    ("orders-orders-create-ColdStarts-warning", 20, "GreaterThanThreshold", 900),
])
def test_prod_contains_each_seed_alarm_with_the_seed_threshold_and_duration(synth, name, threshold, comparison,
                                                                             duration):
    alarm = monitoring_alarms(synth)[f"watchtower-prod-{name}"]["Properties"]
    assert alarm["Threshold"] == threshold
    assert alarm["ComparisonOperator"] == comparison
    period, evaluations = period_and_evaluations(alarm)
    assert period * alarm.get("DatapointsToAlarm", evaluations) == duration


def test_overrides_from_prod_yaml_reach_the_templates(synth):
    alarms = monitoring_alarms(synth)
    # orders overrides Latency.warning to 3 s; notifications HighErrorRate.critical to 25 %
    assert alarms["watchtower-prod-orders-orders-create-Latency-warning"]["Properties"]["Threshold"] == 3000
    assert alarms["watchtower-prod-notifications-notifications-sender-HighErrorRate-critical"][
        "Properties"]["Threshold"] == 25
    # payments-capture disables ColdStarts; its sibling keeps it
    assert "watchtower-prod-payments-payments-capture-ColdStarts-warning" not in alarms
    assert "watchtower-prod-payments-payments-authorize-ColdStarts-warning" in alarms


def test_rate_alarms_are_guarded_metric_math_that_tolerates_missing_data(synth):
    alarm = monitoring_alarms(synth)["watchtower-prod-orders-orders-api-HighErrorRate-warning"]["Properties"]
    expression = next(m["Expression"] for m in alarm["Metrics"] if "Expression" in m)
    assert expression.startswith("IF(requests >= 10, ")
    assert alarm["TreatMissingData"] == "notBreaching"
    names = {m["MetricStat"]["Metric"]["MetricName"] for m in alarm["Metrics"] if "MetricStat" in m}
    assert names == {"5XXError", "Count"}


def test_every_alarm_is_named_described_with_a_runbook_and_tagged(synth):
    for name, resource in monitoring_alarms(synth).items():
        props = resource["Properties"]
        match = NAME.match(name)
        assert match, name
        description = props["AlarmDescription"]
        assert len(description) <= 1024
        link = re.search(r"Runbook: (https://\S+/docs/runbooks/([A-Za-z0-9-]+)\.md)$", description)
        assert link, f"{name}: description does not end with a runbook link: {description}"
        assert (ROOT / "docs" / "runbooks" / f"{link.group(2)}.md").is_file(), f"{name}: {link.group(1)}"
        assert {k: tags(resource).get(k) for k in ("service", "severity", "env")} == {
            "service": match["service"], "severity": match["severity"], "env": "prod"}, name


def test_only_service_critical_composites_page_each_resolves_and_maintenance_holds_people(synth):
    for name, resource in monitoring_alarms(synth).items():
        props = resource["Properties"]
        pages = "critical" in topic_kinds(props.get("AlarmActions", []))
        if resource["Type"] == "AWS::CloudWatch::Alarm":
            assert topic_kinds(props.get("AlarmActions", [])) <= {"info"}, f"{name} notifies beyond info"
            continue
        if pages:
            assert name.endswith("-service-Critical-critical"), name
            assert "critical" in topic_kinds(props.get("OKActions", [])), f"{name} has no OK action"
        if topic_kinds(props.get("AlarmActions", [])) & {"critical", "warning"}:
            assert "ActionsSuppressor" in props, f"{name} reaches people but the maintenance switch cannot hold it"
            assert props["ActionsSuppressorExtensionPeriod"] <= 120, f"{name} releases a held page too late"


def test_no_orphans_every_alarm_acts_or_feeds_a_composite_that_acts(synth):
    for stack, template in synth.templates("prod").items():
        if "-Monitoring-" not in stack:
            continue
        resources = template["Resources"]
        fed_by: dict[str, list[str]] = {}
        for logical_id, resource in resources.items():
            if resource["Type"] == "AWS::CloudWatch::CompositeAlarm":
                for child in rule_children(resource["Properties"]["AlarmRule"]):
                    fed_by.setdefault(child, []).append(logical_id)

        def acts(logical_id: str, seen=()) -> bool:
            props = resources[logical_id]["Properties"]
            if resources[logical_id]["Type"] == "AWS::CloudWatch::CompositeAlarm" and props.get("AlarmActions"):
                return True
            return any(acts(parent, seen + (logical_id,)) for parent in fed_by.get(logical_id, ())
                       if parent not in seen)

        for logical_id, resource in resources.items():
            if resource["Type"] not in ALARM_TYPES:
                continue
            if re.search(r"-part\d+-", resource["Properties"]["AlarmName"]) and not fed_by.get(logical_id):
                continue  # a part's rollup feeds the service stack's composites (test_monitoring_scale checks it)
            assert acts(logical_id), f"{stack}/{logical_id} neither acts nor feeds a composite that acts"


def test_the_critical_composite_references_exactly_the_services_critical_alarms(synth):
    template = synth.templates("prod")["watchtower-prod-Monitoring-payments"]
    resources = template["Resources"]
    resource_alarms = {logical_id: r for logical_id, r in resources.items() if r["Type"] == "AWS::CloudWatch::Alarm"
                       and "-slo-" not in r["Properties"]["AlarmName"]}  # SLO windows feed their own composites
    critical = {logical_id for logical_id, r in resource_alarms.items() if tags(r)["severity"] == "critical"}
    warning = {logical_id for logical_id, r in resource_alarms.items() if tags(r)["severity"] == "warning"}
    composites = {r["Properties"]["AlarmName"]: r for r in resources.values()
                  if r["Type"] == "AWS::CloudWatch::CompositeAlarm"}
    critical_rule = composites["watchtower-prod-payments-service-Critical-critical"]["Properties"]["AlarmRule"]
    warning_rule = composites["watchtower-prod-payments-service-Warning-warning"]["Properties"]["AlarmRule"]
    slo_pages = {logical_id for logical_id, r in resources.items() if r["Properties"].get("AlarmName", "").endswith(
        "-SloPage-critical")}
    assert len(slo_pages) == 2  # availability and latency
    # API 4, functions 2 x 4, table 1, and the SLO pages: one paging composite per service
    assert set(rule_children(critical_rule)) == critical | slo_pages and len(critical) == 13
    assert set(rule_children(warning_rule)) == warning
    health = composites["watchtower-prod-payments-service-Health-info"]["Properties"]
    health_children = {resources[c]["Properties"]["AlarmName"] for c in rule_children(health["AlarmRule"])}
    assert health_children >= {"watchtower-prod-payments-service-Critical-critical",
                               "watchtower-prod-payments-service-Warning-warning"}


def test_scheduled_maintenance_mutes_everything_of_the_service_that_reaches_people(synth):
    template = synth.templates("prod")["watchtower-prod-Monitoring-orders"]
    rules = [r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::CloudWatch::AlarmMuteRule"]
    assert len(rules) == 1
    rule = rules[0]
    assert rule["Rule"]["Schedule"] == {"Duration": "PT1H", "Expression": "cron(0 2 * * SUN)", "Timezone": "UTC"}
    targets = {template["Resources"][t["Ref"]]["Properties"]["AlarmName"] for t in rule["MuteTargets"]["AlarmNames"]}
    assert targets == {"watchtower-prod-orders-service-Critical-critical",
                       "watchtower-prod-orders-service-Warning-warning",
                       "watchtower-prod-orders-slo-availability-SloTicket-warning",
                       "watchtower-prod-orders-slo-latency-SloTicket-warning"}
    # and nothing else of the service notifies people: every composite with a critical or warning action is muted
    acting = {r["Properties"]["AlarmName"] for r in template["Resources"].values()
              if r["Type"] == "AWS::CloudWatch::CompositeAlarm"
              and topic_kinds(r["Properties"].get("AlarmActions", [])) & {"critical", "warning"}}
    assert acting == targets


def test_the_manual_maintenance_switch_keeps_a_state_set_by_hand(synth):
    alarm = monitoring_alarms(synth)["watchtower-prod-all-maintenance-Maintenance-info"]["Properties"]
    assert alarm["TreatMissingData"] == "ignore"
    assert not alarm.get("AlarmActions")


@pytest.mark.parametrize("env", ("dev", "staging", "prod"))
def test_every_alarm_and_composite_is_within_cloudwatch_limits(synth, env):
    longest_arn_prefix = len("arn:aws-us-gov:cloudwatch:ap-southeast-5:123456789012:alarm:")
    for stack, template in synth.templates(env).items():
        resources = template["Resources"]
        for logical_id, resource in resources.items():
            if resource["Type"] not in ALARM_TYPES:
                continue
            props, where = resource["Properties"], f"{stack}/{logical_id}"
            assert len(props.get("AlarmName", "")) <= 255, where
            assert len(props.get("AlarmDescription", "")) <= 1024, where
            for key in ("AlarmActions", "OKActions", "InsufficientDataActions"):
                assert len(props.get(key, [])) <= 5, f"{where}: more than 5 {key}"
            if resource["Type"] != "AWS::CloudWatch::CompositeAlarm":
                continue
            rule = props["AlarmRule"]
            parts = rule["Fn::Join"][1] if isinstance(rule, dict) else [rule]
            children = [p for p in parts if isinstance(p, dict)]
            assert len(children) <= 100, where
            names = [resources[c["Fn::GetAtt"][0]]["Properties"]["AlarmName"]
                     if "Fn::GetAtt" in c and isinstance(resources[c["Fn::GetAtt"][0]]["Properties"].get("AlarmName"), str)
                     else "x" * 255 for c in children]
            length = sum(len(p) for p in parts if isinstance(p, str)) + sum(longest_arn_prefix + len(n) for n in names)
            assert length <= 10_240, f"{where}: rule may resolve to {length} characters"


@pytest.mark.parametrize(("env", "service", "log_stacks"), [
    ("prod", "orders", {"watchtower-prod-Logs"}),
    ("dev", "demo", {"watchtower-dev-Logs", "watchtower-dev-DemoService"}),
])
def test_monitoring_deploys_after_the_stacks_that_create_the_log_groups_its_filters_need(synth, env, service,
                                                                                         log_stacks):
    import json

    manifest = json.loads((synth.result(env).outdir / "manifest.json").read_text())
    dependencies = set(manifest["artifacts"][f"watchtower-{env}-Monitoring-{service}"].get("dependencies", []))
    assert log_stacks <= dependencies


def test_maintenance_holds_everything_of_a_service_that_reaches_people_in_every_region(synth):
    # GIVEN prod, where orders has a weekly window and a canary in a second region
    cfg = synth.app_config("prod")
    windowed = {s.name for s in cfg.services if s.maintenance_windows}
    assert windowed == {"orders"}
    checked = 0
    for stack, template in synth.templates("prod").items():
        resources = template["Resources"]
        muted = {t["Ref"] for r in resources.values() if r["Type"] == "AWS::CloudWatch::AlarmMuteRule"
                 for t in r["Properties"]["MuteTargets"]["AlarmNames"]}
        for logical_id, resource in resources.items():
            if resource["Type"] not in ALARM_TYPES or tags(resource).get("service") not in windowed:
                continue
            props = resource["Properties"]
            actions = props.get("AlarmActions", []) + props.get("OKActions", [])
            if not actions or topic_kinds(actions) == {"info"}:
                continue  # feeds a composite, or chat only
            # THEN whatever reaches people is a composite the switch holds and the scheduled window mutes
            where = f"{stack}/{props['AlarmName']}"
            assert resource["Type"] == "AWS::CloudWatch::CompositeAlarm", f"{where} notifies people directly"
            assert "ActionsSuppressor" in props, f"{where} is not held by the maintenance switch"
            assert logical_id in muted, f"{where} is not muted by the service's maintenance window"
            checked += 1
    # service Critical + Warning + 2 SLO tickets at home, the canary composite in us-east-1
    assert checked == 5
