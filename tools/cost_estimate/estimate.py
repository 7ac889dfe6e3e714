"""Glue: read templates from a cloud-assembly folder, take assumptions and the region from the environment's
config, price each stack at its region, and split the bill per monitored service."""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Sequence

from config.cost import EstimateAssumptions
from tools.cost_estimate.attribution import SHARED, split_by_service
from tools.cost_estimate.bill import Bill, BillLine, merge_bills, price_usage
from tools.cost_estimate.prices import BASE_REGION, PriceBook, load_prices
from tools.cost_estimate.usage import measure
from tools.templates import TemplateError, read_templates as read_template_dir

__all__ = ["EstimateError", "EnvFacts", "estimate", "estimate_dir", "read_templates", "assumptions_for",
           "env_facts", "stack_regions", "scoped_bill"]


class EstimateError(ValueError):
    """The estimate cannot run: no templates, unreadable JSON, an unknown schedule; one line says which."""


def estimate(templates: dict[str, dict[str, Any]], assumptions: EstimateAssumptions, book: PriceBook | None = None,
             config_functions: int = 0) -> Bill:
    """The monthly bill of ``templates`` (stack name -> template) under ``assumptions``.

    Example
    -------
    >>> estimate({"S": {"Resources": {"D": {"Type": "AWS::CloudWatch::Dashboard"}}}}, EstimateAssumptions()).total
    Decimal('3.00')
    """
    return price_usage(measure(templates, assumptions, config_functions), book or load_prices())


@dataclass(frozen=True)
class EnvFacts:
    """What the environment's config and plan say that the bill needs."""

    assumptions: EstimateAssumptions
    region: str | None
    prefix: str  # <app>-<env>, the start of every stack name
    functions: dict[str, list[str]]  # monitored service -> its functions (the plan's: listed or discovered)
    log_groups: dict[str, list[str]] = field(default_factory=dict)  # monitored service -> its functions' log groups


def env_facts(env: str, cfg: Any = None, config_dir: Path | None = None) -> EnvFacts:
    """The facts of ``env`` (or of ``cfg``, an EnvironmentConfig, when given; ``config_dir`` holds ENV.yaml when
    it is not in config/) the bill needs: its config's estimate assumptions and region, and from its plan the
    monitored services with their functions and log groups (defaults when the environment is unknown)."""
    from config.loader import ConfigError, known_environments, load_config
    from plan.build import plan_environment

    if cfg is None and env not in (known_environments(config_dir) if config_dir else known_environments()):
        return EnvFacts(EstimateAssumptions(), None, f"watchtower-{env}", {})
    try:
        cfg = cfg or load_config(env, config_dir)
    except ConfigError as exc:
        raise EstimateError(exc.lines[0]) from None
    plan = plan_environment(cfg)
    functions = {s.name: [r.name for r in s.resources if r.kind == "functions"] for s in plan.services}
    log_groups = {s.name: [r.log_group for r in s.resources if r.kind == "functions" and r.log_group]
                  for s in plan.services}
    return EnvFacts(cfg.cost.estimate, cfg.region, f"{plan.app}-{plan.env}", functions, log_groups)


def assumptions_for(env: str) -> tuple[EstimateAssumptions, int]:
    """The environment's ``cost.estimate`` and how many service functions its config lists (defaults if unknown)."""
    facts = env_facts(env)
    return facts.assumptions, sum(len(fns) for fns in facts.functions.values())


def stack_regions(outdir: Path) -> dict[str, str]:
    """Stack name -> region from the cloud assembly's manifest, for stacks pinned to a region."""
    try:
        manifest = json.loads((Path(outdir) / "manifest.json").read_text())
    except (OSError, ValueError):
        return {}
    regions = {}
    for name, artifact in (manifest.get("artifacts") or {}).items():
        environment = str((artifact or {}).get("environment", ""))
        region = environment.rsplit("/", 1)[-1] if environment.startswith("aws://") else ""
        if artifact.get("type") == "aws:cloudformation:stack" and region and region != "unknown-region":
            regions[(artifact.get("displayName") or name).split("/")[-1]] = region
            regions[name] = region
    return regions


def _book(region: str | None, cache: dict[str | None, PriceBook]) -> PriceBook:
    if region not in cache:
        cache[region] = load_prices(region=region)
    return cache[region]


def _priced(templates: dict[str, dict[str, Any]], assumptions: EstimateAssumptions, config_functions: int,
            main_region: str | None, regions: dict[str, str], books: dict[str | None, PriceBook]) -> Bill:
    """Price each stack at its own region (the config's region when the stack names none)."""
    by_region: dict[str | None, dict[str, dict[str, Any]]] = {}
    for stack, template in templates.items():
        by_region.setdefault(regions.get(stack, main_region), {})[stack] = template
    if not by_region:
        by_region[main_region] = {}
    bills = []
    for region, group in by_region.items():
        functions = config_functions if region == main_region else 0
        bills.append(estimate(group, assumptions, _book(region, books), functions))
    return merge_bills(bills, main=_book(main_region, books).region)


