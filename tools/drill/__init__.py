"""Fire drill for a real account: set alarms to ALARM and confirm the alert router delivered them."""
from tools.drill.drill import DrillError, DrillResult, router_log_group, run_drill, select_alarms
from tools.drill.table import exit_code, format_table

__all__ = ["DrillError", "DrillResult", "router_log_group", "run_drill", "select_alarms", "exit_code", "format_table"]
