"""Metric time series: raw samples or per-minute summaries, bucketed by metric and minute.

CloudWatch stores samples; an alarm aggregates them per period. The simulator keeps one bucket per metric and
minute (the finest resolution it models), holding enough to compute every statistic: count, sum, min, max and
weighted points for percentiles. A CSV row is one sample; scenario generators add whole-minute summaries so a
week of busy traffic stays small.
"""
from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator, Sequence

__all__ = [
    "MetricKey",
    "Bucket",
    "Dense",
    "SeriesStore",
    "SeriesError",
    "read_series_csv",
    "write_series_csv",
    "parse_dimensions",
    "parse_time",
    "minute_of",
    "time_of_minute",
    "CSV_HEADER",
]

CSV_HEADER = ("timestamp", "namespace", "metric_name", "dimensions", "value")


class SeriesError(ValueError):
    """A series file or value is malformed; the message is one line naming the problem and what is allowed."""


@dataclass(frozen=True, order=True)
class MetricKey:
    """Identity of a metric: namespace, name and the sorted (name, value) dimension pairs.

    Example
    -------
    >>> MetricKey.of("AWS/Lambda", "Errors", {"FunctionName": "f"}).dimensions
    (('FunctionName', 'f'),)
    """

    namespace: str
    metric_name: str
    dimensions: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, namespace: str, metric_name: str, dimensions: dict[str, str] | None = None) -> "MetricKey":
        """Build a key from a dimension mapping (order does not matter, as in CloudWatch).

        Example
        -------
        >>> MetricKey.of("N", "M", {"b": "2", "a": "1"}) == MetricKey.of("N", "M", {"a": "1", "b": "2"})
        True
        """
        return cls(namespace, metric_name, tuple(sorted((dimensions or {}).items())))

    def dimensions_text(self) -> str:
        """The CSV form ``Name=Value;Name=Value``.

        Example
        -------
        >>> MetricKey.of("N", "M", {"a": "1"}).dimensions_text()
        'a=1'
        """
        return ";".join(f"{name}={value}" for name, value in self.dimensions)


@dataclass(slots=True)
class Bucket:
    """All samples of one metric in one minute.

    ``points`` are (value, weight) pairs used for percentiles; a raw sample has weight 1, a summary spreads its
    count over a few representative values.
    """

    count: float = 0.0
    total: float = 0.0
    minimum: float = math.inf
    maximum: float = -math.inf
    points: list[tuple[float, float]] = field(default_factory=list)
    _sorted: list[tuple[float, float]] | None = None

    def sorted_points(self) -> list[tuple[float, float]]:
        """``points`` in value order, computed once (buckets are complete before an alarm reads them)."""
        if self._sorted is None or len(self._sorted) != len(self.points):
            self._sorted = sorted(self.points)
        return self._sorted

    def add(self, value: float) -> None:
        """Add one raw sample.

        Example
        -------
        >>> b = Bucket(); b.add(2.0); b.add(4.0); (b.count, b.total, b.minimum, b.maximum)
        (2.0, 6.0, 2.0, 4.0)
        """
        self.count += 1
        self.total += value
        self.minimum = min(self.minimum, value)
        self.maximum = max(self.maximum, value)
        self.points.append((value, 1.0))

    def add_summary(self, count: float, total: float, minimum: float, maximum: float,
                    representative: Sequence[float] = (),
                    weighted: Sequence[tuple[float, float]] | None = None) -> None:
        """Add a pre-aggregated set of ``count`` samples (a CloudWatch StatisticSet plus percentile points).

        ``representative`` values share the count equally; ``weighted`` gives (value, share of count) pairs.

        Example
        -------
        >>> b = Bucket(); b.add_summary(100, 500.0, 1.0, 9.0, [2.0, 5.0, 8.0]); b.points[0]
        (2.0, 33.333333333333336)
        """
        if count <= 0:
            return
        self.count += count
        self.total += total
        self.minimum = min(self.minimum, minimum)
        self.maximum = max(self.maximum, maximum)
        if weighted:
            self.points += [(value, share * count) for value, share in weighted]
            return
        values = list(representative) or [total / count]
        weight = count / len(values)
        self.points.extend((value, weight) for value in values)


