"""Price the usage: one line per usage, subtotals per service, the total; rendered as text, Markdown or data.

Amounts are exact Decimals; rounding to cents happens only when shown (half up).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tools.cost_estimate.prices import Price, PriceBook
from tools.cost_estimate.usage import Usage, UsageReport

__all__ = ["BillLine", "Bill", "price_usage", "merge_bills", "cents"]


def cents(amount: Decimal) -> str:
    """``amount`` rounded half up to cents, e.g. ``'10.37'``.

    Example
    -------
    >>> cents(Decimal("10.368"))
    '10.37'
    """
    return str(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class BillLine:
    """One priced line."""

    usage: Usage
    price: Price
    cost: Decimal
    region: str = ""


@dataclass(frozen=True)
class Bill:
    """A priced month. ``by_service`` (per AWS service) keeps the order services first appear in;
    ``per_service`` holds each monitored service's own bill, when the estimate split it."""

    lines: tuple[BillLine, ...]
    region: str
    not_priced: dict[str, int]
    notes: tuple[str, ...]
    per_service: dict[str, "Bill"] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum((line.cost for line in self.lines), Decimal(0))

    @property
    def by_service(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        for line in self.lines:
            totals[line.price.service] = totals.get(line.price.service, Decimal(0)) + line.cost
        return totals

    def text(self, title: str) -> str:
        """The bill for a terminal: lines grouped by service, subtotals, total, then sources."""
        out = [title, ""]
        for service, subtotal in self.by_service.items():
            out.append(f"{service:<58} ${cents(subtotal):>10}")
            for line in (l for l in self.lines if l.price.service == service):
                quantity = _quantity(line.usage.quantity)
                out.append(f"  {line.usage.item:<34} {quantity:>12} x {line.price.shown():<34} ${cents(line.cost):>10}")
                out.append(f"      {line.usage.detail}")
        out += ["", f"{'Estimated monthly total (' + self.region + ')':<58} ${cents(self.total):>10}"]
        if self.per_service:
            out += ["", "Per monitored service:", *self._service_table()]
        out += ["", "Prices:"]
        several = len({line.region for line in self.lines}) > 1
        for region, price in self._prices():
            mark = "verified" if price.verified else "UNVERIFIED"
            key = f"{price.key} ({region})" if several else price.key
            out.append(f"  {key:<{48 if several else 36}} {price.shown():<34} {mark:<10} {price.source}")
        if self.not_priced:
            out.append("Not priced resource types: " + ", ".join(f"{t} {n}" for t, n in self.not_priced.items()))
        out += list(self.notes)
        return "\n".join(out)

    def markdown(self) -> str:
        """The bill as a Markdown table for BENCHMARKS.md."""
        rows = ["| service | item | quantity | unit price | monthly (USD) | source |", "|---|---|---:|---|---:|---|"]
        for line in self.lines:
            flag = "" if line.price.verified else " (unverified)"
            rows.append(f"| {line.price.service} | {line.usage.item} | {_quantity(line.usage.quantity)} | "
                        f"{line.price.shown()} | {cents(line.cost)} | [{line.price.key}]({line.price.source}){flag} |")
        for service, subtotal in self.by_service.items():
            rows.append(f"| **{service}** | subtotal | | | **{cents(subtotal)}** | |")
        rows.append(f"| **total** | | | | **{cents(self.total)}** | |")
        table = []
        if self.per_service:
            columns = list(self.by_service)
            table = ["", f"Per monitored service (USD per month, {self.region}):", "",
                     "| monitored service | " + " | ".join(columns) + " | total |",
                     "|---|" + "---:|" * (len(columns) + 1)]
            for name, bill in self.per_service.items():
                cells = [cents(bill.by_service.get(c, Decimal(0))) for c in columns]
                table.append(f"| {name} | " + " | ".join(cells) + f" | {cents(bill.total)} |")
        return "\n".join(rows + table + [""] + [f"- {n}" for n in self.notes])

    def data(self) -> dict[str, Any]:
        """JSON-friendly figures (amounts as strings of exact cents)."""
        return {
            "region": self.region,
            "total_usd": cents(self.total),
            "by_service_usd": {s: cents(v) for s, v in self.by_service.items()},
            "by_monitored_service_usd": {name: {"total": cents(b.total),
                                                **{s: cents(v) for s, v in b.by_service.items()}}
                                         for name, b in self.per_service.items()},
            "lines": [{"price": l.price.key, "item": l.usage.item, "quantity": str(l.usage.quantity),
                       "usd": cents(l.cost), "verified": l.price.verified} for l in self.lines],
        }

    def _service_table(self) -> list[str]:
        """Monitored services as rows, the AWS services they pay for as columns."""
        columns = [c for c in self.by_service if any(c in b.by_service for b in self.per_service.values())]
        short = {c: c.replace("CloudWatch ", "").replace("AWS ", "") for c in columns}
        size = {c: max(len(short[c]), 9) + 2 for c in columns}
        width = max(len(n) for n in self.per_service) + 2
        rows = [f"  {'':<{width}}" + "".join(f"{short[c]:>{size[c]}}" for c in columns) + f"{'total':>12}"]
        for name, bill in self.per_service.items():
            cells = "".join(f"{'$' + cents(bill.by_service.get(c, Decimal(0))):>{size[c]}}" for c in columns)
            rows.append(f"  {name:<{width}}{cells}{'$' + cents(bill.total):>12}")
        return rows

    def _prices(self) -> list[tuple[str, Price]]:
        seen: dict[tuple[str, str], Price] = {}
        for line in self.lines:
            seen.setdefault((line.price.key, line.region), line.price)
        return [(region, price) for (_, region), price in seen.items()]


def price_usage(report: UsageReport, book: PriceBook) -> Bill:
    """Price every usage line with ``book``.

    Example
    -------
    >>> from tools.cost_estimate.prices import load_prices
    >>> from tools.cost_estimate.usage import EstimateAssumptions, measure
    >>> props = {"AlarmName": "errors", "Namespace": "app", "MetricName": "Errors", "Statistic": "Sum",
    ...          "Period": 60, "EvaluationPeriods": 1, "Threshold": 0, "ComparisonOperator": "GreaterThanThreshold"}
    >>> template = {"Resources": {"A": {"Type": "AWS::CloudWatch::Alarm", "Properties": props}}}
    >>> price_usage(measure({"app": template}, EstimateAssumptions()), load_prices()).total  # one standard alarm
    Decimal('0.10')
    """
    lines = tuple(BillLine(u, book.get(u.price_key), book.get(u.price_key).cost(u.quantity), book.region)
                  for u in report.usages)
    return Bill(lines=lines, region=book.region, not_priced=report.not_priced,
                notes=tuple(book.notes) + tuple(report.notes))


def merge_bills(bills: list[Bill], main: str) -> Bill:
    """One bill of ``bills`` (priced in different regions); lines priced outside ``main`` say their region.

    Example
    -------
    >>> from tools.cost_estimate.prices import load_prices
    >>> from tools.cost_estimate.usage import EstimateAssumptions, measure
    >>> props = {"AlarmName": "errors", "Namespace": "app", "MetricName": "Errors", "Statistic": "Sum",
    ...          "Period": 60, "EvaluationPeriods": 1, "Threshold": 0, "ComparisonOperator": "GreaterThanThreshold"}
    >>> template = {"Resources": {"A": {"Type": "AWS::CloudWatch::Alarm", "Properties": props}}}
    >>> usage = measure({"app": template}, EstimateAssumptions())
    >>> bill_eu, bill_us = (price_usage(usage, load_prices(region=r)) for r in ("eu-west-1", "us-east-1"))
    >>> merge_bills([bill_eu, bill_us], main="eu-west-1").region
    'eu-west-1'
    """
    lines, not_priced, notes = [], {}, []
    for bill in bills:
        for line in bill.lines:
            if line.region != main:
                line = replace(line, usage=replace(line.usage, item=f"{line.usage.item} ({line.region})"))
            lines.append(line)
        for kind, count in bill.not_priced.items():
            not_priced[kind] = not_priced.get(kind, 0) + count
        notes += [n for n in bill.notes if n not in notes]
    return Bill(lines=tuple(lines), region=main, not_priced=dict(sorted(not_priced.items())), notes=tuple(notes))


def _quantity(value: Decimal) -> str:
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")
