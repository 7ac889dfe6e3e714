"""The incident a preview draws, as the offline alarm simulator (tools.alarmsim) judges it.

Only a small surface of the simulator is used, read-only: load the alarms from the synthesized templates, run one
named scenario against one service, read which alarms went to ALARM and which metrics the incident hits, and
evaluate composite rules with those alarms in ALARM.
When that surface changes, the preview says so in one line instead of failing with a traceback.
"""
from __future__ import annotations

from pathlib import Path

from dashboards.preview.resolve import PreviewError
from dashboards.preview.simulate import State, resource_of

__all__ = ["SCENARIOS", "incident_state", "SimulatorUnavailable"]

# preview scenario -> the simulator's scenario it draws
SCENARIOS = {"outage": "hard-outage"}
INCIDENT_MINUTES = 30  # the picture is taken this long after the onset


class SimulatorUnavailable(PreviewError):
    """The alarm simulator's API is not what the preview expects."""


def _with_composites(alarms, fired: set[str]) -> frozenset[str]:
    """``fired`` plus every composite whose rule holds with those alarms in ALARM.

    The simulator lists what went to ALARM after the onset; a composite already in ALARM before it (its children
    flapping in the warm-up) is not listed, yet it is in ALARM while its children are.
    """
    in_alarm = set(fired)
    changed = True
    while changed:
        changed = False
        states = {name: "ALARM" if name in in_alarm else "OK" for name in alarms.names()}
        for composite in alarms.composites:
            if composite.name not in in_alarm and composite.rule.evaluate(states):
                in_alarm.add(composite.name)
                changed = True
    return frozenset(in_alarm)


def incident_state(assembly: Path, scenario: str, service_prefix: str, service: str) -> State:
    """The state of ``scenario`` hitting ``service`` (its alarms start with ``service_prefix``).

    Raises
    ------
    SimulatorUnavailable
        When tools.alarmsim cannot be imported or its API changed (one line, naming what is missing).
    PreviewError
        When the templates hold no alarm of ``service``.

    Example
    -------
    >>> incident_state(Path("cdk.out/prod"), "outage", "watchtower-prod-orders-", "orders")  # doctest: +SKIP
    State(name='outage', ...)
    """
    wanted = SCENARIOS[scenario]
    try:
        from tools.alarmsim import load_alarms
        from tools.alarmsim.scenarios import run_scenario, scenarios
        from tools.alarmsim.scenarios.runner import affected_metrics
    except ImportError as exc:
        raise SimulatorUnavailable(f"cannot draw --scenario {scenario}: the alarm simulator is not importable "
                                   f"({exc}); the healthy preview still works") from None
    try:
        alarms = load_alarms([assembly])
        if not any(name.startswith(service_prefix) for name in alarms.names()):
            raise PreviewError(f"no alarm of service {service!r} (names starting {service_prefix}) in {assembly}")
        chosen = next((s for s in scenarios() if s.name == wanted), None)
        if chosen is None:
            raise SimulatorUnavailable(f"cannot draw --scenario {scenario}: the alarm simulator has no "
                                       f"{wanted!r} scenario any more; the healthy preview still works")
        result = run_scenario(alarms, chosen, service_prefixes=[service_prefix])
        fired = _with_composites(alarms, {str(name) for name in result.fired})
        affected = frozenset(resource_of(dict(key.dimensions))
                             for key in affected_metrics(alarms, [service_prefix]))
        # alarms in ALARM outside the service (the simulator's background traffic can trip them): their
        # resources show a few failures, so their graphs agree with their state
        others = sorted(name for name in fired if not name.startswith(service_prefix))
        degraded = frozenset(resource_of(dict(key.dimensions))
                             for key in affected_metrics(alarms, others)) - affected if others else frozenset()
    except PreviewError:
        raise
    except ValueError as exc:  # the simulator's template errors are ValueErrors with a one-line message
        raise PreviewError(f"cannot draw --scenario {scenario}: {exc}") from None
    except (AttributeError, TypeError) as exc:
        raise SimulatorUnavailable(f"cannot draw --scenario {scenario}: the alarm simulator's API changed "
                                   f"({type(exc).__name__}: {exc}); the healthy preview still works") from None
    return State("outage", fired, affected, INCIDENT_MINUTES,
                 f"{service} outage ({chosen.title}), {INCIDENT_MINUTES} min in: {len(fired)} alarms in ALARM "
                 f"per the alarm simulator", degraded)
