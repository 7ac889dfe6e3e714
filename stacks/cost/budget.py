"""The environment's monthly cost budget, with ACTUAL and FORECASTED notifications to an SNS topic."""
from __future__ import annotations

from aws_cdk import aws_budgets as budgets, aws_sns as sns
from constructs import Construct

from config.schema import EnvironmentConfig
from stacks.naming import resource_name

__all__ = ["MonthlyBudget"]


class MonthlyBudget(Construct):
    """One COST budget per environment, filtered on the ``Environment`` cost-allocation tag when configured.

    The tag filter only sees cost once ``Environment`` is activated as a cost-allocation tag in Billing.

    Example
    -------
    >>> from aws_cdk import App, Stack, aws_sns as sns
    >>> from config.loader import load_config
    >>> stack, cfg = Stack(App(), "Example"), load_config("prod")
    >>> topic = sns.Topic(stack, "Warning")
    >>> budget = MonthlyBudget(stack, "Budget", cfg=cfg, topic=topic)
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, topic: sns.ITopic) -> None:
        super().__init__(scope, construct_id)
        settings = cfg.cost.budget
        environment_tag = {"TagKeyValue": [f"user:Environment${cfg.tags.Environment}"]}
        cost_filters = environment_tag if settings.filter_on_environment_tag else None
        self.budget = budgets.CfnBudget(
            self,
            "Budget",
            budget=budgets.CfnBudget.BudgetDataProperty(
                budget_name=resource_name(cfg, "monthly"),
                budget_type="COST",
                time_unit="MONTHLY",
                budget_limit=budgets.CfnBudget.SpendProperty(amount=settings.monthly_limit_usd, unit="USD"),
                cost_filters=cost_filters,
            ),
            notifications_with_subscribers=[
                budgets.CfnBudget.NotificationWithSubscribersProperty(
                    notification=budgets.CfnBudget.NotificationProperty(
                        notification_type=alert.type,
                        comparison_operator="GREATER_THAN",
                        threshold=alert.percent,
                        threshold_type="PERCENTAGE",
                    ),
                    subscribers=[
                        budgets.CfnBudget.SubscriberProperty(subscription_type="SNS", address=topic.topic_arn),
                    ],
                )
                for alert in settings.alerts
            ],
        )
