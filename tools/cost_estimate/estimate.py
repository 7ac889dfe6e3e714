"""Glue: read templates from a cloud-assembly folder, take assumptions from the environment's config, price."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from config.cost import EstimateAssumptions
from tools.cost_estimate.bill import Bill, price_usage
from tools.cost_estimate.prices import PriceBook, load_prices
from tools.cost_estimate.usage import measure
from tools.templates import TemplateError, read_templates as read_template_dir

__all__ = ["EstimateError", "estimate", "estimate_dir", "read_templates", "assumptions_for"]


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


def estimate_dir(outdir: Path, env: str | None = None, book: PriceBook | None = None) -> Bill:
    """The bill of the templates in ``outdir`` (``cdk.out/<env>``), with ``env``'s config assumptions.

    ``env`` defaults to the folder's name; an unknown environment uses the default assumptions.

    Example
    -------
    >>> estimate_dir(Path("cdk.out/dev")).total  # doctest: +SKIP
    """
    assumptions, config_functions = assumptions_for(env or Path(outdir).name)
    return estimate(read_templates(Path(outdir)), assumptions, book, config_functions)


def read_templates(outdir: Path) -> dict[str, dict[str, Any]]:
    """``*.template.json`` of ``outdir`` by stack name (tools.templates), a bad one reported as EstimateError."""
    try:
        return read_template_dir(Path(outdir))
    except TemplateError as exc:
        raise EstimateError(str(exc)) from None


def assumptions_for(env: str) -> tuple[EstimateAssumptions, int]:
    """The environment's ``cost.estimate`` and how many service functions its config lists (defaults if unknown)."""
    from config.loader import ConfigError, known_environments, load_config

    if env not in known_environments():
        return EstimateAssumptions(), 0
    try:
        cfg = load_config(env)
    except ConfigError as exc:
        raise EstimateError(exc.lines[0]) from None
    functions = 0
    for service in cfg.services:
        listed = getattr(getattr(service, "resources", None), "functions", ()) or ()
        functions += len(listed)
    return cfg.cost.estimate, functions
