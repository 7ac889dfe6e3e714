"""A service declared by its template and its deployed stack (``stack:``): the resources keyed by ids made at
deploy get their alarms, whose dimensions CloudFormation resolves from a DescribeStackResource custom resource
(policy scoped to that stack), with alarm names and logical ids that never depend on a token; cfn-lint and
cdk-nag are clean, the plan agrees with the templates, and the simulator keeps every resource apart."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from config.loader import CONFIG_DIR, load_config
from plan.agreement import PLANNED_STACKS, alarms_of_plan, alarms_of_templates, differences
from plan.build import plan_environment
from tests.synth import synthesize
from tools.alarmsim.template import alarms_from_templates

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = "tests/fixtures/service_templates/DeployTime.template.yaml"
STACK = "dt-staging"
HOME, PINNED = "watchtower-staging-Monitoring-dt", "watchtower-staging-Monitoring-dt-us-east-1"
# logical id -> (the dimension the alarms key it by, how the key derives from the physical id: (separator,
# index) of Fn::Select over Fn::Split, None for the physical id itself). Lambda Insights names the function
# function_name.
KEYED_AT_DEPLOY = {
    "Handler": ("FunctionName|function_name", None), "Http": ("ApiId", None), "Ledger": ("TableName", None),
    "Jobs": ("QueueName", ("/", 4)), "Alerts": ("TopicName", (":", 5)), "Graph": ("GraphQLAPIId", ("/", 1)),
    "Chat": ("ApiId", None), "Edge": ("LoadBalancer", ("loadbalancer/", 1)),
    "HandlerTargets": ("TargetGroup", (":", 5)), "Cdn": ("DistributionId", None),
}


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    """staging plus the service read from its template and deployed stack, synthesized once."""
    data = yaml.safe_load((CONFIG_DIR / "staging.yaml").read_text())
    data["services"].append({"name": "dt", "template": TEMPLATE, "stack": STACK})
    config_dir = tmp_path_factory.mktemp("config")
    (config_dir / "staging.yaml").write_text(yaml.safe_dump(data))
    cfg = load_config("staging", config_dir)
    return synthesize("staging", tmp_path_factory.mktemp("deploy-time-out"), cfg)


def _reads(result) -> dict[str, tuple[str, dict, dict]]:
    """Every DescribeStackResource custom resource: logical id -> (stack, its Create call, its resource)."""
    found = {}
    for stack in (HOME, PINNED):
        for logical, resource in result.templates[stack]["Resources"].items():
            if resource["Type"] == "Custom::AWS":
                found[logical] = (stack, json.loads(resource["Properties"]["Create"]), resource)
    return found


def _dimension_values(result, stack: str) -> list[tuple[str, str, object]]:
    """(alarm name, dimension name, value) of every alarm metric of ``stack``."""
    values = []
    for resource in result.templates[stack]["Resources"].values():
        if resource["Type"] != "AWS::CloudWatch::Alarm":
            continue
        props = resource["Properties"]
        metrics = [props] + [q["MetricStat"]["Metric"] for q in props.get("Metrics", ()) if "MetricStat" in q]
        for metric in metrics:
            for dimension in metric.get("Dimensions", ()):
                values.append((props["AlarmName"], dimension["Name"], dimension["Value"]))
    return values


def test_it_synthesizes_with_cdk_nag_and_cfn_lint_clean(deployed):
    assert deployed.error is None, deployed.error
    violations = [f"{v['ruleName']} at {c['constructPath']}" for plugin in deployed.validation_report["pluginReports"]
                  for v in plugin["violations"] for c in v["violatingConstructs"]]
    assert not violations, violations
    cfn_lint = str(Path(sys.executable).parent / "cfn-lint")
    paths = [str(deployed.template_paths[s]) for s in (HOME, PINNED, "watchtower-staging-Logs")]
    done = subprocess.run([cfn_lint, "--config-file", str(ROOT / ".cfnlintrc.yaml"), "--format", "parseable",
                           *paths], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_one_read_per_resource_of_the_service_stack_in_its_region(deployed):
    reads = _reads(deployed)
    read_ids = sorted(call["parameters"]["LogicalResourceId"] for _, call, _ in reads.values())
    assert read_ids == sorted(KEYED_AT_DEPLOY)
    for stack, call, _ in reads.values():
        assert (call["service"], call["action"], call["parameters"]["StackName"], call["region"]) == (
            "CloudFormation", "describeStackResource", STACK, "eu-west-1")
    # the distribution's alarms live in us-east-1, and still read the service's stack in its own region
    assert [c["parameters"]["LogicalResourceId"] for s, c, _ in reads.values() if s == PINNED] == ["Cdn"]


def test_each_read_may_only_describe_the_service_stack(deployed):
    for stack in (HOME, PINNED):
        resources = deployed.templates[stack]["Resources"]
        policies = [r for k, r in resources.items() if r["Type"] == "AWS::IAM::Policy" and "DeployTimeIds" in k]
        assert policies, stack
        for policy in policies:
            (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
            assert statement["Action"] == "cloudformation:DescribeStackResource"
            resource = statement["Resource"]["Fn::Join"][1]
            assert resource[0] == "arn:" and resource[-1] == f":stack/{STACK}/*", resource
            assert ":cloudformation:eu-west-1:" in resource


def test_dimensions_derive_the_metric_key_from_the_physical_id(deployed):
    reads = {call["parameters"]["LogicalResourceId"]: logical for logical, (_, call, _) in _reads(deployed).items()}
    seen: dict[str, set] = {}
    for stack in (HOME, PINNED):
        for alarm, dimension, value in _dimension_values(deployed, stack):
            if "DeployTimeIds" not in json.dumps(value):
                continue  # a literal, or the stack's own partition, region and account
            if "Fn::Select" in value:
                index, (split,) = value["Fn::Select"][0], [value["Fn::Select"][1]["Fn::Split"]]
                derivation, attribute = (split[0], index), split[1]["Fn::GetAtt"]
            else:
                derivation, attribute = None, value["Fn::GetAtt"]
            assert attribute[1] == "StackResourceDetail.PhysicalResourceId", alarm
            logical = next(k for k, cr in reads.items() if cr == attribute[0])
            names, expected = KEYED_AT_DEPLOY[logical]
            assert dimension in names.split("|") and derivation == expected, (alarm, dimension, value)
            seen.setdefault(logical, set()).add(alarm)
    assert set(seen) == set(KEYED_AT_DEPLOY)


def test_alarm_names_and_logical_ids_do_not_depend_on_a_deploy(deployed):
    for stack in (HOME, PINNED):
        for logical, resource in deployed.templates[stack]["Resources"].items():
            assert "Token" not in logical
            if resource["Type"] in ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm"):
                assert isinstance(resource["Properties"]["AlarmName"], str), logical
    names = {r["Properties"]["AlarmName"] for s in (HOME, PINNED)
             for r in deployed.templates[s]["Resources"].values() if r["Type"] == "AWS::CloudWatch::Alarm"}
    for label in ("Handler", "dt-http", "Ledger", "Jobs", "Alerts", "dt-graph", "dt-chat", "Edge", "Cdn"):
        assert any(f"-dt-{label}-" in n for n in names), label


def test_the_plan_agrees_and_log_features_leave_the_unnamed_log_group_out(deployed):
    planned = alarms_of_plan(plan_environment(deployed.cfg))
    templates = [t for name, t in deployed.templates.items() if PLANNED_STACKS.search(name)]
    assert differences(planned, alarms_of_templates(templates)) == []
    assert "/aws/lambda/Handler" not in json.dumps(deployed.templates["watchtower-staging-Logs"])


def test_the_simulator_reads_every_alarm_and_keeps_each_resource_apart(deployed):
    alarm_set = alarms_from_templates({s: deployed.templates[s] for s in (HOME, PINNED)})
    assert alarm_set.warnings == []
    keys_of: dict[str, set] = {}
    for alarm in alarm_set.metric_alarms:
        for stat in alarm.metrics():
            for name, value in stat.key.dimensions:
                if "DeployTimeIds" in value:
                    keys_of.setdefault(value, set()).add(name)
    # one distinct key per resource read at deploy (the target group's and the balancer's apart)
    assert len(keys_of) == len(KEYED_AT_DEPLOY)


def test_a_native_slo_on_a_source_keyed_at_deploy_reads_it_from_the_stack():
    # GIVEN a service whose SLO is measured on an HTTP API whose ApiId is made at deploy
    from aws_cdk import App, Stack
    from aws_cdk.assertions import Template

    from config.services import ServiceConfig
    from plan.discovery import service_resources
    from stacks.slo.native import NativeSlos

    service = ServiceConfig(name="dt", template=TEMPLATE, stack=STACK, slo={"source": "dt-http"})
    stack = Stack(App(), "Slo")
    # WHEN its Application Signals SLOs are built
    NativeSlos(stack, "Native", cfg=load_config("staging"), service=service, resources=service_resources(service))
    slos = Template.from_stack(stack).find_resources("AWS::ApplicationSignals::ServiceLevelObjective")
    # THEN every SLI query keys the API by the id read at deploy, never by its label
    dimensions = [d for slo in slos.values() for q in slo["Properties"]["RequestBasedSli"]["RequestBasedSliMetric"]
                  ["TotalRequestCountMetric"] for d in q["MetricStat"]["Metric"]["Dimensions"] if d["Name"] == "ApiId"]
    assert dimensions and all(d["Value"]["Fn::GetAtt"][1] == "StackResourceDetail.PhysicalResourceId"
                              for d in dimensions)


def test_a_spec_read_at_deploy_becomes_this_stacks_token_and_others_stay_shared():
    from aws_cdk import App, Stack, Token

    from plan.deploy_time import deploy_time_name
    from plan.signals import math, metric
    from stacks.monitoring.deploy_ids import resolve_spec

    stack = Stack(App(), "Alarms")
    literal = metric("AWS/Lambda", "Invocations", {"FunctionName": "dt-worker"}, "Sum", 60)
    read = metric("AWS/Lambda", "Errors", {"FunctionName": deploy_time_name("AWS::Lambda::Function", STACK, "Fn")},
                  "Sum", 60)
    resolved = resolve_spec(stack, math("bad / requests", {"bad": read, "requests": literal}, 60))
    (_, bad), (_, requests) = resolved.using
    assert Token.is_unresolved(bad.dimensions[0][1]) and requests is literal
    assert resolve_spec(stack, literal) is literal


def test_a_stack_pinned_to_a_region_needs_the_home_region_in_one_line():
    # GIVEN an environment without a region WHEN a key is rendered in a stack pinned to us-east-1
    from aws_cdk import App, Environment, Stack

    from plan.deploy_time import deploy_time_name
    from stacks.monitoring.deploy_ids import DeployTimeError, resolve_key

    pinned = Stack(App(), "Pinned", env=Environment(region="us-east-1"))
    name = deploy_time_name("AWS::CloudFront::Distribution", STACK, "Cdn")
    # THEN it cannot guess where the service's stack is, and says what to set
    with pytest.raises(DeployTimeError, match="the environment names no region: give the environment"):
        resolve_key(pinned, name, None)
    # AND with the home region it reads the service's stack there
    assert resolve_key(pinned, name, "eu-west-1") is not None


def test_the_router_queries_no_log_group_named_at_deploy(deployed):
    from stacks.routing.router import log_line_groups

    assert "/aws/lambda/Handler" not in log_line_groups(deployed.cfg)
    assert "/aws/lambda/dt-worker" in log_line_groups(deployed.cfg)


def test_the_dashboards_graph_the_keys_read_at_deploy_not_their_labels(deployed):
    # GIVEN the dashboards of the service whose resources are keyed at deploy
    dashboards = {name: t for name, t in deployed.templates.items() if "-Dashboards" in name}
    assert dashboards
    for name, template in dashboards.items():
        resources = template["Resources"]
        reads = [r for r in resources.values() if r["Type"] == "Custom::AWS"]
        # WHEN a body's literal pieces are joined (the read keys are Fn::GetAtt pieces between them)
        bodies = []
        for r in resources.values():
            if r["Type"] == "AWS::CloudWatch::Dashboard":
                body = r["Properties"]["DashboardBody"]
                bodies.append(body if isinstance(body, str) else
                              "".join(p for p in body["Fn::Join"][1] if isinstance(p, str)))
        text = "".join(bodies)
        # THEN no metric is keyed by a label (the logical id), which would graph nothing, and each read this
        # stack makes may only describe the service's stack
        for logical in KEYED_AT_DEPLOY:
            for dimension in KEYED_AT_DEPLOY[logical][0].split("|"):
                assert f'"{dimension}","{logical}"' not in text, (name, dimension, logical)
        assert reads, name
        for read in reads:
            assert json.loads(read["Properties"]["Create"])["parameters"]["StackName"] == STACK
