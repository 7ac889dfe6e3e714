"""Offline CloudWatch alarm simulator: reads alarms from synthesized templates and evaluates them over series.

Modules: ``series`` (samples and CSV), ``statistics`` (period aggregation), ``evaluation`` (missing-data rules),
``mathexpr`` (metric math), ``composite`` (rule grammar), ``schedule`` (mute rules), ``template`` and
``intrinsics`` (reading templates), ``simulator`` (the clock and actions), ``cli``, ``scenarios``.
"""
from tools.alarmsim.simulator import Simulator, Transition
from tools.alarmsim.template import load_alarms

__all__ = ["Simulator", "Transition", "load_alarms"]
