"""The history store: milestones in any SQLAlchemy database, the schema kept current by Alembic on open."""

from __future__ import annotations

import datetime as dt
import os
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, func, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from wafr.checks.registry import FAIL, PASS
from wafr.errors import WafrError
from wafr.history import schema
from wafr.history.views import FindingRow, Milestone, MilestoneView, assessments_of, milestone_of, rows_of

if TYPE_CHECKING:
    from wafr.findings import Finding
    from wafr.review.model import Review

ENV_URL = "WAFR_HISTORY_URL"
STORE_FILE = "history.sqlite"
# Rows per INSERT batch: large enough to amortise round trips, small enough to keep memory flat.
BATCH = 20_000


def default_location() -> Path:
    """One SQLite file in the user's data directory (XDG on Linux, Application Support on macOS)."""
    from platformdirs import user_data_path

    return user_data_path("wafr", appauthor=False) / STORE_FILE


def url_of(location: str | None) -> str:
    """A --history value (a path or an SQLAlchemy URL), else $WAFR_HISTORY_URL, else the default file."""
    location = location or os.environ.get(ENV_URL) or str(default_location())
    if "://" not in location:
        path = Path(location).expanduser()
        if path.is_dir():
            raise WafrError(f"History store {path} is a directory; give a file name such as {path / STORE_FILE}.")
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path.resolve()}"
    url = make_url(location)
    if url.drivername == "postgresql":  # psycopg 3 is the driver wafr ships with, not psycopg2
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def shown(url: str) -> str:
    """The URL for messages: never its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "the history store"


def _migrate(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("wafr.history") / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # so deleting a milestone deletes its findings
    cursor.execute("PRAGMA journal_mode=WAL")  # a reader (wafr history) never blocks a recording scan
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _iso(value: dt.datetime | str) -> str:
    if isinstance(value, str):
        return value
    if value.tzinfo is None:  # SQLite keeps no zone; wafr writes UTC
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class HistoryStore:
    """Milestones of reviews, recorded and read back."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, location: str | None = None) -> HistoryStore:
        """Open (creating and migrating as needed) the store at a path or URL; a clear error if it cannot be."""
        url = "the history store"
        try:
            url = url_of(location)
            engine = create_engine(url)
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", _sqlite_pragmas)
            _migrate(engine)
        except WafrError:
            raise
        except (SQLAlchemyError, OSError, ImportError, ValueError) as error:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            if isinstance(error, ImportError):
                reason += " (for PostgreSQL: pip install 'wafr[postgresql]')"
            raise WafrError(f"History store {shown(url)} cannot be opened: {reason}") from None
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    # -- reading -------------------------------------------------------------------------------------------
    def milestones(self, scope: str | None = None, limit: int | None = None) -> list[Milestone]:
        """Milestones, oldest first (the newest ``limit`` of them)."""
        query = select(schema.milestones).order_by(schema.milestones.c.id.desc())
        if scope:
            query = query.where(schema.milestones.c.scope == scope)
        if limit:
            query = query.limit(limit)
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [self._milestone(row) for row in reversed(rows)]

    def milestone(self, milestone_id: int) -> Milestone:
        with self.engine.connect() as connection:
            row = connection.execute(select(schema.milestones).where(
                schema.milestones.c.id == milestone_id)).mappings().first()
        if row is None:
            raise WafrError(f"There is no milestone {milestone_id} in the history store; see `wafr history`.")
        return self._milestone(row)

    def latest(self, scope: str) -> Milestone | None:
        found = self.milestones(scope, limit=1)
        return found[-1] if found else None

    def previous(self, milestone: Milestone) -> Milestone | None:
        """The milestone of the same scope recorded just before this one."""
        with self.engine.connect() as connection:
            row = connection.execute(select(schema.milestones).where(
                schema.milestones.c.scope == milestone.scope, schema.milestones.c.id < milestone.id).order_by(
                schema.milestones.c.id.desc()).limit(1)).mappings().first()
        return self._milestone(row) if row else None

    def view(self, milestone: Milestone, statuses: tuple[str, ...] = ()) -> MilestoneView:
        """A milestone with its findings (those of some statuses, when given) and assessments. Passed findings
        come as ids only: nothing else of them is ever compared, and they are most of a review."""
        a = schema.assessments
        with self.engine.connect() as connection:
            rows = list(map(FindingRow._make, _finding_rows(connection, milestone.id, statuses)))
            passed = set() if statuses else {fid for (fid,) in _passed_ids(connection, milestone.id)}
            assessed = dict(connection.execute(select(a.c.best_practice, a.c.status).where(
                a.c.milestone_id == milestone.id)).all())
        return MilestoneView(milestone, {row.id: row for row in rows}, assessed, passed)

    def count_findings(self, milestone_id: int) -> int:
        with self.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(schema.findings).where(
                schema.findings.c.milestone_id == milestone_id)).scalar_one()

    @staticmethod
    def _milestone(row: Any) -> Milestone:
        return Milestone(id=row["id"], recorded_at=_iso(row["recorded_at"]), kind=row["kind"], source=row["source"],
                         scope=row["scope"], accounts=list(row["accounts"]), regions=list(row["regions"]),
                         framework_edition=row["framework_edition"], wafr_version=row["wafr_version"],
                         counts=dict(row["counts"]), coverage=[list(c) for c in row["coverage"]],
                         projects=list(row["projects"]))

    # -- recording -----------------------------------------------------------------------------------------
    def record(self, review: Review, findings: list[Finding], kind: str,
               previous: MilestoneView | None = None) -> Milestone:
        """Record a review as a milestone. ``previous`` (same scope) carries each open finding's first-seen time."""
        now = _now()
        meta = milestone_of(review, kind=kind, recorded_at=now)
        rows = rows_of(findings, {fid: p.letter for p in review.projects for fid in p.finding_ids})
        earlier = previous.findings if previous else {}
        values = {
            "recorded_at": dt.datetime.now(dt.timezone.utc), "generated_at": review.generated_at, "kind": kind,
            "source": meta.source, "scope": meta.scope, "accounts": meta.accounts, "regions": meta.regions,
            "framework_edition": meta.framework_edition, "wafr_version": meta.wafr_version, "counts": meta.counts,
            "coverage": meta.coverage, "projects": meta.projects,
            "questionnaire": _questionnaire(review), "metric_evidence": _metric_evidence(review),
        }
        with self.engine.begin() as connection:
            milestone_id = connection.execute(insert(schema.milestones).values(**values)).inserted_primary_key[0]
            _insert_findings(connection, [(milestone_id, *row[:13], _first_seen(row, earlier.get(row.id), now),
                                           row[14]) for row in rows.values()])
            assessed = [{"milestone_id": milestone_id, "best_practice": bp, "status": status, "risk": risk,
                         "answer": answer} for bp, (status, risk, answer) in assessments_of(review).items()]
            if assessed:
                connection.execute(insert(schema.assessments), assessed)
        return self.milestone(milestone_id)


