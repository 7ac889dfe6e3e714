"""The incident a preview draws, as the offline alarm simulator (tools.alarmsim) judges it.

Only a small surface of the simulator is used, read-only: load the alarms from the synthesized templates (names,
the metrics each reads, composite rules), run one named scenario against one service and read which alarms went
to ALARM.
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


def _resources(alarms, prefixes: list[str]) -> frozenset[str]:
    """The resources read by the metric alarms whose names start with one of ``prefixes``."""
    chosen = tuple(prefixes)
    return frozenset(resource_of(dict(metric.key.dimensions)) for alarm in alarms.metric_alarms
                     if chosen and alarm.name.startswith(chosen) for metric in alarm.metrics())


def _fired(simulator, alarms, chosen, app_prefix: str, service: str) -> set[str]:
    """The alarms the simulator sends to ALARM when ``chosen`` hits ``service`` only.

    Two shapes of the scenario runner are understood: ``run_scenario(alarms, scenario, service_prefixes=...)``
    returning ``.fired``, and ``run_seed(Environment(...), scenario, seed)`` returning ``.alarms_fired``.
    """
    if hasattr(simulator, "run_scenario"):
        return set(simulator.run_scenario(alarms, chosen, service_prefixes=[f"{app_prefix}{service}-"]).fired)
    if hasattr(simulator, "run_seed") and hasattr(simulator, "Environment") and hasattr(simulator, "ServiceInfo"):
        environment = simulator.Environment(name=app_prefix.rstrip("-").rsplit("-", 1)[-1], alarms=alarms,
                                            prefix=app_prefix, services=[simulator.ServiceInfo(service)])
        outcome = simulator.run_seed(environment, chosen, 0)
        if outcome is None:
            raise SimulatorUnavailable(f"the alarm simulator does not run {chosen.name!r} on these templates")
        return set(outcome.alarms_fired)
    raise AttributeError("tools.alarmsim.scenarios has neither run_scenario nor run_seed")


def incident_state(assembly: Path, scenario: str, app_prefix: str, service: str) -> State:
    """The state of ``scenario`` hitting ``service`` (its alarms are named ``<app_prefix><service>-...``).

    Raises
    ------
    SimulatorUnavailable
        When tools.alarmsim cannot be imported or its API changed (one line, naming what is missing).
    PreviewError
        When the templates hold no alarm of ``service``.

    Example
    -------
    >>> import json, tempfile
    >>> errors = {"Type": "AWS::CloudWatch::Alarm", "Properties": {
    ...     "AlarmName": "watchtower-prod-orders-api-Errors-critical", "Namespace": "AWS/Lambda",
    ...     "MetricName": "Errors", "Dimensions": [{"Name": "FunctionName", "Value": "orders-api"}],
    ...     "Statistic": "Sum", "Period": 60, "EvaluationPeriods": 3, "Threshold": 5,
    ...     "ComparisonOperator": "GreaterThanThreshold", "TreatMissingData": "notBreaching"}}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     template = Path(tmp) / "watchtower-prod-Monitoring-orders.template.json"
    ...     _ = template.write_text(json.dumps({"Resources": {"Errors": errors}}))
    ...     state = incident_state(Path(tmp), "outage", "watchtower-prod-", "orders")
    >>> state.name, sorted(state.in_alarm), sorted(state.affected)
    ('outage', ['watchtower-prod-orders-api-Errors-critical'], ['orders-api'])
    """
    wanted = SCENARIOS[scenario]
    service_prefix = f"{app_prefix}{service}-"
    try:
        import tools.alarmsim.scenarios as simulator
        from tools.alarmsim import load_alarms
    except ImportError as exc:
        raise SimulatorUnavailable(f"cannot draw --scenario {scenario}: the alarm simulator is not importable "
                                   f"({exc}); the healthy preview still works") from None
    try:
        alarms = load_alarms([assembly])
        if not any(name.startswith(service_prefix) for name in alarms.names()):
            raise PreviewError(f"no alarm of service {service!r} (names starting {service_prefix}) in {assembly}")
        chosen = next((s for s in simulator.scenarios() if s.name == wanted), None)
        if chosen is None:
            raise SimulatorUnavailable(f"cannot draw --scenario {scenario}: the alarm simulator has no "
                                       f"{wanted!r} scenario any more; the healthy preview still works")
        fired = _with_composites(alarms, {str(name) for name in _fired(simulator, alarms, chosen, app_prefix,
                                                                        service)})
        affected = _resources(alarms, [service_prefix])
        # alarms in ALARM outside the service (the simulator's background traffic can trip them): their
        # resources show a few failures, so their graphs agree with their state
        degraded = _resources(alarms, sorted(n for n in fired if not n.startswith(service_prefix))) - affected
    except PreviewError:
        raise
    except ValueError as exc:  # the simulator's template errors are ValueErrors with a one-line message
        raise PreviewError(f"cannot draw --scenario {scenario}: {exc}") from None
    except (AttributeError, TypeError) as exc:
        raise SimulatorUnavailable(f"cannot draw --scenario {scenario}: the alarm simulator's API changed "
                                   f"({type(exc).__name__}: {exc}); the healthy preview still works") from None
    return State("outage", fired, affected, INCIDENT_MINUTES,
                 f"{service} outage (simulator scenario {wanted}: every request fails), {INCIDENT_MINUTES} min in: "
                 f"{len(fired)} alarms in ALARM per the alarm simulator", degraded)
