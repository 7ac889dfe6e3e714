"""The evaluation clock: metric alarms, then composites, then actions (mutes, suppressors), once a minute.

CloudWatch evaluates alarms with periods up to a day every minute on the periods that end now; alarms whose
Period x EvaluationPeriods exceeds a day are evaluated at the top of each hour. A state change runs the actions
for the new state unless actions are disabled, an AlarmMuteRule mutes the alarm, or (composites) the
ActionsSuppressor holds them: while the suppressor is in ALARM, for ExtensionPeriod after it leaves ALARM, and
for up to WaitPeriod after the change, waiting to see whether the suppressor goes into ALARM.

Held actions are released, not dropped. The CloudWatch API reference (CompositeAlarm, ActionsSuppressedBy):
"When the value is ExtensionPeriod, it means that the actions are suppressed because the composite alarm is
waiting after the suppressor alarm went out of the ALARM state. The maximum waiting time is as specified in
ActionsSuppressorExtensionPeriod. After this time, the composite alarm performs its actions." So a composite
still in ALARM when its ExtensionPeriod ends performs its ALARM actions then. Likewise a muted alarm: deleting
a mute rule runs the actions of alarms still in ALARM; the guide does not say what a scheduled window's end
does, and the simulator does the same there (the actions of alarms still in ALARM run at the window's end), so
an incident that outlasts maintenance pages. Held OK actions are not replayed: the incident ended unseen.

Warm-up (``WarmUpConfiguration``, user guide 'Alarm warm-up periods'): "During warm-up, the alarm stays in
INSUFFICIENT_DATA and does not perform alarm actions", for WarmUpPeriodDurationInMinutes after the alarm is
created or updated; with OnlyStartEvaluatingAfterWarmUpPeriodEnds false (the default) "the alarm ends warm-up
early. Evaluation begins as soon as enough data fills its evaluation window". The guide does not say whether data
from before the update counts; the simulator takes the later reading (a window's worth of periods after the
deploy, Period x EvaluationPeriods, capped by the warm-up), so a page after a deploy is never modelled sooner than
it could arrive. ``run(..., deploys=...)`` names the minutes a deploy creates or updates the alarms.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from tools.alarmsim.anomaly import HISTORY_MINUTES, STRIDED_HISTORY
from tools.alarmsim.datapoints import (AlarmDatapoints, compute_datapoints, evaluation_range_size,
                                       period_minutes)
from tools.alarmsim.evaluation import ALARM, INSUFFICIENT_DATA, OK, STATES, evaluate_range
from tools.alarmsim.model import AlarmSet, CompositeAlarm, MetricAlarm
from tools.alarmsim.series import SeriesStore, time_of_minute

__all__ = ["Transition", "Simulator", "SimulationError", "warm_up_end", "warm_up_timeline"]


class SimulationError(ValueError):
    """Simulation settings that cannot work (bad initial state, end before start)."""


@dataclass(frozen=True)
class Transition:
    """One state change and what happened to its actions.

    ``actions_minute`` is when the actions ran (later than ``minute`` after a WaitPeriod, or when held actions
    were released); ``held_by`` says why they did not run (muted, suppressed, disabled) when they did not, and
    ``released`` what held them before they ran late.
    """

    minute: int
    alarm: str
    from_state: str
    to_state: str
    actions: tuple[str, ...] = ()
    actions_minute: int | None = None
    held_by: str | None = None
    released: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The CLI's JSON line.

        Example
        -------
        >>> Transition(0, "a", "OK", "ALARM", ("topic",), 0).to_json()["actions"]
        ['topic']
        """
        line: dict[str, Any] = {"time": time_of_minute(self.minute), "alarm": self.alarm, "from": self.from_state,
                                "to": self.to_state, "actions": list(self.actions)}
        if self.actions and self.actions_minute is not None and self.actions_minute != self.minute:
            line["actions_time"] = time_of_minute(self.actions_minute)
        if self.held_by:
            line["actions_held_by"] = self.held_by
        if self.released:
            line["actions_released_after"] = self.released
        return line


@dataclass
class _Pending:
    transition_index: int
    composite: CompositeAlarm
    deadline: int


@dataclass
class _Held:
    """ALARM actions held by a mute rule or an ActionsSuppressor, to run once that hold ends."""

    transition_index: int
    alarm: MetricAlarm | CompositeAlarm


