"""Burn-rate alarms of one service's SLOs: per SLI, one metric-math alarm per window, an AND composite per
pair, a page composite (OR of the page pairs) and a ticket composite (warning topic).

The page composite has no actions of its own: it is a child of the service's paging composite, so an incident
that burns the budget and also trips ServiceDown or HighErrorRate pages once, from one place, and resolves there.
"""
from __future__ import annotations

from aws_cdk import aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as actions, aws_sns as sns
from constructs import Construct

from config.schema import EnvironmentConfig
from config.services import ServiceConfig, ServiceResources, SloConfig
from dashboards.model import AlarmRef
from plan.catalog import GT, NOT_BREACHING, Threshold
from stacks.monitoring.alarm_factory import AlarmSpec, create_alarm, describe, runbook_url, tag_alarm
from stacks.monitoring.composites import SUPPRESSOR_EXTENSION, SUPPRESSOR_WAIT
from stacks.monitoring.metrics.common import Signal
from stacks.naming import alarm_name
from stacks.slo.signals import bad_ratio, pick_source
from stacks.slo.windows import (
    BURN_PAIRS,
    LONG_BAND_SHARE,
    SHORT_FLOOR_SHARE,
    BurnPair,
    burn_threshold,
    min_events,
    window_label,
)

__all__ = ["ServiceSlos", "FAMILY"]

FAMILY = "SloBurnRate"
_SEVERITY = {"page": "critical", "ticket": "warning"}


