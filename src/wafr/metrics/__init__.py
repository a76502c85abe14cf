"""Metric evidence from CloudWatch: series collection, their storage in the estate, and analyses over them
(right-sizing, memory leaks, saturation, static capacity, idle resources, non-production that never stops,
read-heavy databases, busy endpoints without a CDN, DynamoDB table classes, GPUs left idle) with numbers and savings."""

from wafr.metrics.analyze import analyze
from wafr.metrics.results import MetricResult, Saving

__all__ = ["MetricResult", "Saving", "analyze", "collect_metrics"]


def collect_metrics(*args, **kwargs):
    """See :func:`wafr.metrics.collect.collect_metrics` (imported on use: reviews need no AWS client code)."""
    from wafr.metrics.collect import collect_metrics as collect

    return collect(*args, **kwargs)