@dataclass
class _Clock:
    states: dict[str, str]
    transitions: list[Transition] = field(default_factory=list)
    suppressor_left_alarm: dict[str, int] = field(default_factory=dict)
    pending: list[_Pending] = field(default_factory=list)
    held: list[_Held] = field(default_factory=list)
    warming: set[tuple[str, int]] = field(default_factory=set)  # (alarm, minute) its warm-up began


def _composite_order(composites: list[CompositeAlarm]) -> tuple[list[CompositeAlarm], list[str]]:
    by_name = {c.name: c for c in composites}
    order: list[CompositeAlarm] = []
    visiting: set[str] = set()
    done: set[str] = set()
    problems: list[str] = []

    def visit(composite: CompositeAlarm) -> None:
        if composite.name in done:
            return
        if composite.name in visiting:
            problems.append(f"{composite.name}: composite rule cycle, skipped")
            return
        visiting.add(composite.name)
        for child in composite.rule.alarm_names():
            if child in by_name:
                visit(by_name[child])
        visiting.discard(composite.name)
        done.add(composite.name)
        order.append(composite)

    for composite in composites:
        visit(composite)
    return order, problems


class Simulator:
    """Evaluate an alarm set over a series store.

    Example
    -------
    >>> from tools.alarmsim.template import alarms_from_templates
    >>> props = {"AlarmName": "errors", "Namespace": "app", "MetricName": "Errors", "Statistic": "Sum",
    ...          "Period": 60, "EvaluationPeriods": 1, "Threshold": 0, "ComparisonOperator": "GreaterThanThreshold"}
    >>> alarm_set = alarms_from_templates({"app": {"Resources": {"A": {"Type": "AWS::CloudWatch::Alarm",
    ...                                                                "Properties": props}}}})
    >>> from tools.alarmsim.series import MetricKey, SeriesStore
    >>> store = SeriesStore(); store.add_sample(MetricKey.of("app", "Errors"), 5, 1.0)
    >>> [(t.minute, t.to_state) for t in Simulator(alarm_set, store).run(0, 10)]
    [(6, 'ALARM'), (9, 'INSUFFICIENT_DATA')]
    """

    def __init__(self, alarms: AlarmSet, store: SeriesStore, initial_state: str = INSUFFICIENT_DATA) -> None:
        if initial_state not in STATES:
            raise SimulationError(f"initial state {initial_state!r} is not one of {', '.join(STATES)}")
        self.alarms = alarms
        self.store = store
        self.initial_state = initial_state
        self.composite_order, self.warnings = _composite_order(alarms.composites)

    def run(self, start_minute: int, end_minute: int, deploys: Sequence[int] = ()) -> list[Transition]:
        """Evaluate every minute in ``[start_minute, end_minute]`` and return the state changes in time order.

        ``deploys`` are the minutes a deploy creates or updates the alarms: those with a warm-up sit it out.

        Example
        -------
        >>> from tools.alarmsim.template import alarms_from_templates
        >>> props = {"AlarmName": "errors", "Namespace": "app", "MetricName": "Errors", "Statistic": "Sum",
        ...          "Period": 60, "EvaluationPeriods": 1, "Threshold": 0, "ComparisonOperator": "GreaterThanThreshold"}
        >>> alarm_set = alarms_from_templates({"app": {"Resources": {"A": {"Type": "AWS::CloudWatch::Alarm",
        ...                                                                "Properties": props}}}})
        >>> from tools.alarmsim.series import MetricKey, SeriesStore
        >>> store = SeriesStore(); store.add_sample(MetricKey.of("app", "Errors"), 5, 1.0)
        >>> [t.to_state for t in Simulator(alarm_set, store, "OK").run(0, 10)]
        ['INSUFFICIENT_DATA', 'ALARM', 'INSUFFICIENT_DATA']
        """
        if end_minute < start_minute:
            raise SimulationError(f"end ({time_of_minute(end_minute)}) is before start ({time_of_minute(start_minute)})")
        cache: dict = {}
        span = self.store.span()
        # A metric alarm's state depends on its own datapoints and its own previous state only, so each alarm's
        # whole timeline is computed at once (vectorised where the N most recent periods decide); the clock
        # below then only replays the changes, minute by minute, for composites, mutes and suppressors. Each
        # alarm's datapoints start where its first evaluation range starts (window ends before the first
        # sample hold no data; the evaluation treats them as missing anyway).
        changes: dict[int, list[tuple[MetricAlarm, str]]] = {}
        warming: set[tuple[str, int]] = set()
        for alarm in self.alarms.metric_alarms:
            pm = period_minutes(alarm.period)
            first_end = start_minute - pm * (evaluation_range_size(alarm.evaluation_periods) - 1)
            if alarm.band is not None:  # the band is fitted on the history before the evaluation periods
                history = STRIDED_HISTORY * pm if pm > HISTORY_MINUTES else HISTORY_MINUTES  # a long period: periods
                first_end -= history + 1 + alarm.evaluation_periods * pm
            if span is not None:
                first_end = min(start_minute, max(first_end, span[0]))
            timeline = self._timeline(alarm, first_end, start_minute, end_minute, cache)
            if alarm.warm_up_minutes and deploys:
                timeline, began = warm_up_timeline(timeline, alarm, deploys, self.initial_state, end_minute)
                warming |= {(alarm.name, minute) for minute in began}
            for minute, state in timeline:
                changes.setdefault(minute, []).append((alarm, state))
        muted = {rule.name: (set(rule.alarm_names), rule.schedule.muted_minutes(start_minute, end_minute))
                 for rule in self.alarms.mute_rules}
        clock = _Clock({name: self.initial_state for name in self.alarms.names()}, warming=warming)
        for minute in range(start_minute, end_minute + 1):
            changed = minute in changes
            for alarm, new in changes.get(minute, ()):
                self._change(clock, alarm, clock.states[alarm.name], new, minute, muted)
            if changed or minute == start_minute:
                for composite in self.composite_order:
                    new = ALARM if composite.rule.evaluate(clock.states) else OK
                    current = clock.states[composite.name]
                    if new != current:
                        self._change(clock, composite, current, new, minute, muted)
            if clock.pending:
                self._resolve_pending(clock, minute, muted)
            if clock.held:
                self._release_held(clock, minute, muted)
        for pending in clock.pending:
            held = clock.transitions[pending.transition_index]
            clock.transitions[pending.transition_index] = Transition(
                held.minute, held.alarm, held.from_state, held.to_state, (), None, "WaitPeriod (simulation ended)")
        return sorted(clock.transitions, key=lambda t: t.minute)

    def _timeline(self, alarm: MetricAlarm, first_end: int, start: int, end: int, cache: dict) -> list[tuple[int, str]]:
        """(minute, new state) for every change of ``alarm`` in ``[start, end]``, from the initial state."""
        pm = period_minutes(alarm.period)
        size = evaluation_range_size(alarm.evaluation_periods)
        data: AlarmDatapoints = compute_datapoints(alarm, self.store, first_end, end, cache)
        hourly = alarm.period * alarm.evaluation_periods > 86400
        dynamo = any(m.key.namespace == "AWS/DynamoDB" for m in alarm.metrics())
        treat = "ignore" if dynamo else alarm.treat_missing  # AWS/DynamoDB alarms always ignore missing data
        low_limit = None
        if alarm.metric is not None and alarm.evaluate_low_sample == "ignore":
            low_limit = alarm.metric.statistic.low_sample_limit()
        codes = data.decided_codes(pm, alarm.evaluation_periods, alarm.datapoints_to_alarm)
        offset = start - first_end
        minutes = np.arange(start, end + 1)
        state = codes[offset:offset + len(minutes)].astype(np.int8)  # 1 ALARM, 0 OK, -1 evaluate, -2 keep
        eligible = np.ones(len(minutes), dtype=bool)
        if hourly:
            eligible &= minutes % 60 == 0  # windows over a day are evaluated at the top of each hour
        if low_limit is not None:
            # EvaluateLowSampleCountPercentile=ignore: keep the state while samples are few
            eligible &= np.asarray(data.counts)[offset:offset + len(minutes)] >= low_limit
        state[~eligible] = -2
        flags = data.flags()
        names = {ALARM: 1, OK: 0, INSUFFICIENT_DATA: 3}
        undecided = np.flatnonzero(state == -1)
        if len(undecided):
            # No real datapoint in the whole evaluation range (a metric that publishes only on failure): the
            # treatment alone decides, as in the guide's "- - - - -" row.
            at = undecided + offset
            real = np.zeros(len(at), dtype=np.int64)
            for k in range(size):
                back = at - k * pm
                real += (back >= 0) & (flags[np.maximum(back, 0)] >= 0)
            empty = undecided[real == 0]
            state[empty] = {"missing": 3, "ignore": -2, "breaching": 1, "notBreaching": 0}[treat]
        for i in np.flatnonzero(state == -1).tolist():
            at = offset + i
            points = [None if at - k * pm < 0 or flags[at - k * pm] < 0 else bool(flags[at - k * pm] == 1)
                      for k in range(size - 1, -1, -1)]
            new = evaluate_range(points, alarm.evaluation_periods, alarm.datapoints_to_alarm, treat, "KEEP")
            state[i] = -2 if new == "KEEP" else names[new]
        # Carry the last decided state through the minutes that keep it, then keep only the changes.
        decided = state >= 0
        last = np.maximum.accumulate(np.where(decided, np.arange(len(state)), -1))
        initial = names[self.initial_state]
        filled = np.where(last >= 0, state[np.maximum(last, 0)], initial)
        previous = np.concatenate(([initial], filled[:-1]))
        by_code = {1: ALARM, 0: OK, 3: INSUFFICIENT_DATA}
        return [(start + i, by_code[int(filled[i])]) for i in np.flatnonzero(filled != previous).tolist()]

    def _muted_by(self, name: str, minute: int, muted: dict[str, tuple[set[str], set[int]]]) -> str | None:
        for rule_name, (targets, minutes) in muted.items():
            if name in targets and minute in minutes:
                return f"AlarmMuteRule:{rule_name}"
        return None

    def _change(self, clock: _Clock, alarm: MetricAlarm | CompositeAlarm, old: str, new: str, minute: int,
                muted: dict[str, tuple[set[str], set[int]]]) -> None:
        clock.states[alarm.name] = new
        if old == ALARM:
            clock.suppressor_left_alarm[alarm.name] = minute
        actions = alarm.actions_for(new)
        held: str | None = None
        if (alarm.name, minute) in clock.warming:
            held = "WarmUp"  # a deploy created or updated it: INSUFFICIENT_DATA, no actions, until warm-up ends
        elif not actions:
            pass
        elif not alarm.actions_enabled:
            held = "ActionsEnabled=false"
        elif (mute := self._muted_by(alarm.name, minute, muted)) is not None:
            held = mute
        elif isinstance(alarm, CompositeAlarm) and alarm.suppressor:
            suppressor_state = clock.states.get(alarm.suppressor, INSUFFICIENT_DATA)
            left = clock.suppressor_left_alarm.get(alarm.suppressor)
            if suppressor_state == ALARM:
                held = f"ActionsSuppressor:{alarm.suppressor}"
            elif left is not None and (minute - left) * 60 < alarm.extension_period:
                held = f"ExtensionPeriod:{alarm.suppressor}"
            elif alarm.wait_period > 0:
                clock.transitions.append(Transition(minute, alarm.name, old, new))
                deadline = minute + -(-alarm.wait_period // 60)
                clock.pending.append(_Pending(len(clock.transitions) - 1, alarm, deadline))
                return
        if held:
            clock.transitions.append(Transition(minute, alarm.name, old, new, (), None, held))
            if new == ALARM and not held.startswith(("ActionsEnabled", "WarmUp")):
                clock.held.append(_Held(len(clock.transitions) - 1, alarm))
        else:
            clock.transitions.append(Transition(minute, alarm.name, old, new, tuple(actions), minute if actions else None))

    def _resolve_pending(self, clock: _Clock, minute: int, muted: dict[str, tuple[set[str], set[int]]]) -> None:
        still: list[_Pending] = []
        for pending in clock.pending:
            transition = clock.transitions[pending.transition_index]
            composite = pending.composite
            if clock.states.get(composite.suppressor or "", INSUFFICIENT_DATA) == ALARM:
                held = f"ActionsSuppressor:{composite.suppressor} (within WaitPeriod)"
                clock.transitions[pending.transition_index] = Transition(
                    transition.minute, transition.alarm, transition.from_state, transition.to_state, (), None, held)
                if transition.to_state == ALARM:
                    clock.held.append(_Held(pending.transition_index, composite))
            elif minute >= pending.deadline:
                if clock.states[composite.name] != transition.to_state:
                    held = "state changed again within WaitPeriod"
                    actions: tuple[str, ...] = ()
                else:
                    held = self._muted_by(composite.name, minute, muted)
                    actions = () if held else composite.actions_for(transition.to_state)
                clock.transitions[pending.transition_index] = Transition(
                    transition.minute, transition.alarm, transition.from_state, transition.to_state, tuple(actions),
                    minute if actions else None, held)
                if held and transition.to_state == ALARM and clock.states[composite.name] == ALARM:
                    clock.held.append(_Held(pending.transition_index, composite))
            else:
                still.append(pending)
        clock.pending = still

    def _hold_reason(self, clock: _Clock, alarm: MetricAlarm | CompositeAlarm, minute: int,
                     muted: dict[str, tuple[set[str], set[int]]]) -> str | None:
        """What still holds the alarm's actions at ``minute`` (None: nothing, they may run)."""
        if (mute := self._muted_by(alarm.name, minute, muted)) is not None:
            return mute
        if isinstance(alarm, CompositeAlarm) and alarm.suppressor:
            if clock.states.get(alarm.suppressor, INSUFFICIENT_DATA) == ALARM:
                return f"ActionsSuppressor:{alarm.suppressor}"
            left = clock.suppressor_left_alarm.get(alarm.suppressor)
            if left is not None and (minute - left) * 60 < alarm.extension_period:
                return f"ExtensionPeriod:{alarm.suppressor}"
        return None

    def _release_held(self, clock: _Clock, minute: int, muted: dict[str, tuple[set[str], set[int]]]) -> None:
        """Run the held ALARM actions of alarms still in ALARM whose mute window or suppression has ended."""
        still: list[_Held] = []
        for entry in clock.held:
            transition = clock.transitions[entry.transition_index]
            later = any(t.alarm == transition.alarm for t in clock.transitions[entry.transition_index + 1:])
            if later or clock.states[entry.alarm.name] != ALARM:
                continue  # the alarm left ALARM (or changed again) while held: nothing left to release
            if self._hold_reason(clock, entry.alarm, minute, muted) is not None:
                still.append(entry)
                continue
            clock.transitions[entry.transition_index] = Transition(
                transition.minute, transition.alarm, transition.from_state, transition.to_state,
                tuple(entry.alarm.actions_for(ALARM)), minute, None, transition.held_by)
        clock.held = still


def warm_up_end(alarm: MetricAlarm, deploy: int) -> int:
    """The minute ``alarm``'s warm-up after a deploy at ``deploy`` ends (see the module docstring).

    Example
    -------
    >>> from tools.alarmsim.model import MetricAlarm
    >>> alarm = MetricAlarm("a", "A", "LessThanThreshold", 0.5, 2, 2, 60, warm_up_minutes=5)
    >>> warm_up_end(alarm, 100), warm_up_end(MetricAlarm("a", "A", "LessThanThreshold", 0.5, 2, 2, 60,
    ...                                                   warm_up_minutes=5, warm_up_full=True), 100)
    (102, 105)
    """
    if alarm.warm_up_full:
        return deploy + alarm.warm_up_minutes
    return deploy + min(alarm.warm_up_minutes, period_minutes(alarm.period) * alarm.evaluation_periods)


def warm_up_timeline(timeline: list[tuple[int, str]], alarm: MetricAlarm, deploys: Sequence[int], initial: str,
                     end: int) -> tuple[list[tuple[int, str]], list[int]]:
    """``timeline`` (minute, new state) with each deploy's warm-up applied: INSUFFICIENT_DATA from the deploy to
    the warm-up's end, then the state the alarm evaluates to then. Returns the changes and the minutes a warm-up
    began at.

    Example
    -------
    >>> from tools.alarmsim.model import MetricAlarm
    >>> alarm = MetricAlarm("a", "A", "LessThanThreshold", 0.5, 2, 2, 60, warm_up_minutes=5, warm_up_full=True)
    >>> warm_up_timeline([(10, "ALARM")], alarm, [11], "OK", 60)
    ([(10, 'ALARM'), (11, 'INSUFFICIENT_DATA'), (16, 'ALARM')], [11])
    """
    minutes = [minute for minute, _ in timeline]

    def underlying(minute: int) -> str:
        at = bisect_right(minutes, minute)
        return timeline[at - 1][1] if at else initial

    windows = [(d, warm_up_end(alarm, d)) for d in sorted(set(deploys))]
    events = [(m, s, 1) for m, s in timeline if not any(a <= m < b for a, b in windows)]
    for a, b in windows:
        if a <= end:
            events.append((a, INSUFFICIENT_DATA, 0))
        if b <= end:
            events.append((b, underlying(b), 2))
    events.sort(key=lambda e: (e[0], e[2]))
    result: list[tuple[int, str]] = []
    began: list[int] = []
    current = initial
    for minute, state, kind in events:
        if result and result[-1][0] == minute:  # one state per minute: the later event of the minute decides
            result.pop()
            current = result[-1][1] if result else initial
        if state != current:
            result.append((minute, state))
            current = state
            if kind == 0:
                began.append(minute)
    return result, [m for m in began if (m, INSUFFICIENT_DATA) in result]
