"""Cost constructs: anomaly detection, the monthly budget, the scheduled cost checker and its hourly-cost alarm."""
from stacks.cost.alarm import HourlyCostAlarm
from stacks.cost.anomaly import AnomalyDetection
from stacks.cost.budget import MonthlyBudget
from stacks.cost.checker import CostChecker

__all__ = ["AnomalyDetection", "MonthlyBudget", "CostChecker", "HourlyCostAlarm"]
