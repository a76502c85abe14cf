"""What a metric finding measured, carried on the finding itself: the analysis' figures, the saving with the prices
behind it, and the series that show it. The review reads these from the findings, never from the estate again."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from wafr.estate import Estate
from wafr.metrics.catalog import UNITS
from wafr.metrics.results import MetricResult
from wafr.metrics.series import iso, series_of, window_of


def measurements_of(estate: Estate, result: MetricResult) -> dict[str, Any]:
    """A finding's measurements (plain JSON data): numbers, recommendation, saving, series, look-back window."""
    stored = series_of(estate, result.resource)
    window = window_of(estate)
    return {
        "analysis": result.analysis,
        "numbers": dict(result.numbers),
        "recommendation": result.recommendation,
        "saving": asdict(result.saving) if result.saving else None,
        "series": [{"metric": m, "unit": UNITS.get(m.partition(":")[0], ""), "start": iso(stored[m].start),
                    "period": stored[m].period, "values": list(stored[m].values)}
                   for m in result.charts if m in stored],
        "window": {"days": window.days, "period": window.period} if window else None,
    }