class ServiceSlos(Construct):
    """The SLO alarms of one service. ``page`` holds the page composites per SLI (children for the service's
    paging composite, no actions), ``ticket`` the ticket composites (warning topic, held by ``maintenance``);
    ``alarm_refs`` lists everything for dashboards.

    Example
    -------
    >>> slos = ServiceSlos(stack, "Slo", cfg=cfg, service=svc, resources=svc.resources, topics=alerting.topics,
    ...                    maintenance=switch.alarm)  # doctest: +SKIP
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig, service: ServiceConfig,
                 resources: ServiceResources, topics: dict[str, sns.ITopic],
                 maintenance: cloudwatch.IAlarm | None) -> None:
        super().__init__(scope, construct_id)
        self.alarm_refs: list[AlarmRef] = []
        self.page: list[cloudwatch.CompositeAlarm] = []
        self.ticket: list[cloudwatch.CompositeAlarm] = []
        slo = service.slo
        source = pick_source(service.name, slo, resources) if slo else None
        if slo is None or source is None:
            return
        self._cfg, self._service = cfg, service
        self._base_url = service.runbook_base_url or cfg.runbook_base_url
        for sli, objective in (("availability", slo.availability), ("latency", slo.latency)):
            if objective is None:
                continue
            resource = f"slo-{sli}"
            pairs: dict[str, list[cloudwatch.IAlarm]] = {"page": [], "ticket": []}
            for pair in BURN_PAIRS:
                windows = [self._window(sli, resource, objective, pair, w, source, slo.latency_threshold_ms)
                           for w in (pair.long_window, pair.short_window)]
                windows.append(self._window(sli, resource, objective, pair, pair.short_window, source,
                                            slo.latency_threshold_ms, floor=True))
                rule = cloudwatch.AlarmRule.all_of(*(self._in_alarm(a) for a in windows))
                if pair.budget_window:
                    # long over the factor, or over LONG_BAND_SHARE of it once the pair's budget share is spent
                    band = self._window(sli, resource, objective, pair, pair.long_window, source,
                                        slo.latency_threshold_ms, share=LONG_BAND_SHARE, which="LongBand")
                    budget = self._window(sli, resource, objective, pair, pair.budget_window, source,
                                          slo.latency_threshold_ms, share=pair.budget_factor / pair.factor,
                                          which="Budget")
                    long_ok = cloudwatch.AlarmRule.any_of(
                        self._in_alarm(windows[0]),
                        cloudwatch.AlarmRule.all_of(self._in_alarm(band), self._in_alarm(budget)))
                    rule = cloudwatch.AlarmRule.all_of(long_ok, self._in_alarm(windows[1]), self._in_alarm(windows[2]))
                pairs[pair.action].append(self._composite(
                    resource, f"Burn{pair.name}", _SEVERITY[pair.action], rule,
                    f"{sli} SLO {objective}% burning {pair.factor:g}x over {window_label(pair.long_window)} and "
                    f"{window_label(pair.short_window)}", topic=None, suppressor=None))
            self.page.append(self._composite(
                resource, "SloPage", "critical", self._any(pairs["page"]),
                f"{sli} SLO {objective}% fast burn (pages through the service's paging composite)", None, None))
            self.ticket.append(self._composite(
                resource, "SloTicket", "warning", self._any(pairs["ticket"]),
                f"{sli} SLO {objective}% slow burn (ticket)", topics["warning"], maintenance))

    @staticmethod
    def _in_alarm(alarm: cloudwatch.IAlarm) -> cloudwatch.IAlarmRule:
        return cloudwatch.AlarmRule.from_alarm(alarm, cloudwatch.AlarmState.ALARM)

    @staticmethod
    def _any(alarms: list[cloudwatch.IAlarm]) -> cloudwatch.IAlarmRule:
        return cloudwatch.AlarmRule.any_of(*(cloudwatch.AlarmRule.from_alarm(a, cloudwatch.AlarmState.ALARM)
                                             for a in alarms))

    def _window(self, sli: str, resource: str, objective: float, pair: BurnPair, window: int, source,
                latency_threshold_ms: int, floor: bool = False, share: float | None = None,
                which: str | None = None) -> cloudwatch.Alarm:
        """One window alarm. ``floor``: the short window's reset companion, over SHORT_FLOOR_SHARE of the
        threshold, judged on the same request and bad-event floors as the short window itself (so the short
        window breaching implies it), 1 of 1: it goes OK within one short window once the burn really stops."""
        threshold_value = burn_threshold(pair.factor, objective)
        # Windows exist only for a service with an SLO; its bad-event floor applies to every window.
        min_bad_events = self._service.slo.min_bad_events if self._service.slo else SloConfig().min_bad_events
        label = window_label(window)
        hold = pair.short_hold if window == pair.short_window and not floor and share is None else 1
        factor = pair.factor * (SHORT_FLOOR_SHARE if floor else (share or 1))
        which = which or ("ShortFloor" if floor else ("Long" if window == pair.long_window else "Short"))
        spec = AlarmSpec(
            service=self._service.name, resource=resource, family=FAMILY, severity=_SEVERITY[pair.action],
            signal=Signal(bad_ratio(source, sli, window, min_events(threshold_value), latency_threshold_ms,
                                    min_bad_events)),
            threshold=Threshold(burn_threshold(factor, objective), period=window, evaluation_periods=hold,
                                datapoints_to_alarm=1),
            comparison=GT, treat_missing=NOT_BREACHING, unit="",
            what=f"{sli} bad-event ratio over {label} ({factor:g}x burn of a {objective}% objective)",
            signal_name=f"Burn{pair.name}{which}")
        suffix = "Floor" if floor else ("" if which in ("Long", "Short") else which)
        created = create_alarm(self, f"{sli.title()}{pair.name}{label}{suffix}", cfg=self._cfg,
                               spec=spec, runbook_base_url=self._base_url, notify=None)
        self.alarm_refs.append(created.ref)
        return created.alarm

    def _composite(self, resource: str, signal: str, severity: str, rule: cloudwatch.IAlarmRule, what: str,
                   topic: sns.ITopic | None, suppressor: cloudwatch.IAlarm | None) -> cloudwatch.CompositeAlarm:
        name = alarm_name(self._cfg, self._service.name, resource, signal, severity)
        composite = cloudwatch.CompositeAlarm(
            self, f"{resource.title().replace('-', '')}{signal}", composite_alarm_name=name, alarm_rule=rule,
            alarm_description=describe(f"{severity.upper()} {what} of service {self._service.name}",
                                       runbook_url(self._base_url, FAMILY)),
            actions_suppressor=suppressor,
            actions_suppressor_wait_period=SUPPRESSOR_WAIT if suppressor else None,
            actions_suppressor_extension_period=SUPPRESSOR_EXTENSION if suppressor else None)
        if topic is not None:
            composite.add_alarm_action(actions.SnsAction(topic))
            composite.add_ok_action(actions.SnsAction(topic))
        tag_alarm(composite, self._cfg, self._service.name, severity)
        self.alarm_refs.append(AlarmRef(name=name, arn=composite.alarm_arn, service=self._service.name,
                                        severity=severity, kind="composite", family=FAMILY, resource=resource))
        return composite
