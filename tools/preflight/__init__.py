"""``make preflight ENV=..``: read-only checks that an account can take the environment's first deploy and every
later one (bootstrap per region, Lambda concurrency, secrets per region, Synthetics runtime, the account's SERVICE
anomaly monitor, cost allocation tags, API Gateway's logging role, unconfirmed e-mail subscriptions).

One line per problem, saying what to do; exit 1 when any problem blocks a deploy.
"""
from tools.preflight.checks import CHECKS, Finding, run_checks
from tools.preflight.plan import DeployPlan, plan_for

__all__ = ["CHECKS", "Finding", "run_checks", "DeployPlan", "plan_for"]
