"""The kinds beyond the serverless core, for the stacks: the plan's pure-spec signals (plan/metrics_estate.py)
rendered as CDK metrics, so a stack and the plan watch the very same metrics."""
from __future__ import annotations

from typing import Any, Callable

from plan.metrics_estate import ESTATE_FACTORIES as _PLAN_FACTORIES
from plan.signals import Signal as SpecSignal
from stacks.monitoring.metrics.common import Signal, SignalBuilder
from stacks.monitoring.render import render_metric

__all__ = ["ESTATE_FACTORIES"]


def _rendered(signal: SpecSignal) -> Signal:
    return Signal(render_metric(signal.metric), scale=signal.scale, percentile=signal.percentile,
                  anomaly=signal.anomaly)


def _factory(plan_factory: Callable[[Any], dict]) -> Callable[[Any], dict[str, SignalBuilder]]:
    def signals(ref: Any) -> dict[str, SignalBuilder]:
        return {family: (lambda t, build=build: _rendered(build(t))) for family, build in plan_factory(ref).items()}
    return signals


ESTATE_FACTORIES = {kind: _factory(factory) for kind, factory in _PLAN_FACTORIES.items()}
