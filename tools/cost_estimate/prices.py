"""The price list (prices.yaml): one entry per priced unit, each with its source and whether it was verified."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

__all__ = ["Price", "PriceBook", "PricesError", "load_prices", "PRICES_FILE"]

PRICES_FILE = Path(__file__).resolve().parent / "prices.yaml"


class PricesError(ValueError):
    """The price file is unreadable or an entry is malformed; the message names the entry and the field."""


@dataclass(frozen=True)
class Price:
    """One priced unit. ``tiers`` is ((up_to or None, usd per ``per`` units), ...), cheapest last.

    Example
    -------
    >>> Price("kms.key", "AWS KMS", "key", "key-month", ((None, Decimal("1")),), 1, "https://...", False).cost(2)
    Decimal('2')
    """

    key: str
    service: str
    description: str
    unit: str
    tiers: tuple[tuple[int | None, Decimal], ...]
    per: int
    source: str
    verified: bool
    note: str = ""

    def cost(self, quantity: Decimal | int) -> Decimal:
        """Exact cost of ``quantity`` units, filling each tier in order.

        Example
        -------
        >>> book.get("cloudwatch.custom_metric").cost(10001)  # doctest: +SKIP
        Decimal('3000.10')
        """
        remaining, floor, total = Decimal(quantity), 0, Decimal(0)
        for up_to, usd in self.tiers:
            band = remaining if up_to is None else min(remaining, Decimal(up_to - floor))
            total += band * usd / self.per
            remaining -= band
            if remaining <= 0 or up_to is None:
                break
            floor = up_to
        return total

    def shown(self) -> str:
        """The unit price as a reader expects it, e.g. '$0.10 / alarm metric-month', '$5.00 / million trace'."""
        scale = {1: "", 1000: " thousand", 1000000: " million"}.get(self.per, f" x{self.per}")
        first = f"${self.tiers[0][1]}"
        tiered = " (tiered)" if len(self.tiers) > 1 else ""
        return f"{first} /{scale} {self.unit}{tiered}"


@dataclass(frozen=True)
class PriceBook:
    """All prices of one region, by key."""

    region: str
    currency: str
    prices: dict[str, Price]

    def get(self, key: str) -> Price:
        """The price under ``key``; a missing key is a PricesError naming the known ones."""
        try:
            return self.prices[key]
        except KeyError:
            raise PricesError(f"no price '{key}' in the price file; known: {', '.join(sorted(self.prices))}") from None


def load_prices(path: Path = PRICES_FILE) -> PriceBook:
    """Read and validate the price file.

    Example
    -------
    >>> load_prices().get("cloudwatch.alarm.composite").tiers
    ((None, Decimal('0.50')),)
    """
    try:
        raw = yaml.safe_load(Path(path).read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise PricesError(f"{path}: cannot read the price file ({exc})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("prices"), dict):
        raise PricesError(f"{path}: expected a mapping with 'region', 'currency' and 'prices'")
    prices = {key: _price(path, key, entry) for key, entry in raw["prices"].items()}
    return PriceBook(region=str(raw.get("region", "")), currency=str(raw.get("currency", "USD")), prices=prices)


def _price(path: Path, key: str, entry: Any) -> Price:
    where = f"{path}: prices.{key}"
    if not isinstance(entry, dict):
        raise PricesError(f"{where}: expected a mapping")
    for field in ("service", "description", "unit", "source", "verified"):
        if field not in entry:
            raise PricesError(f"{where}: missing '{field}' (every price names its service, unit, source and verified)")
    if not isinstance(entry["verified"], bool):
        raise PricesError(f"{where}.verified: must be true or false")
    if not str(entry["source"]).startswith("https://"):
        raise PricesError(f"{where}.source: must be an https:// link to the pricing page")
    raw_tiers = entry.get("tiers") or [{"up_to": None, "usd": entry.get("usd")}]
    tiers = []
    for tier in raw_tiers:
        try:
            usd = Decimal(str(tier["usd"]))
        except (KeyError, InvalidOperation, TypeError):
            raise PricesError(f"{where}: 'usd' must be a decimal number such as \"0.10\"") from None
        if usd < 0:
            raise PricesError(f"{where}: 'usd' must not be negative")
        tiers.append((tier.get("up_to"), usd))
    if tiers[-1][0] is not None or any(t[0] is None for t in tiers[:-1]):
        raise PricesError(f"{where}.tiers: only the last tier may (and must) have up_to: null")
    per = entry.get("per", 1)
    if not isinstance(per, int) or per < 1:
        raise PricesError(f"{where}.per: must be a whole number >= 1")
    return Price(key=key, service=str(entry["service"]), description=str(entry["description"]),
                 unit=str(entry["unit"]), tiers=tuple(tiers), per=per, source=str(entry["source"]),
                 verified=entry["verified"], note=str(entry.get("note", "")))
