"""Glue: read templates from a cloud-assembly folder, take assumptions from the environment's config, price."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from config.cost import EstimateAssumptions
from tools.cost_estimate.bill import Bill, price_usage
from tools.cost_estimate.prices import PriceBook, load_prices
from tools.cost_estimate.usage import measure

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
    """``*.template.json`` of ``outdir`` by stack name."""
    paths = sorted(Path(outdir).glob("*.template.json"))
    if not paths:
        raise EstimateError(f"no *.template.json in {outdir}: run `make synth ENV=<env>` first")
    templates = {}
    for path in paths:
        try:
            template = json.loads(path.read_text())
        except json.JSONDecodeError as exc:
            raise EstimateError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
        except UnicodeDecodeError as exc:
            raise EstimateError(f"{path}: not UTF-8 text (byte {exc.start}); expected a JSON template") from None
        resources = template.get("Resources", {}) if isinstance(template, dict) else None
        if not isinstance(resources, dict) or not all(isinstance(r, dict) and isinstance(r.get("Type"), str)
                                                      and isinstance(r.get("Properties", {}), dict)
                                                      for r in resources.values()):
            raise EstimateError(f"{path}: not a CloudFormation template (expected an object whose Resources each "
                                "have a Type, and Properties that are a mapping)")
        templates[path.name.removesuffix(".template.json")] = template
    return templates


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
