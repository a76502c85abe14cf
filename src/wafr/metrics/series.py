"""A metric series as wafr keeps it: a start, a fixed period and one value (or a gap) per period.

Series live in ``estate.metrics`` as plain JSON so a snapshot reviewed offline gives the same metric findings:
``{"window": {...}, "series": {"<resource key>": {"CPUUtilization": {"start": iso, "period": 3600,
"values": [12.5, null, ...]}}}}``. A metric's key is its name for the Average statistic and
``Name:Statistic`` for any other (``MemoryUtilization:Maximum``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from wafr.estate import Estate, Resource

HOUR = 3600


def metric_key(resource: Resource) -> str:
    """The key of a resource's series in ``estate.metrics``: account|region|type|id (ARNs never hold a '|')."""
    return "|".join(resource.key)


def series_key(name: str, stat: str) -> str:
    return name if stat == "Average" else f"{name}:{stat}"


def parse_time(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value)  # Python 3.11 reads a trailing Z
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def compact(value: float) -> float | int:
    """Few enough digits to keep snapshots small, enough for every analysis (bytes stay whole)."""
    return round(value) if abs(value) >= 1000 else round(value, 3)


@dataclass(frozen=True)
class Series:
    start: dt.datetime
    period: int  # seconds
    values: tuple[float | None, ...]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Series":
        return cls(parse_time(data["start"]), int(data["period"]), tuple(data.get("values") or ()))

    def to_dict(self) -> dict[str, Any]:
        return {"start": iso(self.start), "period": self.period, "values": list(self.values)}

    def __len__(self) -> int:
        return len(self.values)

    @property
    def present(self) -> list[float]:
        return [v for v in self.values if v is not None]

    @property
    def hours_per_point(self) -> float:
        return self.period / HOUR

    def time_of(self, index: int) -> dt.datetime:
        return self.start + dt.timedelta(seconds=index * self.period)

    def aligned(self, start: dt.datetime, length: int) -> list[float | None]:
        """The values re-indexed onto a window that starts at ``start`` (gaps where this series has none)."""
        offset = round((self.start - start).total_seconds() / self.period)
        out: list[float | None] = [None] * length
        for i, value in enumerate(self.values):
            j = i + offset
            if 0 <= j < length:
                out[j] = value
        return out


@dataclass(frozen=True)
class Window:
    """The look-back the series were read for; a series is judged against it, not against its own first point."""

    start: dt.datetime
    end: dt.datetime
    period: int

    @property
    def points(self) -> int:
        return int((self.end - self.start).total_seconds() // self.period)

    @property
    def days(self) -> float:
        return (self.end - self.start).total_seconds() / 86400

    def to_dict(self) -> dict[str, Any]:
        return {"start": iso(self.start), "end": iso(self.end), "period": self.period}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Window":
        return cls(parse_time(data["start"]), parse_time(data["end"]), int(data["period"]))


def window_of(estate: Estate) -> Window | None:
    raw = (estate.metrics or {}).get("window")
    return Window.from_dict(raw) if raw else None


def series_of(estate: Estate, resource: Resource) -> dict[str, Series]:
    """Every series collected for a resource, by metric key ({} when none was)."""
    raw = ((estate.metrics or {}).get("series") or {}).get(metric_key(resource)) or {}
    return {name: Series.from_dict(data) for name, data in raw.items()}


# -- statistics on plain lists (no numpy: at 336 points a series, sorting in C is fast enough) -----------------
def percentile(values: Sequence[float], q: float, *, is_sorted: bool = False) -> float:
    """The q-th percentile (0-100) by linear interpolation between closest ranks."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = values if is_sorted else sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> float:
    return percentile(values, 50)


def mad_sigma(values: Iterable[float]) -> float:
    """A robust standard deviation: 1.4826 x the median absolute deviation."""
    items = list(values)
    if not items:
        return 0.0
    centre = median(items)
    return 1.4826 * median([abs(v - centre) for v in items])


def linear_fit(points: Sequence[tuple[float, float]]) -> tuple[float, float, float]:
    """(slope, intercept, r squared) of a least-squares line through (x, y) points."""
    n = len(points)
    if n < 2:
        return 0.0, points[0][1] if points else 0.0, 0.0
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    syy = sum((y - mean_y) ** 2 for _, y in points)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    if sxx == 0:
        return 0.0, mean_y, 0.0
    slope = sxy / sxx
    r2 = (sxy * sxy) / (sxx * syy) if syy else 0.0
    return slope, mean_y - slope * mean_x, r2


def correlation(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Pearson's r (0 when either side is flat)."""
    n = len(xs)
    if n < 3:
        return 0.0
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys))
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx and syy else 0.0