def estimate_dir(outdir: Path, env: str | None = None, book: PriceBook | None = None, cfg: Any = None, *,
                 config_dir: Path | None = None) -> Bill:
    """The bill of the templates in ``outdir`` (``cdk.out/<env>``), priced at the config's region, with
    ``per_service`` holding each monitored service's share.

    ``env`` defaults to the folder's name; an unknown environment uses the default assumptions and us-east-1.

    Example
    -------
    >>> import json, tempfile
    >>> outdir = Path(tempfile.mkdtemp()) / "dev"; outdir.mkdir()
    >>> props = {"AlarmName": "errors", "Namespace": "app", "MetricName": "Errors", "Statistic": "Sum",
    ...          "Period": 60, "EvaluationPeriods": 1, "Threshold": 0, "ComparisonOperator": "GreaterThanThreshold"}
    >>> body = {"Resources": {"A": {"Type": "AWS::CloudWatch::Alarm", "Properties": props}}}
    >>> _ = (outdir / "app.template.json").write_text(json.dumps(body))
    >>> estimate_dir(outdir).region  # dev sets no region
    'us-east-1'
    """
    facts = env_facts(env or Path(outdir).name, cfg, config_dir)  # config_dir: DIR/ENV.yaml outside config/
    templates = read_templates(Path(outdir))
    config_functions = sum(len(fns) for fns in facts.functions.values())
    if book is not None:  # one book for everything (tests)
        return estimate(templates, facts.assumptions, book, config_functions)
    books: dict[str | None, PriceBook] = {}
    regions = stack_regions(Path(outdir))
    total = _priced(templates, facts.assumptions, config_functions, facts.region, regions, books)
    per_service = {}
    groups = split_by_service(templates, facts.log_groups, facts.prefix)
    for service, fns in facts.functions.items():
        if fns:
            groups.setdefault(service, {})  # its functions' layer metrics are billed even with no resource here
    for owner, group in groups.items():
        functions = len(facts.functions.get(owner, ())) if owner != SHARED else 0
        per_service[owner] = _priced(group, facts.assumptions, functions, facts.region, regions, books)
    order = [*facts.functions, SHARED]
    per_service = {k: per_service[k] for k in order if k in per_service}
    notes = list(total.notes)
    if facts.region is None:
        notes.insert(0, f"No region in the config: priced at {BASE_REGION} prices.")
    split_total = sum((b.total for b in per_service.values()), total.total * 0)
    if split_total != total.total:  # volume tiers apply to the whole account, not per service
        notes.append(f"Per-service figures add up to ${split_total:.2f}; the total applies volume tiers once.")
    return replace(total, per_service=per_service, notes=tuple(dict.fromkeys(notes)))


def read_templates(outdir: Path) -> dict[str, dict[str, Any]]:
    """``*.template.json`` of ``outdir`` by stack name (tools.templates), a bad one reported as EstimateError."""
    try:
        return read_template_dir(Path(outdir))
    except TemplateError as exc:
        raise EstimateError(str(exc)) from None


def scoped_bill(bill: Bill, services: Sequence[str], label: str) -> Bill:
    """The part of ``bill`` (split per service by ``estimate_dir``) that ``services`` cost, as one bill: their
    lines added up item by item, each service's own bill kept in ``per_service``, and a note of what was left
    out (the other services and what every service shares).

    Example
    -------
    >>> from tools.cost_estimate.bill import Bill
    >>> empty = Bill(lines=(), region="eu-west-1", not_priced={}, notes=())
    >>> scoped_bill(replace(empty, per_service={"a": empty, "b": empty}), ["a"], "account x").notes[0]
    'Only account x: a. Left out: 1 other service(s) ($0.00) and what all services share ($0.00).'
    """
    chosen = {name: part for name, part in bill.per_service.items() if name in services}
    summed: dict[tuple[str, str, str], BillLine] = {}
    for part in chosen.values():
        for line in part.lines:
            key = (line.price.key, line.usage.item, line.region)
            if key in summed:
                was = summed[key]
                line = replace(was, cost=was.cost + line.cost,
                               usage=replace(was.usage, quantity=was.usage.quantity + line.usage.quantity,
                                             detail=f"{len(chosen)} services"))
            summed[key] = line
    others = [part.total for name, part in bill.per_service.items() if name not in chosen and name != SHARED]
    shared = bill.per_service[SHARED].total if SHARED in bill.per_service else Decimal(0)
    note = (f"Only {label}: {', '.join(chosen) or 'no service'}. Left out: {len(others)} other service(s) "
            f"(${sum(others, Decimal(0)):.2f}) and what all services share (${shared:.2f}).")
    not_priced: dict[str, int] = {}
    for part in chosen.values():
        for kind, count in part.not_priced.items():
            not_priced[kind] = not_priced.get(kind, 0) + count
    return replace(bill, lines=tuple(summed.values()), per_service=chosen, not_priced=not_priced,
                   notes=(note, *bill.notes))
