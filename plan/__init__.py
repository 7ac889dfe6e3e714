"""The monitoring plan: every fact about what watchtower monitors, resolved once, as plain data.

config -> plan -> render: ``plan/`` reads the validated config (``config/``) and the standard library only,
never aws_cdk, so stacks, dashboards, the cost estimate and the scenario runner all read the same facts.

- ``plan.catalog``: the alarm catalog, the single source of alarm families, the resource kinds each applies
  to and their default thresholds, with override resolution (``resolve_threshold``).
- ``plan.enums``: comparison, missing-data treatment and severity; member names equal aws_cdk's.
- ``plan.signals``: what an alarm watches (``Signal`` over a ``MetricSpec`` or ``MathSpec``) and the guarded
  rate builders.
- ``plan.discovery``: resources of a service declared by ``template:``.
"""
