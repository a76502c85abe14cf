"""Small phrases the review's evidence is written with, so every message says them the same way."""

from __future__ import annotations

from collections.abc import Sequence


def first_few(items: Sequence[str], limit: int, sep: str = ", ") -> str:
    """The first ``limit`` items and how many more there are: "a, b, c and 4 more"."""
    shown = sep.join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def days(count: int) -> str:
    """"1 day", "14 days"."""
    return f"{count} day" if count == 1 else f"{count} days"
