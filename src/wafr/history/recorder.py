"""The history's part in a scan, review or demo: the previous milestone before the review is built, the new
milestone after its files are written. A store that cannot be opened or written never costs the review files:
the error is held and raised only once they are on disk."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from wafr.errors import WafrError
from wafr.history.store import HistoryStore, shown
from wafr.history.views import Baseline, Milestone, scope_of

if TYPE_CHECKING:
    from wafr.findings import Finding
    from wafr.review.model import Review

TREND_MILESTONES = 12  # milestones the "Since the last review" chart shows, the review itself included


class Recorder:
    def __init__(self, location: str | None, enabled: bool = True) -> None:
        self.store: HistoryStore | None = None
        self.error: WafrError | None = None
        self.baseline: Baseline | None = None
        if enabled:
            try:
                self.store = HistoryStore.open(location)
            except WafrError as error:
                self.error = error

    def previous(self, accounts: list[str], regions: list[str]) -> Baseline | None:
        """The latest milestone of these accounts and regions, with the ones before it for the trend."""
        if self.store is None:
            return None
        scope = scope_of(accounts, regions)
        try:
            trend = self.store.milestones(scope, limit=TREND_MILESTONES - 1)
            if trend:
                self.baseline = Baseline(self.store.view(trend[-1]), trend)
        except SQLAlchemyError as error:
            self.error = self._failed("read", error)
        return self.baseline

    def known_finding_ids(self) -> set[str] | None:
        """Failed finding ids at the previous milestone (None without one): what --new-only counts as known."""
        return self.baseline.view.failing_ids() if self.baseline else None

    def record(self, review: Review, findings: list[Finding], kind: str) -> Milestone | None:
        """Record the milestone; raise the held error (exit 2) if the store could not be used."""
        if self.error is not None:
            raise self.error
        if self.store is None:
            return None
        try:
            return self.store.record(review, findings, kind, previous=self.baseline.view if self.baseline else None)
        except SQLAlchemyError as error:
            raise self._failed("written", error) from None
        finally:
            self.store.close()

    def _failed(self, verb: str, error: SQLAlchemyError) -> WafrError:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        where = shown(self.store.engine.url.render_as_string()) if self.store else "the history store"
        return WafrError(f"History store {where} cannot be {verb}: {reason}")
