"""Pieces every dashboard shares: region, runbook links, threshold annotations and a service's core signals."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from config.schema import EnvironmentConfig
from dashboards.inventory import ServiceView, runbook_base_url
from dashboards.model import AlarmRef
from dashboards.widgets import REGION_PLACEHOLDER, annotation, expression, metric

__all__ = [
    "region_of", "runbook_links", "threshold_lines", "Signals", "service_signals", "SEVERITY_COLORS", "title_block",
]

SEVERITY_COLORS = {"critical": "#d62728", "warning": "#ff7f0e", "info": "#1f77b4"}


def region_of(cfg: EnvironmentConfig) -> str:
    """The region widgets query: the configured one, or a placeholder the stack turns into its region.

    Example
    -------
    >>> from config.loader import load_config; cfg = load_config("dev")
    >>> region_of(cfg)
    '${AWS::Region}'
    """
    return cfg.region or REGION_PLACEHOLDER


def runbook_links(base: str, families: Iterable[str]) -> str:
    """Markdown links to docs/runbooks/<family>.md for each family, sorted, or a note when there is none.

    Example
    -------
    >>> runbook_links("https://wiki.example.com/runbooks", ["Latency"])
    'Runbooks: [Latency](https://wiki.example.com/runbooks/Latency.md)'
    """
    unique = sorted({f for f in families if f})
    if not unique:
        return "Runbooks: none for this view (it shows no alarms)"
    return "Runbooks: " + " · ".join(f"[{family}]({base}/{family}.md)" for family in unique)


def title_block(cfg: EnvironmentConfig, title: str, purpose: str, refs: Sequence[AlarmRef],
                families: Iterable[str] = ()) -> str:
    """The markdown of a dashboard's top text widget: what it is for, and runbook links of its alarms' families
    plus ``families`` (runbooks behind the numbers of a view that shows no alarm).

    Example
    -------
    >>> from config.loader import load_config; cfg = load_config("dev")
    >>> title_block(cfg, "cost", "What it costs.", [], ["CostAnomaly"]).splitlines()[0]
    '# watchtower dev: cost'
    """
    links = runbook_links(runbook_base_url(cfg), [*(r.family for r in refs), *families])
    return (f"# {cfg.app} {cfg.env}: {title}\n{purpose} Generated from config/{cfg.env}.yaml; "
            f"edit the code, not the console.\n\n{links}")


def threshold_lines(refs: Iterable[AlarmRef], service: str, families: Iterable[str],
                    scale: float = 1.0) -> list[dict[str, Any]]:
    """Horizontal annotations for the thresholds of ``service``'s alarms of ``families`` (one per value).

    ``scale`` converts the alarm's unit to the graph's (e.g. 100 for a ratio alarm on a percent graph).

    Example
    -------
    >>> threshold_lines([AlarmRef("n", "arn", "orders", "warning", "math", "HighErrorRate", threshold=5)],
    ...                 "orders", ["HighErrorRate"])
    [{'value': 5.0, 'label': 'HighErrorRate warning', 'color': '#ff7f0e'}]
    """
    wanted = set(families)
    lines: dict[tuple[float, str], dict[str, Any]] = {}
    for ref in refs:
        if ref.service == service and ref.family in wanted and ref.threshold is not None:
            value = float(ref.threshold) * scale
            label = f"{ref.family} {ref.severity}"
            lines[(value, label)] = annotation(value, label, SEVERITY_COLORS.get(ref.severity))
    return [lines[key] for key in sorted(lines)]


@dataclass(frozen=True)
class Signals:
    """A service's request, error and latency metrics (ids r*, e*), ready for graphs and math."""

    requests: list[list[Any]]
    errors: list[list[Any]]
    latency: list[list[Any]]
    latency_unit: str = "Milliseconds"

    def hidden(self) -> list[list[Any]]:
        """Requests and errors with visible false, as inputs to a math expression."""
        return [m[:-1] + [{**m[-1], "visible": False}] for m in self.requests + self.errors]

    def sums(self) -> tuple[str, str]:
        """Math for total requests and total errors, e.g. ``SUM([r0,r1])``."""
        r = ",".join(m[-1]["id"] for m in self.requests)
        e = ",".join(m[-1]["id"] for m in self.errors)
        return f"SUM([{r}])", f"SUM([{e}])"

    def availability(self, label: str = "availability %", expr_id: str = "availability", **options: Any) -> list[Any]:
        """Percent of requests that did not fail; empty periods show no point rather than 100%."""
        requests, errors = self.sums()
        return expression(f"100*(1-{errors}/{requests})", label, expr_id, **options)

    def error_rate(self, label: str = "error rate %", expr_id: str = "rate") -> list[Any]:
        """Percent of requests that failed."""
        requests, errors = self.sums()
        return expression(f"100*{errors}/{requests}", label, expr_id)


def service_signals(view: ServiceView) -> Signals | None:
    """Requests, errors (server-side) and latency of ``view``: from its APIs, else its functions; None if neither.

    Example
    -------
    >>> service_signals(ServiceView("orders", functions=("f",))).requests[0][:4]
    ['AWS/Lambda', 'Invocations', 'FunctionName', 'f']
    """
    if view.apis:
        sources = [(api.label, dict(api.dimensions), api.server_errors) for api in view.apis]
        namespace, count, latency = "AWS/ApiGateway", "Count", "Latency"
    elif view.functions:
        sources = [(fn, {"FunctionName": fn}, "Errors") for fn in view.functions]
        namespace, count, latency = "AWS/Lambda", "Invocations", "Duration"
    else:
        return None
    return Signals(
        requests=[metric(namespace, count, dims, stat="Sum", id=f"r{i}", label=f"{label} requests")
                  for i, (label, dims, _) in enumerate(sources)],
        errors=[metric(namespace, error, dims, stat="Sum", id=f"e{i}", label=f"{label} errors")
                for i, (label, dims, error) in enumerate(sources)],
        latency=[metric(namespace, latency, dims, stat=p, label=f"{label} {p}")
                 for label, dims, _ in sources for p in ("p50", "p95", "p99")],
    )