@dataclass
class Dense:
    """One metric as arrays, one entry per minute from ``first`` (what the scenario generators write).

    ``count == 0`` means nothing was published that minute. ``values``/``weights`` (minutes x K) hold the
    percentile points of each minute, when the metric has a distribution (latency); weights are absolute.
    Arrays are numpy float64; numpy is imported lazily so reading a CSV does not need it.
    """

    first: int
    count: "object"
    total: "object"
    minimum: "object"
    maximum: "object"
    values: "object | None" = None
    weights: "object | None" = None

    def __len__(self) -> int:
        return len(self.count)

    def bucket(self, minute: int) -> Bucket | None:
        """The minute as a :class:`Bucket` (None when nothing was published)."""
        i = minute - self.first
        if not 0 <= i < len(self.count) or self.count[i] <= 0:
            return None
        bucket = Bucket(float(self.count[i]), float(self.total[i]), float(self.minimum[i]), float(self.maximum[i]))
        if self.values is not None:
            bucket.points = [(float(v), float(w)) for v, w in zip(self.values[i], self.weights[i]) if w > 0]
        else:
            bucket.points = [(float(self.total[i]) / float(self.count[i]), float(self.count[i]))]
        return bucket


def parse_time(text: str) -> datetime:
    """Parse an ISO-8601 timestamp as UTC (a trailing Z or an offset is accepted; naive means UTC).

    Example
    -------
    >>> parse_time("2026-01-01T00:05:00Z").isoformat()
    '2026-01-01T00:05:00+00:00'
    """
    raw = text.strip()
    if raw.endswith("Z") or raw.endswith("z"):
        raw = raw[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise SeriesError(f"timestamp {text!r} is not ISO-8601 (allowed: e.g. 2026-01-01T00:05:00Z)") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def minute_of(moment: datetime) -> int:
    """Minutes since the epoch, floored.

    Example
    -------
    >>> minute_of(parse_time("1970-01-01T00:02:59Z"))
    2
    """
    return int(moment.timestamp() // 60)


def time_of_minute(minute: int) -> str:
    """ISO-8601 UTC text of an epoch minute.

    Example
    -------
    >>> time_of_minute(2)
    '1970-01-01T00:02:00Z'
    """
    return datetime.fromtimestamp(minute * 60, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_dimensions(text: str) -> dict[str, str]:
    """Parse ``Name=Value;Name=Value`` (empty text means no dimensions).

    Example
    -------
    >>> parse_dimensions("FunctionName=f;Resource=f")
    {'FunctionName': 'f', 'Resource': 'f'}
    """
    result: dict[str, str] = {}
    for part in (p for p in text.split(";") if p.strip()):
        name, sep, value = part.partition("=")
        if not sep or not name.strip():
            raise SeriesError(f"dimension {part!r} is not Name=Value (allowed: Name=Value;Name=Value)")
        result[name.strip()] = value.strip()
    return result


class SeriesStore:
    """Buckets per metric and minute.

    Example
    -------
    >>> store = SeriesStore(); key = MetricKey.of("N", "M")
    >>> store.add_sample(key, 10, 1.0); store.bucket(key, 10).count
    1.0
    """

    def __init__(self) -> None:
        self._data: dict[MetricKey, dict[int, Bucket]] = {}
        self._dense: dict[MetricKey, Dense] = {}

    def add_dense(self, key: MetricKey, dense: Dense) -> None:
        """Set a whole metric from arrays (replaces what the key held).

        Example
        -------
        >>> import numpy as np; s = SeriesStore(); one = np.ones(3)
        >>> s.add_dense(MetricKey.of("N", "M"), Dense(10, one, one, one, one)); s.bucket(MetricKey.of("N", "M"), 12).total
        1.0
        """
        self._data.pop(key, None)
        self._dense[key] = dense

    def dense(self, key: MetricKey) -> Dense | None:
        """The metric's arrays when a generator wrote it that way, else None."""
        return self._dense.get(key)

    def add_sample(self, key: MetricKey, minute: int, value: float) -> None:
        """Add one raw sample at an epoch minute."""
        if key in self._dense:
            raise SeriesError(f"{key.metric_name}: cannot add samples to a metric written as arrays")
        self._data.setdefault(key, {}).setdefault(minute, Bucket()).add(value)

    def add_summary(self, key: MetricKey, minute: int, count: float, total: float, minimum: float,
                    maximum: float, representative: Sequence[float] = (),
                    weighted: Sequence[tuple[float, float]] | None = None) -> None:
        """Add a whole-minute summary (see :meth:`Bucket.add_summary`)."""
        if key in self._dense:
            raise SeriesError(f"{key.metric_name}: cannot add samples to a metric written as arrays")
        self._data.setdefault(key, {}).setdefault(minute, Bucket()).add_summary(
            count, total, minimum, maximum, representative, weighted)

    def bucket(self, key: MetricKey, minute: int) -> Bucket | None:
        """The bucket of a metric at a minute, or None when nothing was published."""
        if key in self._dense:
            return self._dense[key].bucket(minute)
        return self._data.get(key, {}).get(minute)

    def buckets(self, key: MetricKey) -> dict[int, Bucket]:
        """All buckets of a metric (minute -> bucket); empty when the metric never published."""
        if key in self._dense:
            dense = self._dense[key]
            found = ((dense.first + i, dense.bucket(dense.first + i)) for i in range(len(dense)))
            return {minute: bucket for minute, bucket in found if bucket is not None}
        return self._data.get(key, {})

    def keys(self) -> list[MetricKey]:
        """Every metric with at least one sample."""
        return sorted(set(self._data) | {k for k, d in self._dense.items() if (d.count > 0).any()})

    def span(self) -> tuple[int, int] | None:
        """First and last minute with data, or None when empty."""
        minutes = [m for buckets in self._data.values() for m in buckets]
        for dense in self._dense.values():
            published = (dense.count > 0).nonzero()[0]
            if len(published):
                minutes += [dense.first + int(published[0]), dense.first + int(published[-1])]
        return (min(minutes), max(minutes)) if minutes else None

    def rows(self) -> Iterator[tuple[str, str, str, str, str]]:
        """CSV rows: raw points as they are; summaries as their representative points (weights are lost)."""
        for key in self.keys():
            for minute, bucket in sorted(self.buckets(key).items()):
                for value, _weight in bucket.points:
                    yield time_of_minute(minute), key.namespace, key.metric_name, key.dimensions_text(), repr(value)


def read_series_csv(path: Path | str) -> SeriesStore:
    """Read a series CSV (header ``timestamp,namespace,metric_name,dimensions,value``); each row is one sample.

    Raises
    ------
    SeriesError
        One line naming the file, the line and what is allowed.

    Example
    -------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "series.csv")
    >>> store = SeriesStore(); store.add_sample(MetricKey.of("app", "Errors"), 5, 1.0)
    >>> write_series_csv(store, path)
    >>> read_series_csv(path).keys()
    [MetricKey(namespace='app', metric_name='Errors', dimensions=())]
    """
    file_path = Path(path)
    try:
        handle = file_path.open(newline="", encoding="utf-8")
    except OSError as error:
        raise SeriesError(f"{file_path}: cannot read series file ({error.strerror})") from None
    store = SeriesStore()
    try:
        with handle:
            _read_rows(csv.reader(handle), file_path, store)
    except UnicodeDecodeError as error:
        raise SeriesError(f"{file_path}: not UTF-8 text (byte {error.start}); a series file is a UTF-8 CSV") from None
    except csv.Error as error:
        raise SeriesError(f"{file_path}: not a readable CSV ({error})") from None
    return store


def _read_rows(reader: Iterable[list[str]], file_path: Path, store: SeriesStore) -> None:
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != CSV_HEADER:
        raise SeriesError(f"{file_path}:1: header must be {','.join(CSV_HEADER)}, got {','.join(header or [])!r}")
    for line_no, row in enumerate(reader, start=2):
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(CSV_HEADER):
            raise SeriesError(f"{file_path}:{line_no}: expected 5 columns ({','.join(CSV_HEADER)}), got {len(row)}")
        try:
            moment = parse_time(row[0])
            dims = parse_dimensions(row[3])
            value = float(row[4])
        except SeriesError as error:
            raise SeriesError(f"{file_path}:{line_no}: {error}") from None
        except ValueError:
            raise SeriesError(f"{file_path}:{line_no}: value {row[4]!r} is not a number") from None
        if not math.isfinite(value):
            raise SeriesError(f"{file_path}:{line_no}: value {row[4]!r} must be a finite number")
        if not row[1].strip() or not row[2].strip():
            raise SeriesError(f"{file_path}:{line_no}: namespace and metric_name must not be empty")
        store.add_sample(MetricKey.of(row[1].strip(), row[2].strip(), dims), minute_of(moment), value)


def write_series_csv(store: SeriesStore, path: Path | str, rows: Iterable[Sequence[str]] | None = None) -> None:
    """Write a store (or explicit rows) in the CLI's CSV format.

    Example
    -------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "series.csv")
    >>> store = SeriesStore(); store.add_sample(MetricKey.of("app", "Errors"), 5, 1.0)
    >>> write_series_csv(store, path)
    >>> open(path).read().splitlines()[1]
    '1970-01-01T00:05:00Z,app,Errors,,1.0'
    """
    with Path(path).open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_HEADER)
        writer.writerows(rows if rows is not None else store.rows())