def _first_seen(row: FindingRow, earlier: FindingRow | None, now: str) -> str | None:
    """Kept while a finding stays open (failing, unjudged or accepted); a pass ends it, a new failure restarts it."""
    if row.status == PASS:
        return None
    if earlier is not None and earlier.first_seen and earlier.status != PASS:
        return earlier.first_seen
    return now if row.status == FAIL else None


# Findings go to and come from the driver directly (executemany of plain tuples, no per-row ORM or type
# processing): this is what records a 100,000-resource review in seconds. Every column is text, so nothing is lost.
def _placeholders(connection: Connection, count: int) -> str:
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    return ", ".join([mark] * count)


def _insert_findings(connection: Connection, rows: list[tuple]) -> None:
    columns = ("milestone_id", *schema.FINDING_COLUMNS)
    sql = (f"INSERT INTO {schema.findings.name} ({', '.join(columns)}) "
           f"VALUES ({_placeholders(connection, len(columns))})")
    for start in range(0, len(rows), BATCH):
        connection.exec_driver_sql(sql, rows[start:start + BATCH])


def _finding_rows(connection: Connection, milestone_id: int, statuses: tuple[str, ...]) -> Any:
    sql = (f"SELECT {', '.join(schema.FINDING_COLUMNS)} FROM {schema.findings.name} "
           f"WHERE milestone_id = {_placeholders(connection, 1)}")
    params: tuple = (milestone_id,)
    if statuses:
        sql += f" AND status IN ({_placeholders(connection, len(statuses))})"
        params += tuple(statuses)
    else:
        sql += f" AND status <> {_placeholders(connection, 1)}"
        params += (PASS,)
    return connection.exec_driver_sql(sql, params).cursor


def _passed_ids(connection: Connection, milestone_id: int) -> Any:
    mark = _placeholders(connection, 1)
    sql = f"SELECT finding_id FROM {schema.findings.name} WHERE milestone_id = {mark} AND status = {mark}"
    return connection.exec_driver_sql(sql, (milestone_id, PASS)).cursor


def _questionnaire(review: Review) -> dict[str, Any] | None:
    q = review.questionnaire
    if q is None:
        return None
    return {"workload": q.workload, "answered": q.answered, "total": q.total, "conflicts": len(q.conflicts),
            "unanswered": [u.id for u in q.unanswered]}


def _metric_evidence(review: Review) -> dict[str, Any] | None:
    """Savings and each metric finding's figures; the series stay in the review files."""
    m = review.metric_evidence
    if m is None:
        return None
    return {"total_monthly_usd": m.total_monthly_usd, "by_project": m.by_project,
            "findings": [{"finding_id": f.finding_id, "check_id": f.check_id, "evidence": f.evidence,
                          "monthly_saving_usd": f.monthly_saving_usd, "current_monthly_usd": f.current_monthly_usd,
                          "recommended_monthly_usd": f.recommended_monthly_usd} for f in m.findings]}


def known_finding_ids(store: HistoryStore, scope: str) -> set[str] | None:
    """The failed finding ids at the latest milestone of this scope (None when there is none): what --new-only
    treats as already known. Call it before the current review is recorded."""
    latest = store.latest(scope)
    if latest is None:
        return None
    return store.view(latest, statuses=(FAIL,)).failing_ids()
