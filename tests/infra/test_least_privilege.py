"""Least privilege in every synthesized environment: Resource '*' only where the service requires it (the one
documented list), every AWS service principal on our topics and keys bound to this account, the log archive
undeletable by its delivery role, the router's dead letters on the customer key, nothing reserved unless config
asks, and the demo leaves the account's API Gateway setting alone."""
from __future__ import annotations

import json

import pytest

from stacks.wildcards import RESOURCE_STAR_ACTIONS

ENVIRONMENTS = ("dev", "staging", "prod")
POLICY_TYPES = {"AWS::IAM::Policy", "AWS::IAM::Role", "AWS::IAM::ManagedPolicy", "AWS::SNS::TopicPolicy",
                "AWS::SQS::QueuePolicy", "AWS::S3::BucketPolicy", "AWS::KMS::Key"}


def _statements(resource: dict):
    props = resource.get("Properties", {})
    docs = [props[k] for k in ("PolicyDocument", "KeyPolicy") if k in props]
    docs += [p["PolicyDocument"] for p in props.get("Policies", [])]
    for doc in docs:
        yield from doc.get("Statement", [])


def _listed(value) -> list:
    return value if isinstance(value, list) else [value]


def _every_statement(synth, env):
    for key, resource in _all(synth, env):
        for statement in _statements(resource):
            yield key, resource["Type"], statement


def _all(synth, env):
    for stack, template in synth.templates(env).items():
        for logical_id, resource in template.get("Resources", {}).items():
            if resource.get("Type") in POLICY_TYPES:
                yield f"{stack}/{logical_id}", resource


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_resource_star_only_where_the_service_requires_it(synth, env):
    found = []
    for key, kind, statement in _every_statement(synth, env):
        if statement["Effect"] != "Allow" or "*" not in _listed(statement.get("Resource")):
            continue
        if kind == "AWS::KMS::Key":
            continue  # a key policy's '*' is the key itself (stacks/wildcards.py)
        found += [(key, a) for a in _listed(statement["Action"]) if a not in RESOURCE_STAR_ACTIONS]
    assert found == [], "Resource '*' outside stacks/wildcards.py"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_service_principal_on_topics_and_keys_is_bound_to_this_account(synth, env):
    unbound = []
    for key, kind, statement in _every_statement(synth, env):
        if kind not in ("AWS::SNS::TopicPolicy", "AWS::KMS::Key") or statement["Effect"] != "Allow":
            continue
        if not isinstance(statement.get("Principal"), dict) or "Service" not in statement["Principal"]:
            continue
        source = statement.get("Condition", {}).get("StringEquals", {}).get("aws:SourceAccount")
        if source != {"Ref": "AWS::AccountId"}:
            unbound.append((key, statement["Principal"]["Service"]))
    assert unbound == []


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_alarms_rules_and_budgets_must_also_come_from_this_accounts_resources(synth, env):
    expected = {"cloudwatch.amazonaws.com": ":cloudwatch:", "events.amazonaws.com": ":events:",
                "budgets.amazonaws.com": ":budgets::"}
    for key, kind, statement in _every_statement(synth, env):
        principal = statement.get("Principal")
        service = principal.get("Service") if isinstance(principal, dict) else None
        if kind in ("AWS::SNS::TopicPolicy", "AWS::KMS::Key") and service in expected:
            source_arn = json.dumps(statement["Condition"]["ArnLike"]["aws:SourceArn"])
            assert expected[service] in source_arn and "AWS::AccountId" in source_arn, (key, service)


def test_the_log_archive_cannot_be_deleted_by_its_delivery_role(synth):
    logs = synth.templates("prod")["watchtower-prod-Logs"]["Resources"]
    (role_id,) = [k for k in logs if k.startswith("ArchiveStreamS3DestinationRole") and
                  logs[k]["Type"] == "AWS::IAM::Role"]
    granted = [a for r in logs.values() if r["Type"] == "AWS::IAM::Policy"
               and r["Properties"]["Roles"] == [{"Ref": role_id}] for s in _statements(r) for a in _listed(s["Action"])]
    assert "s3:PutObject" in granted and not [a for a in granted if a.startswith("s3:Delete")]
    (bucket_policy,) = [r for k, r in logs.items() if k.startswith("ArchiveBucketPolicy")]
    denies = [s for s in _statements(bucket_policy) if s["Effect"] == "Deny"
              and s.get("Principal") == {"AWS": {"Fn::GetAtt": [role_id, "Arn"]}}]
    assert denies and {"s3:DeleteObject", "s3:DeleteObjectVersion"} <= set(denies[0]["Action"])


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_router_dead_letters_are_on_the_customer_key(synth, env):
    routing = synth.templates(env)[f"watchtower-{env}-Routing"]
    queues = [r for r in routing["Resources"].values() if r["Type"] == "AWS::SQS::Queue"]
    assert queues  # the DLQ, and the storm-grouping flush queue where grouping is on
    for queue in queues:
        key = queue["Properties"]["KmsMasterKeyId"]
        # the alert key's ARN, read from the SSM parameter the alerting stack writes
        assert routing["Parameters"][key["Ref"]]["Default"] == f"/watchtower/{env}/alerts/key-arn"
        assert "SqsManagedSseEnabled" not in queue["Properties"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_nothing_reserves_concurrency_unless_config_asks(synth, env):
    reserved = {k: f["Properties"]["ReservedConcurrentExecutions"]
                for k, f in synth.result(env).resources("AWS::Lambda::Function").items()
                if "ReservedConcurrentExecutions" in f["Properties"]}
    assert reserved == {}


def test_the_demo_leaves_the_accounts_api_gateway_setting_alone_by_default(synth):
    assert synth.result("dev").cfg.demo_service
    assert synth.result("dev").resources("AWS::ApiGateway::Account") == {}
