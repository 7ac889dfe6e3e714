"""The alerting backbone, tested as a construct on a bare Stack."""
from __future__ import annotations

import pytest
from aws_cdk import App, Stack
from aws_cdk.assertions import Match, Template

from config.loader import load_config
from stacks.alerting import AlertTopics


# Who publishes to the topics: alarms, EventBridge relays (X-Ray insights,
# canaries), AWS Budgets and Cost Anomaly Detection. Written out, not read from stacks.alerting.topics.
PUBLISHERS = ("cloudwatch.amazonaws.com", "events.amazonaws.com", "budgets.amazonaws.com", "costalerts.amazonaws.com")


@pytest.fixture(scope="module")
def prod_topics() -> Template:
    # GIVEN the prod config's endpoints, WHEN the topics are built on a bare stack
    stack = Stack(App(), "Bare")
    AlertTopics(stack, "Topics", cfg=load_config("prod"))
    return Template.from_stack(stack)


def test_three_severity_topics_plus_email_and_ops_all_on_the_customer_key(prod_topics):
    topics = prod_topics.find_resources("AWS::SNS::Topic")
    names = sorted(t["Properties"]["TopicName"] for t in topics.values())
    assert names == [f"watchtower-prod-alerts-{n}" for n in ("critical", "email", "info", "ops", "warning")]
    (key_id,) = prod_topics.find_resources("AWS::KMS::Key")
    for topic in topics.values():
        assert topic["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}


def test_key_rotates_and_lets_every_publishing_service_use_it(prod_topics):
    prod_topics.has_resource_properties("AWS::KMS::Key", {"EnableKeyRotation": True})
    (key,) = prod_topics.find_resources("AWS::KMS::Key").values()
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    for service in PUBLISHERS:
        granted = [s for s in statements if s.get("Principal", {}).get("Service") == service]
        assert granted, f"{service} cannot use the key"
        assert set(granted[0]["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}


def test_every_topic_denies_publishing_without_tls_and_lets_the_services_publish(prod_topics):
    policies = prod_topics.find_resources("AWS::SNS::TopicPolicy")
    assert len(policies) == 5
    for policy in policies.values():
        statements = policy["Properties"]["PolicyDocument"]["Statement"]
        deny = [s for s in statements if s["Effect"] == "Deny"]
        assert deny and deny[0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        publishers = {s["Principal"]["Service"] for s in statements
                      if s["Effect"] == "Allow" and s["Action"] == "sns:Publish"}
        assert publishers == set(PUBLISHERS)


def test_cloudwatch_publishing_is_limited_to_this_account(prod_topics):
    prod_topics.has_resource_properties("AWS::SNS::TopicPolicy", {
        "PolicyDocument": {"Statement": Match.array_with([Match.object_like({
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
        })])}})


def test_email_subscriptions_filter_on_the_severities_each_address_is_listed_under(prod_topics):
    # prod lists oncall@ and sre-leads@ under critical, platform-team@ under warning
    subs = [s["Properties"] for s in prod_topics.find_resources("AWS::SNS::Subscription").values()]
    email_filtered = {s["Endpoint"]: s["FilterPolicy"] for s in subs if "FilterPolicy" in s}
    assert email_filtered == {
        "oncall@example.com": {"severity": ["critical"]},
        "sre-leads@example.com": {"severity": ["critical"]},
        "platform-team@example.com": {"severity": ["warning"]},
    }
    ops_unfiltered = sorted(s["Endpoint"] for s in subs if "FilterPolicy" not in s)
    assert ops_unfiltered == ["oncall@example.com", "sre-leads@example.com"]
    assert all(s["Protocol"] == "email" for s in subs)


def test_topic_arns_are_exported_and_published_to_ssm(prod_topics):
    outputs = prod_topics.find_outputs("*")
    exports = sorted(o["Export"]["Name"] for o in outputs.values())
    assert exports == [f"watchtower-prod-{n}-topic-arn" for n in ("critical", "email", "info", "ops", "warning")]
    params = prod_topics.find_resources("AWS::SSM::Parameter")
    assert sorted(p["Properties"]["Name"] for p in params.values()) == ["/watchtower/prod/alerts/key-arn"] + [
        f"/watchtower/prod/topics/{n}-arn" for n in ("critical", "email", "info", "ops", "warning")]
