"""An extra region's alert topics: per severity, on a key of that region, subscribed to the home router across
regions (dead letters kept in that region and watched), and the router's permission for each of them."""
from __future__ import annotations

import json

import pytest
from aws_cdk import App, Environment, Stack, aws_lambda as lambda_
from aws_cdk.assertions import Match, Template

from config.loader import load_config
from plan.regions import alert_regions
from stacks.alerting.regional import RegionalAlertTopics, RegionalRouterInvoke
from tests.synth import cdk_json_context

CFG = load_config("prod")
ACCOUNT = "123456789012"


@pytest.fixture(scope="module")
def regional():
    stack = Stack(App(context=cdk_json_context()), "Regional", env=Environment(account=ACCOUNT, region="us-east-1"))
    RegionalAlertTopics(stack, "Alerts", cfg=CFG, region="us-east-1", home_region="eu-west-1")
    return Template.from_stack(stack)


def test_each_severity_has_an_encrypted_tls_only_topic_in_the_region(regional):
    regional.has_resource_properties("AWS::KMS::Key", {"EnableKeyRotation": True})
    for severity in ("critical", "warning", "info", "ops"):
        regional.has_resource_properties("AWS::SNS::Topic", {
            "TopicName": f"watchtower-prod-alerts-us-east-1-{severity}",
            "KmsMasterKeyId": {"Fn::GetAtt": [Match.string_like_regexp("AlertsKey"), "Arn"]}})
    # CloudWatch of this account only may publish (the confused-deputy guard), and plain HTTP is denied
    policies = json.dumps(regional.find_resources("AWS::SNS::TopicPolicy"))
    assert '"aws:SourceAccount"' in policies and '"aws:SecureTransport": "false"' in policies
    assert "cloudwatch.amazonaws.com" in policies


def test_the_severity_topics_deliver_to_the_home_router_and_dead_letter_in_their_own_region(regional):
    subscriptions = regional.find_resources("AWS::SNS::Subscription", {"Properties": {"Protocol": "lambda"}})
    assert len(subscriptions) == 3  # critical, warning, info: ops e-mails people directly
    router = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:watchtower-prod-alert-router"
    for sub in subscriptions.values():
        props = sub["Properties"]
        assert props["Endpoint"] == router
        assert "Region" not in props  # the subscription lives with the topic, so it needs no Region
        assert props["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0].startswith("AlertsDeadLetters")
    regional.has_resource_properties("AWS::SQS::Queue", {
        "QueueName": "watchtower-prod-alert-router-us-east-1-dlq",
        "KmsMasterKeyId": {"Fn::GetAtt": [Match.string_like_regexp("AlertsKey"), "Arn"]}})
    # AND SNS may write the dead letters (queue policy for the topics, key use for its own service principal)
    assert "sns.amazonaws.com" in json.dumps(regional.find_resources("AWS::SQS::QueuePolicy"))
    assert "sns.amazonaws.com" in json.dumps(regional.find_resources("AWS::KMS::Key"))


def test_a_dead_letter_there_emails_the_critical_recipients_directly(regional):
    regional.has_resource_properties("AWS::CloudWatch::Alarm", {
        "AlarmName": "watchtower-prod-alerting-router-us-east-1-DeadLetters-critical",
        "Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible", "Threshold": 0,
        "AlarmActions": [{"Ref": Match.string_like_regexp("AlertsOpsTopic")}]})
    emails = regional.find_resources("AWS::SNS::Subscription", {"Properties": {"Protocol": "email"}})
    assert sorted(s["Properties"]["Endpoint"] for s in emails.values()) == sorted(CFG.notifications.critical.emails)


@pytest.mark.parametrize("region,principal", [("us-east-1", "sns.amazonaws.com"),
                                               ("ap-east-1", "sns.ap-east-1.amazonaws.com")])
def test_the_router_allows_each_regional_topic_by_its_arn(region, principal):
    stack = Stack(App(context=cdk_json_context()), "Routing", env=Environment(account=ACCOUNT, region="eu-west-1"))
    function = lambda_.Function.from_function_name(stack, "Router", "watchtower-prod-alert-router")
    RegionalRouterInvoke(stack, "RegionalTopics", cfg=CFG, function=function, regions=[region])
    template = Template.from_stack(stack)
    permissions = template.find_resources("AWS::Lambda::Permission")
    assert sorted(p["Properties"]["SourceArn"] for p in permissions.values()) == sorted(
        f"arn:aws:sns:{region}:{ACCOUNT}:watchtower-prod-alerts-{region}-{s}" for s in ("critical", "info", "warning"))
    assert {p["Properties"]["Principal"] for p in permissions.values()} == {principal}
    assert {p["Properties"]["Action"] for p in permissions.values()} == {"lambda:InvokeFunction"}


def test_prod_wires_every_extra_region_to_the_router_it_deploys(synth):
    # GIVEN prod synthesized (canaries also run from us-east-1)
    templates = synth.templates("prod")
    assert alert_regions(CFG) == ("us-east-1",)
    routing = templates["watchtower-prod-Routing"]["Resources"]
    [function] = [r["Properties"] for r in routing.values() if r["Type"] == "AWS::Lambda::Function"]
    regional = templates["watchtower-prod-Alerting-us-east-1"]["Resources"]
    # THEN every lambda subscription there names the function the routing stack creates, in the home region
    endpoints = {r["Properties"]["Endpoint"] for r in regional.values()
                 if r["Type"] == "AWS::SNS::Subscription" and r["Properties"]["Protocol"] == "lambda"}
    assert endpoints == {f"arn:aws:lambda:{CFG.region}:{ACCOUNT}:function:{function['FunctionName']}"}
    # AND the routing stack lets exactly those topics invoke it
    topics = {r["Properties"]["TopicName"] for r in regional.values() if r["Type"] == "AWS::SNS::Topic"}
    allowed = {r["Properties"]["SourceArn"].rsplit(":", 1)[-1] for r in routing.values()
               if r["Type"] == "AWS::Lambda::Permission" and "us-east-1" in json.dumps(r["Properties"])}
    assert allowed == topics - {"watchtower-prod-alerts-us-east-1-ops"}
    # AND the stack deploys in that region, after the router
    manifest = json.loads((synth.result("prod").outdir / "manifest.json").read_text())
    artifact = manifest["artifacts"]["watchtower-prod-Alerting-us-east-1"]
    assert artifact["environment"].endswith("/us-east-1")
    assert "watchtower-prod-Routing" in artifact["dependencies"]
