"""The plan as JSON (``plan.json``), as an inventory in words, and the difference of two plans in words.

``plan.json`` schema, version 1 (``schema_version``; a field is only ever added within a version, a rename or
removal bumps it)::

    schema_version  int (1)
    app, env, region  str
    topics          {severity: topic name}     where each severity's notifications go (home region)
    regional_topics {region: {severity: topic name}}  the topics of each other region with services
    accounts        {name: account id}         the organization's source accounts (empty without organization:)
    maintenance     str                        the manual maintenance switch (suppressor of people-reaching composites)
    services        [{name, account (name) | null, account_id | null, region | null, parts, runbook_base_url,
                      skipped: [str],
                      sli_source: {resource, namespace, dimensions: {name: value}, requests, errors, latency} | null,
                      objectives: {availability, latency, latency_threshold_ms} | null,
                      resources: [{kind, name, label, discovered, log_group, part}]}]
    alarms          [{name, service, account | null, region | null, resource, kind, family, severity,
                      type (metric|math|anomaly|log),
                      value (what the alarm compares), unit, comparison, missing, period, evaluation_periods,
                      datapoints, min_requests, min_bad, what, signal (see below) | null,
                      actions: [topic], ok_actions: [topic], composites: [name], reaches: [topic], pages: bool,
                      stack, description, runbook_url}]
    composites      [{name, service, account | null, region | null, resource, family, severity,
                      rule (CloudWatch's text, names for ARNs),
                      children: [name], suppressor | null, actions: [topic], ok_actions: [topic],
                      composites: [name], reaches: [topic], pages: bool, stack, description, runbook_url}]
    slos            [{service, sli, objective, source, windows: [{pair, which, seconds, alarm}], pairs: [name],
                      page, ticket, native_name (the Application Signals SLO) | null}]

A signal is ``{metric: M, scale, percentile, anomaly}`` where M is ``{namespace, name, dimensions: {..},
statistic, period, label}`` or ``{expression, using: {id: M}, period, label}``. ``actions`` are the topics an
entry notifies itself; ``reaches`` adds those of the composites above it, and ``pages`` is true when the
critical topic is among them. Topics are named as in the entry's region (a service in another region notifies that
region's topics). A service's ``account`` is the name it sets (its alarm names carry it); null is the
environment's own account.

Example
-------
>>> from config.loader import load_config
>>> from plan.build import plan_environment
>>> doc = plan_json(plan_environment(load_config("prod")))
>>> doc["schema_version"], doc["topics"]["critical"]
(1, 'watchtower-prod-alerts-critical')
>>> old = {**doc, "alarms": [dict(a, value=5.0) if a["name"].endswith("orders-create-HighErrorRate-warning")
...                          else a for a in doc["alarms"]]}
>>> new = {**doc, "alarms": [dict(a, value=3.0) if a["name"].endswith("orders-create-HighErrorRate-warning")
...                          else a for a in doc["alarms"][1:]]}
>>> for line in describe_changes(old, new):
...     print(line)
all maintenance Maintenance info: removed (watchtower-prod-all-maintenance-Maintenance-info)
orders orders-create HighErrorRate warning: 5 % -> 3 %
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from plan.enums import Severity
from plan.model import AlarmPlan, CompositePlan, Plan
from plan.signals import MathSpec, MetricLike, MetricSpec, Signal

__all__ = ["plan_json", "inventory", "restrict", "describe_changes", "SCHEMA_VERSION"]

SCHEMA_VERSION = 1


def _metric(spec: MetricLike) -> dict[str, Any]:
    if isinstance(spec, MathSpec):
        return {"expression": spec.expression, "using": {k: _metric(m) for k, m in spec.using},
                "period": spec.period, "label": spec.label}
    assert isinstance(spec, MetricSpec)
    from plan.deploy_time import shown  # a key read at deploy says where it comes from

    return {"namespace": spec.namespace, "name": spec.name, "dimensions": {k: shown(v) for k, v in spec.dimensions},
            "statistic": spec.statistic, "period": spec.period, "label": spec.label}


def _signal(signal: Signal | None) -> dict[str, Any] | None:
    if signal is None:
        return None
    return {"metric": _metric(signal.metric), "scale": signal.scale, "percentile": signal.percentile,
            "anomaly": signal.anomaly}


def _reaches(plan: Plan) -> dict[str, set[Severity]]:
    """The severities whose topics hear of each alarm and composite, itself or through the composites above."""
    entries: dict[str, AlarmPlan | CompositePlan] = {e.name: e for e in plan.alarms}
    entries.update({c.name: c for c in plan.composites})
    found: dict[str, set[Severity]] = {}
    for name in entries:
        todo, seen, reached = [name], set(), set[Severity]()
        while todo:
            current = todo.pop()
            seen.add(current)
            entry = entries.get(current)
            if entry is not None:
                reached.update(entry.actions)
                todo.extend(p for p in entry.composites if p not in seen)
        found[name] = reached
    return found


def plan_json(plan: Plan) -> dict[str, Any]:
    """The plan as the JSON document the module docstring describes."""
    reaches = _reaches(plan)
    by_region: dict[str | None, dict[str, str]] = {
        region: {str(s): name for s, name in plan.topics_in(region).items()}
        for region in {plan.region, *(r for r, _ in plan.regional_topics)}}
    accounts = {s.name: s.account for s in plan.services}

    def where(service: str) -> tuple[str | None, str | None, dict[str, str]]:
        region = plan.region_of(service)
        return accounts.get(service), region, by_region[region]

    def alarm(a: AlarmPlan) -> dict[str, Any]:
        t = a.threshold
        account, region, topics = where(a.service)
        return {"name": a.name, "service": a.service, "account": account, "region": region,
                "resource": a.resource, "kind": a.kind, "family": a.family,
                "severity": str(a.severity), "type": a.type, "value": a.value, "unit": a.unit,
                "comparison": a.comparison.value, "missing": a.missing.value,
                "period": a.signal.period if a.signal else t.period, "evaluation_periods": t.evaluation_periods,
                "datapoints": t.datapoints, "min_requests": t.min_requests, "min_bad": t.min_bad, "what": a.what,
                "signal": _signal(a.signal), "actions": [topics[s] for s in a.actions],
                "ok_actions": [topics[s] for s in a.ok_actions], "composites": list(a.composites),
                "reaches": sorted(topics[s] for s in reaches[a.name]), "pages": Severity.CRITICAL in reaches[a.name],
                "stack": a.stack, "description": a.description, "runbook_url": a.runbook_url}

    def composite(c: CompositePlan) -> dict[str, Any]:
        account, region, topics = where(c.service)
        return {"name": c.name, "service": c.service, "account": account, "region": region,
                "resource": c.resource, "family": c.family,
                "severity": str(c.severity), "rule": c.rule.text(), "children": list(c.children),
                "suppressor": c.suppressor, "actions": [topics[s] for s in c.actions],
                "ok_actions": [topics[s] for s in c.ok_actions], "composites": list(c.composites),
                "reaches": sorted(topics[s] for s in reaches[c.name]), "pages": Severity.CRITICAL in reaches[c.name],
                "stack": c.stack, "description": c.description, "runbook_url": c.runbook_url}

    services = []
    for s in plan.services:
        source = s.sli_source
        services.append({
            "name": s.name, "account": s.account, "account_id": s.account_id, "region": s.region, "parts": s.parts,
            "runbook_base_url": s.runbook_base_url, "skipped": list(s.skipped),
            "sli_source": None if source is None else {
                "resource": source.resource, "namespace": source.namespace, "dimensions": dict(source.dimensions),
                "requests": source.requests, "errors": source.errors, "latency": source.latency},
            "objectives": None if s.objectives is None else {
                "availability": s.objectives.availability, "latency": s.objectives.latency,
                "latency_threshold_ms": s.objectives.latency_threshold_ms},
            "resources": [{"kind": r.kind, "name": r.name, "label": r.label, "discovered": r.discovered,
                           "log_group": r.log_group, "part": r.part} for r in s.resources]})
    return {
        "schema_version": SCHEMA_VERSION, "app": plan.app, "env": plan.env, "region": plan.region,
        "topics": by_region[plan.region], "maintenance": plan.maintenance,
        "regional_topics": {region: by_region[region] for region, _ in plan.regional_topics},
        "accounts": dict(plan.accounts), "services": services,
        "alarms": [alarm(a) for a in plan.alarms], "composites": [composite(c) for c in plan.composites],
        "slos": [{"service": o.service, "sli": o.sli, "objective": o.objective, "source": o.source.resource,
                  "windows": [{"pair": w.pair, "which": w.which, "seconds": w.seconds, "alarm": w.alarm}
                              for w in o.windows], "pairs": list(o.pairs), "page": o.page, "ticket": o.ticket,
                  "native_name": o.native_name}
                 for o in plan.slos],
    }


def _minutes(seconds: int) -> str:
    if seconds % 86400 == 0:
        return f"{seconds // 86400} d"
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    return f"{seconds // 60} min" if seconds >= 60 else f"{seconds} s"


def _value(a: Mapping[str, Any]) -> str:
    unit = {"count": "", "std devs": " std devs", "%": " %", "": ""}.get(a["unit"], f" {a['unit'].strip()}")
    if a["family"] == "DurationNearTimeout":
        unit = " ms"
    return f"{a['value']:g}{unit}"


_SYMBOL = {"GreaterThanThreshold": ">", "GreaterThanOrEqualToThreshold": ">=", "LessThanThreshold": "<",
           "LessThanOrEqualToThreshold": "<=", "LessThanLowerThreshold": "below band"}


def _short(topic: str) -> str:
    return topic.rsplit("-", 1)[-1]


def inventory(doc: Mapping[str, Any]) -> list[str]:
    """Per service: each alarm, its severity, what it watches, threshold and window, whom it notifies, and
    whether (through which composite) it pages.

    Example
    -------
    >>> from config.loader import load_config
    >>> from plan.build import plan_environment
    >>> lines = inventory(plan_json(plan_environment(load_config("prod"))))
    >>> lines[0]
    'watchtower prod (eu-west-1): 188 alarms, 39 composites; pages go to watchtower-prod-alerts-critical'
    """
    scope = doc.get("scope")
    where = f" ({doc['region']})" if not scope else f" ({scope['label']}: {len(doc['services'])} of " \
        f"{scope['services']} services)"
    lines = [f"{doc['app']} {doc['env']}{where}: {len(doc['alarms'])} alarms, "
             f"{len(doc['composites'])} composites; pages go to {doc['topics']['critical']}"]
    by_service: dict[str, list[Mapping[str, Any]]] = {}
    for a in doc["alarms"]:
        by_service.setdefault(a["service"], []).append(a)
    composites = {c["name"]: c for c in doc["composites"]}
    services = {s["name"]: s for s in doc["services"]}
    for name, alarms in by_service.items():
        service = services.get(name)
        head = f"\n{name}"
        shown = name  # the service as its names show it
        if service:
            discovered = sum(r["discovered"] for r in service["resources"])
            if service.get("account"):
                shown = f"{service['account']}-{name}"
            if doc.get("accounts"):
                account = (f"account {service['account']} ({service['account_id']})" if service.get("account")
                           else "the monitoring account")
                head += f" in {account}, {service.get('region') or doc['region']}"
            head += (f": {len(service['resources'])} resources ({discovered} discovered), "
                     f"{service['parts']} stack(s)")
        lines.append(head)
        lines.append(f"  {'alarm':<58} {'severity':<8} {'threshold':<16} {'window':<18} {'reaches':<9} pages via")
        for a in alarms:
            window = f"{a['datapoints']} of {a['evaluation_periods']} x {_minutes(a['period'])}"
            threshold = f"{_SYMBOL.get(a['comparison'], a['comparison'])} {_value(a)}"
            reaches = ",".join(_short(t) for t in a["reaches"]) or "-"
            via = "-"
            if a["pages"]:
                chain = [c for c in a["composites"] if composites.get(c, {}).get("pages")]
                via = chain[0].removeprefix(f"{doc['app']}-{doc['env']}-{shown}-") if chain else "-"
            label = f"{a['resource']} {a['family']}"
            lines.append(f"  {label:<58} {a['severity']:<8} {threshold:<16} {window:<18} {reaches:<9} {via}")
            lines.append(f"      watches: {a['what']}")
        for c in (c for c in doc["composites"] if c["service"] == name and c["actions"]):
            held = " (held by maintenance)" if c["suppressor"] else ""
            lines.append(f"  composite {c['name']}: any of {len(c['children'])} -> "
                         f"{','.join(_short(t) for t in c['actions'])}{held}")
    return lines


def restrict(doc: Mapping[str, Any], services: Sequence[str], label: str) -> dict[str, Any]:
    """``doc`` with only the services named (their alarms, composites and SLOs); ``scope`` says what was chosen.

    Example
    -------
    >>> from config.loader import load_config
    >>> from plan.build import plan_environment
    >>> doc = restrict(plan_json(plan_environment(load_config("prod"))), ["payments"], "region eu-west-1")
    >>> inventory(doc)[0]  # doctest: +ELLIPSIS
    'watchtower prod (region eu-west-1: 1 of 3 services): ... alarms, ... composites; pages go to ...'
    """
    keep = set(services)
    return {**doc, "scope": {"label": label, "services": len(doc["services"])},
            "services": [s for s in doc["services"] if s["name"] in keep],
            "alarms": [a for a in doc["alarms"] if a["service"] in keep],
            "composites": [c for c in doc["composites"] if c["service"] in keep],
            "slos": [o for o in doc["slos"] if o["service"] in keep]}


def _key(a: Mapping[str, Any]) -> str:
    return f"{a['service']} {a['resource']} {a['family']} {a['severity']}"


def describe_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """What going from plan ``old`` to plan ``new`` does to monitoring, one line per change, in words."""
    lines: list[str] = []
    before = {a["name"]: a for a in old["alarms"]}
    after = {a["name"]: a for a in new["alarms"]}
    for name in sorted(set(before) | set(after), key=lambda n: _key(after.get(n) or before[n])):
        a, b = before.get(name), after.get(name)
        if a is None:
            assert b is not None
            lines.append(f"{_key(b)}: new alarm ({name}), {_SYMBOL.get(b['comparison'], b['comparison'])} "
                         f"{_value(b)} in {b['datapoints']} of {b['evaluation_periods']} x {_minutes(b['period'])}"
                         f"{', pages' if b['pages'] else ''}")
            continue
        if b is None:
            lines.append(f"{_key(a)}: removed ({name})")
            continue
        changes = []
        if a["value"] != b["value"] or a["comparison"] != b["comparison"]:
            changes.append(f"{_value(a)} -> {_value(b)}" if a["comparison"] == b["comparison"] else
                           f"{_SYMBOL.get(a['comparison'])} {_value(a)} -> {_SYMBOL.get(b['comparison'])} {_value(b)}")
        if (a["period"], a["evaluation_periods"], a["datapoints"]) != (b["period"], b["evaluation_periods"],
                                                                       b["datapoints"]):
            changes.append(f"window {a['datapoints']} of {a['evaluation_periods']} x {_minutes(a['period'])} -> "
                           f"{b['datapoints']} of {b['evaluation_periods']} x {_minutes(b['period'])}")
        for field, label in (("min_requests", "traffic guard"), ("min_bad", "bad-event floor"),
                             ("missing", "missing data")):
            if a.get(field) != b.get(field):
                changes.append(f"{label} {a.get(field)} -> {b.get(field)}")
        if a["actions"] != b["actions"]:
            changes.append(f"notifies {','.join(a['actions']) or 'nobody'} -> {','.join(b['actions']) or 'nobody'}")
        if a["pages"] != b["pages"]:
            changes.append("now pages" if b["pages"] else "no longer pages")
        if changes:
            lines.append(f"{_key(b)}: {'; '.join(changes)}")
    old_c, new_c = {c["name"]: c for c in old["composites"]}, {c["name"]: c for c in new["composites"]}
    for name in sorted(set(old_c) | set(new_c)):
        a, b = old_c.get(name), new_c.get(name)
        if a is None:
            lines.append(f"composite {name}: new, any of {len(b['children'])}")  # type: ignore[index]
        elif b is None:
            lines.append(f"composite {name}: removed")
        elif a["rule"] != b["rule"] or a["actions"] != b["actions"] or a["suppressor"] != b["suppressor"]:
            gained = sorted(set(b["children"]) - set(a["children"]))
            lost = sorted(set(a["children"]) - set(b["children"]))
            detail = [f"+{len(gained)} child(ren)"] if gained else []
            detail += [f"-{len(lost)} child(ren)"] if lost else []
            if a["actions"] != b["actions"]:
                detail.append(f"notifies {','.join(a['actions']) or 'nobody'} -> {','.join(b['actions']) or 'nobody'}")
            lines.append(f"composite {name}: {'; '.join(detail) or 'rule changed'}")
    return lines

