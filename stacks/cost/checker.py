"""The cost checker Lambda, its log group and least-privilege role, and the EventBridge schedule that runs it."""
from __future__ import annotations

from pathlib import Path

from aws_cdk import (
    Duration,
    IgnoreMode,
    Stack,
    aws_events as events,
    aws_events_targets as targets,
    aws_iam as iam,
    aws_lambda as lambda_,
    aws_logs as logs,
)
from constructs import Construct

from config.schema import EnvironmentConfig
from stacks.cfn import cfn_child, cfn_resource
from stacks.nag import suppress
from stacks.naming import resource_name

__all__ = ["CostChecker", "checker_metric_count", "COST_METADATA_KEY"]

LAMBDAS = Path(__file__).resolve().parents[2] / "lambdas"
PACKAGE = "cost_checker"
# tools/cost_estimate reads this resource metadata to price what a template alone cannot show.
COST_METADATA_KEY = "watchtower:cost"


def checker_metric_count(cfg: EnvironmentConfig) -> int:
    """Custom metrics the checker emits: hourly cost (account, environment), cost so far today, and DailyCost for
    the top services plus 'Other'.

    Example
    -------
    >>> from config.loader import load_config
    >>> cfg = load_config("prod")
    >>> checker_metric_count(cfg)  # with top_services 10
    14
    """
    return 3 + cfg.cost.checker.top_services + 1


class CostChecker(Construct):
    """``function`` runs every ``cost.checker.rate_hours`` hours and prints EMF cost metrics.

    Example
    -------
    >>> from aws_cdk import App, Stack
    >>> from config.loader import load_config
    >>> stack, cfg = Stack(App(), "Example"), load_config("prod")
    >>> CostChecker(stack, "Checker", cfg=cfg).name
    'watchtower-prod-cost-checker'
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig) -> None:
        super().__init__(scope, construct_id)
        settings = cfg.cost.checker
        name = resource_name(cfg, "cost-checker")
        self.name = name  # literal, unlike function.function_name, so dashboards can print it
        self.log_group = logs.LogGroup(self, "Logs", log_group_name=f"/aws/lambda/{name}")
        # RetentionDays is an enum of names; the config holds CloudWatch's day count, already validated.
        cfn_resource(self.log_group, logs.CfnLogGroup).retention_in_days = cfg.log_retention_days
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"{name}: read Cost Explorer, write its own logs",
        )
        self.log_group.grant_write(self.role)
        self.role.add_to_policy(iam.PolicyStatement(actions=["ce:GetCostAndUsage"], resources=["*"]))
        suppress(
            self.role.node.find_child("DefaultPolicy"),
            "AwsSolutions-IAM5[Resource::*]",
            "ce:GetCostAndUsage supports no resource-level permissions; the action is read-only",
        )
        self.function = lambda_.Function(
            self,
            "Function",
            function_name=name,
            description=f"Reads Cost Explorer every {settings.rate_hours} h and emits EMF cost metrics",
            runtime=lambda_.Runtime.PYTHON_3_12,
            architecture=lambda_.Architecture.ARM_64,
            handler=f"{PACKAGE}.handler.handler",
            code=lambda_.Code.from_asset(str(LAMBDAS), exclude=_others(), ignore_mode=IgnoreMode.GIT),
            timeout=Duration.seconds(60),
            memory_size=256,
            role=self.role,
            log_group=self.log_group,
            # Opt-in (config): a reservation fails in accounts whose quota leaves less than 100 unreserved.
            reserved_concurrent_executions=settings.reserved_concurrency,
            environment={
                "ENVIRONMENT": cfg.env,
                "METRICS_NAMESPACE": settings.metrics_namespace,
                "COST_TAG_KEY": "Environment",
                "TOP_SERVICES": str(settings.top_services),
                "MIN_HOURS_FOR_TODAY_RATE": str(settings.min_hours_for_today_rate),
            },
        )
        # Lambda adds DependsOn the role, which the Role GetAtt already implies (cfn-lint W3005); keep the policy.
        policy = cfn_child(self.role, "DefaultPolicy", iam.CfnPolicy)
        cfn_function = cfn_resource(self.function, lambda_.CfnFunction)
        cfn_function.add_override("DependsOn", [Stack.of(self).get_logical_id(policy)])
        cfn_function.add_metadata(
            COST_METADATA_KEY,
            {"custom_metrics": checker_metric_count(cfg), "cost_explorer_requests_per_invocation": 1},
        )
        suppress(
            self.function,
            "AwsSolutions-L1",
            "python3.12 is the project's pinned Lambda runtime (docs/DEVELOPING.md); upgrades go through review",
        )
        self.schedule = events.Rule(
            self,
            "Schedule",
            rule_name=resource_name(cfg, "cost-check"),
            description="Runs the cost checker",
            schedule=events.Schedule.rate(Duration.hours(settings.rate_hours)),
            targets=[targets.LambdaFunction(self.function, retry_attempts=0)],
        )


def _others() -> list[str]:
    """Asset exclusions: everything under lambdas/ except the checker's package (anchored, git-ignore style)."""
    return [f"/{p.name}" for p in LAMBDAS.iterdir() if p.name != PACKAGE] + ["__pycache__", "*.pyc"]
