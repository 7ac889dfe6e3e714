"""Incident scenarios for the alarm simulator: generators (traffic), definitions (catalog), runner, verdict, report."""
from tools.alarmsim.scenarios.catalog import Scenario, ServiceInfo, scenarios
from tools.alarmsim.scenarios.runner import Environment, SeedOutcome, run_seed
from tools.alarmsim.scenarios.verdict import ScenarioVerdict, family_goal, judge

__all__ = ["Scenario", "ServiceInfo", "scenarios", "Environment", "SeedOutcome", "run_seed", "ScenarioVerdict",
           "judge", "family_goal"]
