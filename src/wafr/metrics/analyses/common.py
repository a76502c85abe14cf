"""What every analysis needs: the series of a resource, whether they are enough to judge, and plain wording."""

from __future__ import annotations

from dataclasses import dataclass, field

from wafr.estate import Estate, Resource
from wafr.metrics.results import MetricResult, Saving
from wafr.metrics.series import Series, Window, series_of, window_of

COVERAGE_SERVICE = "cloudwatch-metrics"
MIN_DAYS = 3  # less than this says nothing about daily patterns, peaks or cycles
MIN_SHARE = 0.5  # at least half the hours since the first datapoint must have data
HEADROOM = 0.20  # capacity kept free above the observed peak, as AWS Compute Optimizer does by default
HIGH_SAVING_SHARE = 0.5  # paying more than twice what the workload needs is a high risk


@dataclass
class Context:
    """One estate under analysis, with results earlier analyses left for later ones (leak before sizing)."""

    estate: Estate
    headroom: float = HEADROOM
    window: Window | None = None
    earlier: dict[str, dict[str, MetricResult]] = field(default_factory=dict)  # analysis -> resource key -> result
    _series: dict[str, dict[str, Series]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.window = window_of(self.estate)

    def series(self, resource: Resource) -> dict[str, Series]:
        key = "|".join(resource.key)
        if key not in self._series:
            self._series[key] = series_of(self.estate, resource)
        return self._series[key]

    def earlier_result(self, analysis: str, resource: Resource) -> MetricResult | None:
        return self.earlier.get(analysis, {}).get("|".join(resource.key))

    def gap(self, resource: Resource) -> str | None:
        """Why no metric can be judged for this resource, when the metrics were not read where it lives."""
        if not self.estate.metrics or self.window is None:
            return "CloudWatch metrics were not collected for this estate (scan without --no-metrics to judge it)"
        return self.estate.gap(resource.account, resource.region, COVERAGE_SERVICE)


def too_little(name: str, series: Series | None, window: Window) -> str | None:
    """Why a series is too sparse to judge (None when it will do)."""
    if series is None or not series.present:
        return f"CloudWatch returned no {name} datapoints for the {window.days:.0f}-day window"
    present = len(series.present)
    hours = present * series.hours_per_point
    since_first = max(1, round((window.end - series.start).total_seconds() / series.period))
    share = present / since_first
    if hours < MIN_DAYS * 24 or share < MIN_SHARE:
        return (f"only {present} {_period_word(series.period)} {name} datapoints ({hours:.0f} hours, {share:.0%} of "
                f"the hours since the first); at least {MIN_DAYS} days covering half the hours are needed")
    return None


def _period_word(period: int) -> str:
    return {60: "1-minute", 300: "5-minute", 3600: "hourly", 86400: "daily"}.get(period, f"{period}-second")


def need(ctx: Context, resource: Resource, *names: str) -> tuple[dict[str, Series], str | None]:
    """The named series of a resource, or the reason they cannot be judged."""
    gap = ctx.gap(resource)
    if gap:
        return {}, gap
    series = ctx.series(resource)
    for name in names:
        reason = too_little(name, series.get(name), ctx.window)
        if reason:
            return {}, reason
    return series, None


def risk_of_saving(saving: Saving | None) -> str | None:
    """HIGH when more than half of what the resource costs buys capacity it does not use."""
    if saving and saving.current_monthly_usd and saving.monthly_usd / saving.current_monthly_usd >= HIGH_SAVING_SHARE:
        return "HIGH"
    return None


def pct(value: float) -> str:
    return f"{value:.0f}%" if value >= 10 else f"{value:.1f}%"


def usd(value: float) -> str:
    return f"${value:,.0f}" if value >= 100 else f"${value:,.2f}"


def gib(value_bytes: float) -> str:
    return f"{value_bytes / 2**30:.1f} GiB"
