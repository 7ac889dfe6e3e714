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


def test_a_size_that_does_not_synthesize_is_reported_and_the_bench_steps_down_to_one_that_does(monkeypatch):
    # GIVEN a synth that fails (as the dashboards' budget check does) above 4 accounts; the real limit check reads
    # the templates it writes
    import tools.bench.bench_organization as bench

    def synth(env, config_dir, out, timeout=None):
        accounts = len(yaml.safe_load((config_dir / "orgbench.yaml").read_text())["organization"]["accounts"]) \
            if config_dir else 0
        if accounts > 4:
            raise RuntimeError(f"synth of {env} failed after 1 s: DashboardLimitError: body over budget")
        out.mkdir(parents=True)
        (out / f"{env}-A.template.json").write_text(json.dumps({"Resources": {"R": {"Type": "AWS::SNS::Topic"}}}))
        return 2.0, 1.5

    monkeypatch.setattr(bench, "_synth", synth)
    monkeypatch.setenv("WATCHTOWER_BENCH_ORG", "16,10,2")
    # WHEN the bench runs
    section = bench.run()
    # THEN it ran the largest size that synthesized and names each larger one with its reason
    assert section.data["size"]["accounts"] == 4 and section.data["requested"]["accounts"] == 16
    assert [line.split(":")[0] for line in section.data["not_run"]] == ["16 x 10 x 2", "8 x 10 x 2"]
    assert "DashboardLimitError" in section.markdown and "4 accounts x 10 services x 2 regions" in section.markdown
    assert section.data["organization"]["stacks"] == 1 and section.data["ratio"] == 1.0
