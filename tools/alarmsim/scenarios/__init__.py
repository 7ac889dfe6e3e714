"""Incident scenarios for the alarm simulator: generators (traffic), definitions (catalog), runner, report."""
from tools.alarmsim.scenarios.catalog import Scenario, scenarios
from tools.alarmsim.scenarios.runner import ScenarioResult, run_scenario

__all__ = ["Scenario", "scenarios", "ScenarioResult", "run_scenario"]
