"""A whole organization environment (tests/fixtures/organization/org.yaml: a monitoring account, three source
accounts, two regions), synthesized once: sink and links per region, cdk-nag and cfn-lint clean."""
from __future__ import annotations

import json
import re
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


def alarms_of(template: dict) -> list[dict]:
    return [r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::CloudWatch::Alarm"]


@pytest.mark.parametrize("service, account_id", [("checkout", "222222222222"), ("ledger", "333333333333"),
                                                 ("reports", "444444444444")])
def test_every_metric_query_of_a_source_account_service_names_its_account(org, service, account_id):
    # GIVEN a service that runs in a source account
    template = org.templates[f"watchtower-org-Monitoring-{service}"]
    alarms = alarms_of(template)
    assert alarms
    for alarm in alarms:
        # THEN every alarm reads metrics through queries, and every metric query names the source account
        assert "MetricName" not in alarm, alarm["AlarmName"]
        stats = [q for q in alarm["Metrics"] if "MetricStat" in q]
        assert stats and all(q["AccountId"] == account_id for q in stats), alarm["AlarmName"]
    # math alarms included: at least one alarm combines several metrics, all of them in the source account
    assert any(len([q for q in a["Metrics"] if "MetricStat" in q]) > 1 for a in alarms)
    for slo in (r["Properties"] for r in template["Resources"].values()
                if r["Type"] == "AWS::ApplicationSignals::ServiceLevelObjective"):
        assert json.dumps(slo).count('"MetricStat"') == json.dumps(slo).count(f'"AccountId": "{account_id}"')


def test_names_carry_the_account_only_for_services_that_set_one(org):
    names = {a["AlarmName"] for t in org.templates.values() for a in alarms_of(t)}
    names |= {r["Properties"]["AlarmName"] for t in org.templates.values() for r in t["Resources"].values()
              if r["Type"] == "AWS::CloudWatch::CompositeAlarm"}
    assert "watchtower-org-shop-checkout-service-Critical-critical" in names
    assert "watchtower-org-legacy-reports-service-Critical-critical" in names
    # a service of the monitoring account keeps exactly the name it has without an organization
    assert "watchtower-org-status-service-Critical-critical" in names
    status = alarms_of(org.templates["watchtower-org-Monitoring-status"])
    assert all("AccountId" not in json.dumps(a) for a in status)


def test_a_service_of_another_region_is_alarmed_in_that_region_held_by_that_regions_switch(org):
    manifest = json.loads((org.outdir / "manifest.json").read_text())
    env = {n: a["environment"] for n, a in manifest["artifacts"].items() if a["type"] == "aws:cloudformation:stack"}
    assert env["watchtower-org-Monitoring-ledger"] == "aws://111111111111/us-east-1"
    assert env["watchtower-org-Monitoring-checkout"] == "aws://111111111111/eu-west-1"
    template = org.templates["watchtower-org-Monitoring-ledger"]
    suppressors = {r["Properties"].get("ActionsSuppressor") for r in template["Resources"].values()
                   if r["Type"] == "AWS::CloudWatch::CompositeAlarm"} - {None}
    assert suppressors == {"arn:aws:cloudwatch:us-east-1:111111111111:alarm:"
                           "watchtower-org-all-maintenance-us-east-1-Maintenance-info"}
    # and that switch exists in that region, in its Alerting stack
    switch = alarms_of(org.templates["watchtower-org-Alerting-us-east-1"])
    assert [a["AlarmName"] for a in switch if "maintenance" in a["AlarmName"]] == [
        "watchtower-org-all-maintenance-us-east-1-Maintenance-info"]


def test_nothing_of_a_source_account_service_is_created_in_the_monitoring_accounts_logs(org):
    # Its log groups live in its own account: no log group, filter or ErrorLogs alarm for it here.
    logs = json.dumps(org.templates.get("watchtower-org-Logs", {}))
    for function in ("checkout-handler", "ledger-writer", "reports-builder"):
        assert function not in logs
    assert "status-page" in logs
    assert not any("ErrorLogs" in a["AlarmName"] for a in alarms_of(org.templates["watchtower-org-Monitoring-checkout"]))


@pytest.mark.parametrize("concern, region", [("Organization", "eu-west-1"), ("Organization-us-east-1", "us-east-1")])
def test_fleet_alarms_query_every_linked_account_per_region_and_name_the_contributor(org, concern, region):
    alarms = {a["AlarmName"]: a for a in alarms_of(org.templates[f"watchtower-org-{concern}"])
              if "-fleet-" in a["AlarmName"]}
    # GIVEN fleet alarms on (three families) THEN each region has its three query alarms, notifying its own topic
    assert sorted(alarms) == [f"watchtower-org-fleet-{k}-warning" for k in
                              ("api-5xx", "lambda-errors", "lambda-throttles")]
    errors = alarms["watchtower-org-fleet-lambda-errors-warning"]
    (query,) = errors["Metrics"]
    assert query["Expression"].startswith('SELECT SUM(Errors) FROM SCHEMA("AWS/Lambda", FunctionName)')
    assert "GROUP BY AWS.AccountId, FunctionName" in query["Expression"]  # one contributor per account and function
    assert "AccountId" not in query  # a query spans every linked account; AccountId would pin one
    topic = "watchtower-org-alerts-warning" if region == "eu-west-1" else f"watchtower-org-alerts-{region}-warning"
    assert json.dumps(errors["AlarmActions"]).count(topic) == 1
    # AND every query keeps to the documented grammar: GROUP BY and ORDER BY for contributors, LIMIT <= 500, and
    # no WHERE (Metrics Insights matches labels only with = and !=)
    for alarm in alarms.values():
        (query,) = alarm["Metrics"]
        assert re.fullmatch(r'SELECT (SUM|MAX)\(\w+\) FROM SCHEMA\("AWS/\w+", \w+\) GROUP BY AWS\.AccountId, \w+ '
                            r"ORDER BY (SUM|MAX)\(\) DESC LIMIT 500", query["Expression"]), query["Expression"]
        assert query["Period"] * alarm["EvaluationPeriods"] <= 3 * 3600  # only the last 3 hours are evaluated


def test_fleet_alarms_are_priced_per_metric_analyzed(org):
    from stacks.organization.fleet import METRICS_ANALYZED_KEY as written
    from tools.cost_estimate.estimate import estimate
    from tools.cost_estimate.fleet import METRICS_ANALYZED_KEY

    assert written == METRICS_ANALYZED_KEY  # the estimate reads what the stacks write
    bill = estimate(org.templates, org.cfg.cost.estimate)
    lines = [line for line in bill.lines if "Metrics Insights" in line.usage.item]
    # 3 families x 2 regions x 100 metrics analyzed (the config's estimate) at $0.10
    assert len(lines) == 1 and lines[0].usage.quantity == 600 and lines[0].cost == 60
    # and the query alarms are not also counted as metric-math alarms
    without = estimate({n: t for n, t in org.templates.items() if "Organization" not in n}, org.cfg.cost.estimate)
    math = {line.usage.item: line.usage.quantity for line in bill.lines}
    math_without = {line.usage.item: line.usage.quantity for line in without.lines}
    assert math.get("Alarms: math", 0) == math_without.get("Alarms: math", 0)
    assert math.get("Alarms: standard", 0) == math_without.get("Alarms: standard", 0)


def test_every_alarm_of_the_other_region_notifies_that_regions_topics_which_reach_the_router(org):
    template = json.dumps(org.templates["watchtower-org-Monitoring-ledger"])
    assert "watchtower-org-alerts-us-east-1-" in template
    for severity in ("critical", "warning", "info"):
        assert f"watchtower-org-alerts-{severity}" not in template  # no home-region topic from us-east-1
    # the region's topics are subscribed by the one router (a Lambda in the home region)
    subscriptions = resources(org.templates["watchtower-org-Alerting-us-east-1"], "AWS::SNS::Subscription")
    to_router = [s for s in subscriptions if s["Properties"]["Protocol"] == "lambda"]
    assert len(to_router) >= 3
    assert all("eu-west-1" in json.dumps(s["Properties"]["Endpoint"]) for s in to_router)


def test_the_plan_and_the_templates_agree_alarm_for_alarm_across_accounts_and_regions(org):
    # GIVEN services in three source accounts and two regions, and the plan of the same config
    from plan.agreement import PLANNED_STACKS, alarms_of_plan, alarms_of_templates, differences
    from plan.build import plan_environment

    deployed = alarms_of_templates(t for name, t in org.templates.items() if PLANNED_STACKS.search(name))
    planned = alarms_of_plan(plan_environment(org.cfg))
    # THEN names, thresholds, windows and actions agree, including the other region's topics and switch
    assert len(deployed) > 100
    assert differences(planned, deployed) == []
    ledger = planned["watchtower-org-payments-ledger-service-Critical-critical"]
    assert ledger["actions"] == ["watchtower-org-alerts-us-east-1-critical"]
    assert ledger["suppressor"] == "watchtower-org-all-maintenance-us-east-1-Maintenance-info"


def test_application_signals_slos_carry_the_account_and_are_named_as_the_plan_says(org):
    from plan.build import plan_environment

    deployed = {r["Properties"]["Name"] for t in org.templates.values() for r in t["Resources"].values()
                if r["Type"] == "AWS::ApplicationSignals::ServiceLevelObjective"}
    planned = {s.native_name for s in plan_environment(org.cfg).slos}
    assert deployed == planned == {"watchtower-org-shop-checkout-availability", "watchtower-org-shop-checkout-latency",
                                   "watchtower-org-payments-ledger-availability"}
    # the SLO dashboard links each to its console page by the same name
    dashboards = json.dumps(org.templates["watchtower-org-Dashboards"])
    assert "application-signals:slo/watchtower-org-shop-checkout-availability" in dashboards


@pytest.mark.parametrize("account, region, services", [("shop", None, ["checkout"]),
                                                        (None, "us-east-1", ["ledger", "reports"])])
def test_make_cost_for_an_account_or_region_adds_up_its_services_only(org, account, region, services):
    from plan.scope import scope_label, scope_services
    from tools.cost_estimate.estimate import estimate_dir, scoped_bill

    # GIVEN the whole bill, split per monitored service
    bill = estimate_dir(org.outdir, "org", cfg=org.cfg)
    # WHEN only one account's (or region's) services are asked for
    chosen = scope_services(org.cfg, account, region)
    assert list(chosen) == services
    part = scoped_bill(bill, chosen, scope_label(account, region))
    # THEN its total is exactly what those services cost, and it says what it left out
    assert part.total == sum(bill.per_service[s].total for s in services)
    assert 0 < part.total < bill.total
    assert list(part.per_service) == services
    left_out = bill.total - part.total
    assert part.notes[0].startswith(f"Only {scope_label(account, region)}: {', '.join(services)}. Left out: ")
    shared = bill.per_service["(shared)"].total
    assert f"(${shared:.2f})" in part.notes[0]
    assert left_out >= shared
    # AND each priced item appears once (the services' lines are added up, not repeated)
    keys = [(line.price.key, line.usage.item) for line in part.lines]
    assert len(keys) == len(set(keys))


def test_make_simulate_for_one_account_runs_every_scenario_on_its_services_only(org, capsys):
    from tools.alarmsim.scenarios.__main__ import main

    config = str(FIXTURES / "org.yaml")
    argv = ["--env", "org", "--config", config, "--templates", str(org.outdir), "--only", "hard-outage",
            "--seeds", "2"]
    # WHEN a hard outage is simulated for the account 'shop' only
    assert main([*argv, "--account", "shop"]) == 0
    captured = capsys.readouterr()
    # THEN only its service is judged (the others' alarms are left out), and the goals are met
    assert "simulate: account shop: " in captured.err
    assert "checkout" in captured.out and "ledger" not in captured.out and "reports" not in captured.out
    # AND an unknown region is one line naming the known ones, with exit 2
    assert main([*argv, "--region", "eu-central-1"]) == 2
    assert "unknown region 'eu-central-1' in org: its services run in eu-west-1, us-east-1" in capsys.readouterr().err


def test_every_alarm_of_the_organization_is_within_service_limits(org):
    # Metric-math alarms take at most 10 metrics and return one series; periods and windows as PutMetricAlarm
    # allows (the same check the shipped environments pass).
    from tests.infra.test_alarm_limits import limit_problems

    alarms = [a for t in org.templates.values() for a in alarms_of(t)]
    assert len(alarms) > 100
    bad = {a["AlarmName"]: p for a in alarms if (p := limit_problems(a)) and "ThresholdMetricId" not in a}
    assert not bad, bad
