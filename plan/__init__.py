"""The monitoring plan: every fact about what watchtower monitors, resolved once, as plain data.

config -> plan -> render: ``plan/`` reads the validated config (``config/``) and the standard library only,
never aws_cdk, so the stacks, dashboards, the cost estimate and the scenario runner all read the same facts.
``plan_environment(cfg)`` (plan.build) gives a ``Plan`` (plan.model):

- ``schema_version``, ``app``, ``env``, ``region``;
- ``topics``: ``(severity, topic name)`` pairs: where an action of that severity goes;
- ``maintenance``: the name of the manual maintenance switch (every people-reaching composite's suppressor);
- ``services``: per service (``ServicePlan``) its resources, listed and discovered from ``template:``
  (``ResourcePlan``: kind, name, alarm-name label, discovered, log group, part), how many stacks (``parts``)
  hold them, the SLI source and objectives of its SLO, its runbook base URL, what discovery skipped;
- ``alarms``: every metric, math, anomaly and log alarm (``AlarmPlan``): name, service, resource, kind,
  family, severity, type, signal (what it watches: ``plan.signals.Signal``), the resolved threshold and the
  value compared, comparison and missing-data treatment (``plan.enums``), description and runbook URL,
  actions and OK actions (severities of the topics it notifies), the composites that list it, and its stack and
  construct id; the catalog alarms, canary alarms, SLO windows and the maintenance switch alike;
- ``composites``: every composite (``CompositePlan``): name, rule (``CompositeRule``: ANY/ALL over alarm names),
  children, suppressor, actions, description, the composites that list it, stack and construct id;
- ``slos``: per service and SLI (``SloPlan``) the objective, its source, the burn-rate windows
  (``SloWindow``), pair composites, and the page and ticket composites.

Modules: ``catalog`` (families, where each applies, default thresholds, override resolution), ``enums``,
``signals`` (metric specs and guarded rates), ``metrics`` (the signal of each kind and family), ``slo``
(burn-rate pairs and SLIs), ``discovery`` (resources from a template), ``naming``, ``build``, ``model``, and
``agreement`` (the templates' alarms in the plan's shape, to check one against the other).

Example
-------
>>> from config.loader import load_config
>>> from plan.build import plan_environment
>>> p = plan_environment(load_config("prod"))
>>> [s.name for s in p.services][:2], p.maintenance
(['orders', 'payments'], 'watchtower-prod-all-maintenance-Maintenance-info')
"""
