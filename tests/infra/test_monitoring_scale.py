"""An app monitoring 200 functions still synthesizes within CloudFormation's per-template limits.

The config is built in-process (no YAML): one service with 200 functions and an API, so the service has to be
split into part stacks whose rollups feed the service composites.
"""
from __future__ import annotations

import json
import re

import pytest
from aws_cdk import App

from config.loader import load_config
from config.services import ServiceConfig
from stacks.alerting_stack import AlertingStack
from plan.build import MAX_RULE_CHARS
from stacks.monitoring_stack import build_monitoring
from stacks.naming import stack_name

FUNCTIONS = 200
MAX_RESOURCES = 500
MAX_BYTES = 1_000_000  # CloudFormation's limit for a template uploaded through S3
LONGEST_ARN_PREFIX = len("arn:aws-us-gov:cloudwatch:ap-southeast-5:123456789012:alarm:")


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    base = load_config("prod")
    service = ServiceConfig(name="fleet", resources={
        "functions": [{"name": f"fleet-fn-{i:03d}", "timeout_seconds": 30} for i in range(FUNCTIONS)],
        "rest_apis": ["fleet-api"]})
    cfg = base.model_copy(update={"services": (service,)})
    outdir = tmp_path_factory.mktemp("big")
    app = App(outdir=str(outdir))
    alerting = AlertingStack(app, stack_name(cfg, "Alerting"), cfg=cfg)
    env = None

    def props(concern: str) -> dict:
        return {"stack_name": stack_name(cfg, concern), "env": env}

    # cdk-nag is left out here (test_environments runs it on every real environment): this test is about size.
    stacks = build_monitoring(app, cfg, topics=alerting.topics, props=props)
    app.synth()
    templates = {p.name.removesuffix(".template.json"): p for p in outdir.glob("*.template.json")}
    return stacks, templates


def test_every_template_stays_within_cloudformation_limits(big):
    _, templates = big
    monitoring = {name: path for name, path in templates.items() if "-Monitoring-fleet" in name}
    assert len(monitoring) > 1, "200 functions must be split over several stacks"
    for name, path in monitoring.items():
        resources = json.loads(path.read_text())["Resources"]
        assert len(resources) < MAX_RESOURCES, f"{name}: {len(resources)} resources"
        assert path.stat().st_size < MAX_BYTES, f"{name}: {path.stat().st_size} bytes"


def test_all_200_functions_are_alarmed(big):
    stacks, templates = big
    names = set()
    for name, path in templates.items():
        for resource in json.loads(path.read_text())["Resources"].values():
            if resource["Type"] == "AWS::CloudWatch::Alarm":
                names.add(resource["Properties"]["AlarmName"])
    alarmed = {m.group(1) for n in names if (m := re.search(r"-(fleet-fn-\d{3})-ServiceDown-critical$", n))}
    assert len(alarmed) == FUNCTIONS
    refs = stacks["Monitoring-fleet"].alarm_refs
    assert len({r.name for r in refs}) == len(refs) >= FUNCTIONS * 10


# Longest values the pseudo parameters of an ARN built from a name can take.
_LONGEST_PSEUDO = {"AWS::Partition": "aws-us-gov", "AWS::Region": "ap-southeast-5", "AWS::AccountId": "1" * 12}


def _resolved_length(part, resources) -> int:
    """Upper bound of one Fn::Join part once deployed: literal text, a pseudo parameter's longest value, or a
    same-template alarm's ARN."""
    if isinstance(part, str):
        return len(part)
    if "Ref" in part and part["Ref"] in _LONGEST_PSEUDO:
        return len(_LONGEST_PSEUDO[part["Ref"]])
    if "Fn::GetAtt" in part:
        return LONGEST_ARN_PREFIX + len(resources[part["Fn::GetAtt"][0]]["Properties"]["AlarmName"])
    raise AssertionError(f"unexpected part in a composite rule (another stack's export?): {part}")


def test_composite_rules_stay_under_the_child_and_length_limits_and_reach_every_part(big):
    _, templates = big
    part_rollups = set()
    service_rules = ""
    for name, path in templates.items():
        resources = json.loads(path.read_text())["Resources"]
        for resource in resources.values():
            if resource["Type"] != "AWS::CloudWatch::CompositeAlarm":
                continue
            props = resource["Properties"]
            rule = props["AlarmRule"]
            parts = rule["Fn::Join"][1] if isinstance(rule, dict) else [rule]
            text = json.dumps(rule)
            assert text.count("ALARM(") <= 100, props["AlarmName"]
            length = sum(_resolved_length(p, resources) for p in parts)
            assert length <= MAX_RULE_CHARS, f"{props['AlarmName']}: {length} characters"
            if re.search(r"-part\d+-(Critical-critical|Warning-warning)$", props["AlarmName"]):
                part_rollups.add(props["AlarmName"])
            if re.search(r"-fleet-service(-group\d+)?-Critical-critical$", props["AlarmName"]):
                service_rules += text
    assert part_rollups, "expected part rollups"
    critical_parts = {n for n in part_rollups if n.endswith("Critical-critical")}
    # each part's critical rollup is a child of the service's paging composite (or one of its groups), named
    # by its ARN: no export ties the part stack to the service stack
    for part in critical_parts:
        assert f":alarm:{part}" in service_rules, part
    assert "Fn::ImportValue" not in service_rules
