"""The price list (prices.yaml): one entry per priced unit, each with its source and whether it was verified.

``prices`` are us-east-1's; ``regions`` lists, per region, where its prices differ from us-east-1's (and a
region-wide source and ``verified`` flag for the ones it takes over unchanged). A region with no entry is priced
at us-east-1's prices, and the book says so in ``notes``.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

__all__ = ["Price", "PriceBook", "PricesError", "load_prices", "priced_regions", "PRICES_FILE", "BASE_REGION"]

PRICES_FILE = Path(__file__).resolve().parent / "prices.yaml"
BASE_REGION = "us-east-1"


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
        >>> book = load_prices()
        >>> book.get("cloudwatch.custom_metric").cost(10001)
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
    notes: tuple[str, ...] = ()

    def get(self, key: str) -> Price:
        """The price under ``key``; a missing key is a PricesError naming the known ones."""
        try:
            return self.prices[key]
        except KeyError:
            raise PricesError(f"no price '{key}' in the price file; known: {', '.join(sorted(self.prices))}") from None


def _read(path: Path) -> dict:
    try:
        raw = yaml.safe_load(Path(path).read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise PricesError(f"{path}: cannot read the price file ({exc})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("prices"), dict):
        raise PricesError(f"{path}: expected a mapping with 'region', 'currency' and 'prices'")
    if not isinstance(raw.get("regions", {}) or {}, dict):
        raise PricesError(f"{path}: regions: expected a mapping of region name to its prices")
    return raw


def priced_regions(path: Path = PRICES_FILE) -> list[str]:
    """The regions the price file has prices for, the base region first.

    Example
    -------
    >>> priced_regions()[0]
    'us-east-1'
    """
    raw = _read(path)
    return [str(raw.get("region", BASE_REGION)), *sorted(raw.get("regions", {}) or {})]


def load_prices(path: Path = PRICES_FILE, region: str | None = None) -> PriceBook:
    """Read and validate the price file; the book of ``region`` (default: the file's base region, us-east-1).

    A region the file has no prices for gets the base region's prices and a note saying so.

    Example
    -------
    >>> load_prices().get("cloudwatch.alarm.composite").tiers
    ((None, Decimal('0.50')),)
    >>> load_prices(region="eu-west-1").region
    'eu-west-1'
    """
    raw = _read(path)
    base = str(raw.get("region", BASE_REGION))
    prices = {key: _price(path, key, entry) for key, entry in raw["prices"].items()}
    currency = str(raw.get("currency", "USD"))
    regions = raw.get("regions", {}) or {}
    if region is None or region == base:
        return PriceBook(region=base, currency=currency, prices=prices)
    if region not in regions:
        known = ", ".join([base, *sorted(regions)])
        return PriceBook(region=base, currency=currency, prices=prices, notes=(
            f"No prices for {region} in prices.yaml (priced: {known}): priced at {base} prices instead.",))
    return PriceBook(region=str(region), currency=currency,
                     prices=_regional(path, str(region), regions[region], prices))


def _regional(path: Path, region: str, entry: Any, base: dict[str, Price]) -> dict[str, Price]:
    """``base`` with the region's differences applied; unchanged prices keep their source, and count as verified
    only when the region's entry says it was checked."""
    where = f"{path}: regions.{region}"
    if not isinstance(entry, dict) or "source" not in entry or not isinstance(entry.get("verified"), bool):
        raise PricesError(f"{where}: needs 'source' (https link) and 'verified' (true or false)")
    if not str(entry["source"]).startswith("https://"):
        raise PricesError(f"{where}.source: must be an https:// link to the pricing page")
    differences = entry.get("prices", {}) or {}
    unknown = sorted(set(differences) - set(base))
    if unknown:
        raise PricesError(f"{where}.prices: no such price in the base list: {', '.join(unknown)}")
    note = str(entry.get("note", ""))
    regional = {}
    for key, price in base.items():
        if key in differences:
            change = differences[key]
            if not isinstance(change, dict):
                raise PricesError(f"{where}.prices.{key}: expected a mapping with usd (or tiers), source, verified")
            merged = {"service": price.service, "description": price.description, "unit": price.unit,
                      "per": price.per, "source": entry["source"], "verified": entry["verified"], **change}
            regional[key] = replace(_price(path, f"regions.{region}.prices.{key}", merged), key=key)
        else:
            # Same figure as us-east-1: the same page is its source; verified only if the region was checked too.
            regional[key] = replace(price, verified=price.verified and entry["verified"], note=note or price.note)
    return regional


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
