"""The review over time: every scan, review or demo recorded as a milestone (SQLAlchemy: SQLite by default, any
database URL for a team), and what changed between milestones.

Light on import: the diff and the views need no database driver; the store is imported where it is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wafr.history.store import HistoryStore


def known_finding_ids(store: HistoryStore, scope: str) -> set[str] | None:
    """The failed finding ids at the latest milestone of a scope (see wafr.history.views.scope_of), or None."""
    from wafr.history.store import known_finding_ids as known

    return known(store, scope)


@dataclass(frozen=True)
class HistoryChoice:
    """Where a run records its milestone (--history, $WAFR_HISTORY_URL, or the default file), or --no-history."""

    location: str | None = None
    enabled: bool = True

    def open(self):  # -> Recorder; imported here so commands without history never load SQLAlchemy
        from wafr.history.recorder import Recorder

        return Recorder(self.location, self.enabled)
