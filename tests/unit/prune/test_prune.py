"""`make prune` against moto CloudFormation: it finds the stack of a service removed from config (and nothing
of another app or environment), and deletes it only after confirmation."""
from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from tools.prune import expected_stacks, main

HOME, EXTRA = "eu-west-1", "us-east-1"
TAG = "watchtower:app-env"
TEMPLATE = json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}})


def _deploy(name: str, region: str, tag_value: str | None = "watchtower/prod") -> None:
    tags = [{"Key": TAG, "Value": tag_value}] if tag_value else []
    boto3.client("cloudformation", region_name=region).create_stack(StackName=name, TemplateBody=TEMPLATE,
                                                                     Tags=tags + [{"Key": "Project", "Value": "x"}])


def _deployed(region: str) -> set[str]:
    stacks = boto3.client("cloudformation", region_name=region).describe_stacks()["Stacks"]
    return {s["StackName"] for s in stacks if s["StackStatus"] != "DELETE_COMPLETE"}


def _clients(service, region):
    return boto3.client(service, region_name=region)


@pytest.fixture
def account(synth):
    """prod as the assembly has it, deployed, plus the stack of a service config no longer lists ('legacy'),
    and look-alikes that are not this app's or this environment's."""
    assembly = synth.result("prod").outdir
    with mock_aws():
        for region, names in expected_stacks(assembly, HOME).items():
            for name in names:
                _deploy(name, region)
        _deploy("watchtower-prod-Monitoring-legacy", HOME)                  # removed from config: an orphan
        _deploy("watchtower-prod-Shared", HOME, tag_value=None)             # same prefix, not made by this app
        _deploy("watchtower-prod-Imported", HOME, tag_value="watchtower/staging")  # tag of another environment
        _deploy("watchtower-staging-Monitoring-legacy", HOME, tag_value="watchtower/staging")
        yield assembly


def test_the_removed_service_stack_is_listed_and_nothing_else(account, capsys):
    # WHEN prune lists prod's orphans
    code = main(["prod", "--assembly", str(account)], clients=_clients)
    # THEN only the removed service's stack is listed, and exit 1 says something is left to prune
    assert code == 1
    assert capsys.readouterr().out.splitlines() == [f"{HOME} watchtower-prod-Monitoring-legacy (CREATE_COMPLETE)"]
    assert "watchtower-prod-Monitoring-legacy" in _deployed(HOME)  # listing deletes nothing


def test_it_deletes_after_the_environment_name_is_typed(account):
    before = _deployed(HOME) | _deployed(EXTRA)
    asked = []
    code = main(["prod", "--assembly", str(account), "--delete"], clients=_clients,
                confirm=lambda prompt: asked.append(prompt) or "prod")
    assert code == 0 and "Delete these 1 stack(s)?" in asked[0]
    assert _deployed(HOME) | _deployed(EXTRA) == before - {"watchtower-prod-Monitoring-legacy"}


def test_a_wrong_answer_deletes_nothing(account):
    before = _deployed(HOME)
    assert main(["prod", "--assembly", str(account), "--delete"], clients=_clients, confirm=lambda _: "y") == 1
    assert _deployed(HOME) == before


def test_a_region_config_no_longer_uses_is_searched_when_named(account, capsys):
    _deploy("watchtower-prod-Synthetics-us-west-2", "us-west-2")  # an extra canary region that was dropped
    assert main(["prod", "--assembly", str(account)], clients=_clients) == 1
    assert "us-west-2" not in capsys.readouterr().out
    assert main(["prod", "--assembly", str(account), "--region", "us-west-2"], clients=_clients) == 1
    assert "us-west-2 watchtower-prod-Synthetics-us-west-2 (CREATE_COMPLETE)" in capsys.readouterr().out


def test_deploy_only_warns(account, capsys):
    assert main(["prod", "--assembly", str(account), "--warn"], clients=_clients) == 0
    err = capsys.readouterr().err
    assert "warning: eu-west-1 watchtower-prod-Monitoring-legacy" in err and "make prune ENV=prod" in err
    assert "watchtower-prod-Monitoring-legacy" in _deployed(HOME)


def test_a_complete_deployment_has_no_orphans(synth, capsys):
    assembly = synth.result("prod").outdir
    with mock_aws():
        for region, names in expected_stacks(assembly, HOME).items():
            for name in names:
                _deploy(name, region)
        assert main(["prod", "--assembly", str(assembly)], clients=_clients) == 0
    assert capsys.readouterr().out == ""


def test_stacks_from_before_the_tag_are_found_only_when_asked(account, capsys):
    # GIVEN 'watchtower-prod-Shared' has the prefix and no app tag at all (deployed before the tag existed)
    main(["prod", "--assembly", str(account)], clients=_clients)
    assert "watchtower-prod-Shared" not in capsys.readouterr().out
    assert main(["prod", "--assembly", str(account), "--include-untagged"], clients=_clients) == 1
    listed = capsys.readouterr().out
    # THEN it is listed with the tagged orphan, and the stack tagged for staging still is not
    assert "watchtower-prod-Shared" in listed and "watchtower-prod-Monitoring-legacy" in listed
    assert "watchtower-prod-Imported" not in listed
