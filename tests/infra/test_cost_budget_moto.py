"""The synthesized budget, replayed against moto's Budgets API: the same fields CloudFormation would send are
accepted by the real botocore model, and the notifications read back as configured."""
from __future__ import annotations

import boto3
import pytest
from moto import mock_aws


def _budget(synth, env: str) -> dict:
    template = synth.templates(env)[f"watchtower-{env}-Cost"]
    (budget,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::Budgets::Budget"]
    return budget["Properties"]


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_synthesized_budget_is_accepted_by_the_budgets_api_and_reads_back(synth, env):
    # GIVEN the budget of the synthesized template and a warning topic in moto
    props = _budget(synth, env)
    cfg = synth.app_config(env)
    with mock_aws():
        topic_arn = boto3.client("sns", region_name="us-east-1").create_topic(Name=f"watchtower-{env}-alerts-warning")["TopicArn"]
        budgets = boto3.client("budgets", region_name="us-east-1")
        account = boto3.client("sts", region_name="us-east-1").get_caller_identity()["Account"]
        data = props["Budget"]
        # WHEN it is created through the Budgets API with the template's fields (the topic import resolved)
        budgets.create_budget(
            AccountId=account,
            Budget={
                "BudgetName": data["BudgetName"],
                "BudgetLimit": {"Amount": str(data["BudgetLimit"]["Amount"]), "Unit": data["BudgetLimit"]["Unit"]},
                "CostFilters": data.get("CostFilters", {}),
                "TimeUnit": data["TimeUnit"],
                "BudgetType": data["BudgetType"],
            },
            NotificationsWithSubscribers=[
                {"Notification": n["Notification"],
                 "Subscribers": [{"SubscriptionType": s["SubscriptionType"], "Address": topic_arn} for s in n["Subscribers"]]}
                for n in props["NotificationsWithSubscribers"]
            ],
        )
        # THEN the budget and its ACTUAL/FORECASTED notifications read back as configured
        stored = budgets.describe_budget(AccountId=account, BudgetName=data["BudgetName"])["Budget"]
        assert float(stored["BudgetLimit"]["Amount"]) == cfg.cost.budget.monthly_limit_usd
        notifications = budgets.describe_notifications_for_budget(AccountId=account, BudgetName=data["BudgetName"])
        got = {(n["NotificationType"], n["Threshold"]) for n in notifications["Notifications"]}
        assert got == {(a.type, a.percent) for a in cfg.cost.budget.alerts}
        # (moto 5.2.5 has no DescribeSubscribersForNotification; the SNS subscriber is checked in test_cost_stack)
