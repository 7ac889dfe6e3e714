"""The organization benchmark's inputs: the generated config is a valid organization, and the limit check flags a
template over a CloudFormation per-stack quota."""
from __future__ import annotations

import json

import yaml

from config.loader import load_config
from tools.bench.bench_organization import LIMITS, generated_config, stack_limits


def test_the_generated_organization_loads_with_every_service_placed(tmp_path):
    (tmp_path / "orgbench.yaml").write_text(yaml.safe_dump(generated_config(3, 4, 2)))
    cfg = load_config("orgbench", tmp_path)
    assert len(cfg.services) == 3 * 4 * 2
    assert {s.account for s in cfg.services} == {"acct00", "acct01", "acct02"}
    assert {s.region for s in cfg.services} == {"eu-west-1", "us-east-1"}


def test_a_template_over_a_per_stack_limit_is_reported(tmp_path):
    resources = {f"R{i}": {"Type": "AWS::SNS::Topic"} for i in range(LIMITS["resources"] + 1)}
    (tmp_path / "big.template.json").write_text(json.dumps({"Resources": resources}))
    (tmp_path / "small.template.json").write_text(json.dumps({"Resources": {"R": {"Type": "AWS::SNS::Topic"}}}))
    report = stack_limits(tmp_path)
    assert report["stacks"] == 2 and report["largest"]["resources"] == 501
    assert report["over_limits"] == ["big.template.json: resources 501 > 500"]
