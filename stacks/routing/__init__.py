"""Constructs of the alert router: the function with its queue, table and role, and the alarms watching it."""
from stacks.routing.health_alarms import RouterHealthAlarms
from stacks.routing.router import AlertRouter, router_environment

__all__ = ["AlertRouter", "RouterHealthAlarms", "router_environment"]
