"""The history store against SQLite and a real PostgreSQL server: migrations from empty, milestones recorded from
moto scans, and a diff where findings are resolved, added, change risk and become unreadable."""

from __future__ import annotations

import json
import uuid

import pytest
from history_estates import two_scans
from sqlalchemy import inspect, text

from wafr.findings import evaluate
from wafr.history.diff import NEW, NO_LONGER_ASSESSED, RESOLVED, RISK_UP, STILL_OPEN, diff
from wafr.history.store import HistoryStore, known_finding_ids
from wafr.history.views import Baseline, view_of_review
from wafr.report import html, markdown, review_json
from wafr.review import review_of_estate
from wafr.review.model import Review

PG_BASE = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="module")
def estates():
    return two_scans()


def _review(estate, baseline=None) -> tuple[Review, list]:
    findings = evaluate(estate)
    return review_of_estate(estate, findings, baseline=baseline), findings


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """A fresh store: a SQLite file, or a schema of its own in PostgreSQL (so parallel workers never collide)."""
    if request.param == "sqlite":
        yield str(tmp_path / "history.sqlite")
        return
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL is not reachable on 127.0.0.1:5432 ({error}); .ci/run starts it")
    schema = f"wafr_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{PG_BASE}?options=-csearch_path%3D{schema}"
    finally:
        admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        admin.close()


@pytest.fixture
def store(store_url):
    opened = HistoryStore.open(store_url)
    yield opened
    opened.close()


def _by_name(changes, kind, check_id):
    return {c.name for c in changes.get(kind, []) if c.check_id == check_id}


def test_migrations_create_the_schema_from_empty(store_url):
    first = HistoryStore.open(store_url)
    tables = set(inspect(first.engine).get_table_names())
    with first.engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    first.close()
    assert {"wafr_milestones", "wafr_findings", "wafr_assessments", "alembic_version"} <= tables
    assert version == "0001"
    again = HistoryStore.open(store_url)  # opening a current store migrates nothing and loses nothing
    assert again.milestones() == []
    again.close()


def test_diff_across_milestones(store, estates):
    first, second = estates
    review1, findings1 = _review(first)
    m1 = store.record(review1, findings1, "scan")
    scope = m1.scope
    assert known_finding_ids(store, scope) == {f.id for f in findings1 if f.status == "FAIL"}
    previous = store.view(m1)
    review2, findings2 = _review(second)
    m2 = store.record(review2, findings2, "scan", previous=previous)
    assert [m.id for m in store.milestones(scope)] == [m1.id, m2.id]
    assert store.previous(m2).id == m1.id
    assert store.count_findings(m2.id) == len(findings2)

    changes = diff(store.view(m1), store.view(m2)).changes
    admin_port = "security-group-admin-port-open-to-internet"
    assert _by_name(changes, RESOLVED, admin_port) == {"web-sg"}
    assert _by_name(changes, NEW, admin_port) == {"admin-sg"}
    assert _by_name(changes, RISK_UP, "rds-instance-single-az") == {"orders-db"}
    raised = next(c for c in changes[RISK_UP] if c.check_id == "rds-instance-single-az")
    assert (raised.previous_risk, raised.risk) == ("LOW", "HIGH")
    # The table could not be read: its failure is not "resolved", it is "no longer assessed".
    assert _by_name(changes, NO_LONGER_ASSESSED, "dynamodb-pitr-disabled") == {"orders"}
    assert not _by_name(changes, RESOLVED, "dynamodb-pitr-disabled")
    gone = next(c for c in changes[NO_LONGER_ASSESSED] if c.check_id == "dynamodb-pitr-disabled")
    assert "dynamodb" in gone.why
    # Still open since the first milestone: first seen then, not at the second.
    still = next(c for c in changes[STILL_OPEN] if c.check_id == "rds-instance-single-az")
    assert still.first_seen == m1.recorded_at


def test_diff_reports_coverage_assessments_and_per_pillar(store, estates):
    first, second = estates
    review1, findings1 = _review(first)
    m1 = store.record(review1, findings1, "scan")
    review2, findings2 = _review(second)
    m2 = store.record(review2, findings2, "review", previous=store.view(m1))
    result = diff(store.view(m1), store.view(m2))
    lost = [c for c in result.coverage if c.service == "dynamodb"]
    assert lost and lost[0].before == "assessed" and lost[0].after != "assessed"
    assert result.assessments, "the fixed SSH rule and the unread table change best-practice statuses"
    assert result.by_pillar["security"][RESOLVED] >= 1 and result.by_pillar["security"][NEW] >= 1
    assert set(result.by_account) == {first.accounts[0]}
    document = json.loads(json.dumps(result.to_dict()))
    assert document["counts"][NO_LONGER_ASSESSED] == result.count(NO_LONGER_ASSESSED) >= 1


def test_since_the_last_review_is_rendered(store, estates):
    first, second = estates
    review1, findings1 = _review(first)
    m1 = store.record(review1, findings1, "scan")
    review2, _ = _review(second, baseline=Baseline(store.view(m1), [m1]))
    since = review2.since_last
    assert since is not None and since.previous_milestone == f"#{m1.id}"
    assert "web-sg" in {c.resource for c in since.resolved}
    assert "admin-sg" in {c.resource for c in since.new}
    assert "orders-db" in {c.resource for c in since.regressed}
    assert "orders" in {c.resource for c in since.no_longer_assessed}
    assert [p.milestone for p in since.trend] == [f"#{m1.id}", "this review"]

    md = markdown.render(review2)
    assert "## Since the last review" in md and "web-sg" in md.split("## Since the last review")[1]
    page = html.render(review2)
    section = page.split('id="since-last"')[1].split("</section>")[0]
    assert "admin-sg" in section and 'class="chart trend"' in section and "<script" not in page
    reevaluation = " ".join(item.text for item in review2.roadmap[-1].items)
    assert "Progress on the previous review's projects" in reevaluation
    # review.json keeps it, and a re-rendered report shows it again.
    again = Review.from_dict(json.loads(review_json.render(review2)))
    assert again.since_last == since
    assert "## Since the last review" in markdown.render(again)


def test_a_first_review_has_no_since_last_section(estates):
    review, _ = _review(estates[0])
    assert review.since_last is None
    assert "Since the last review" not in markdown.render(review)
    assert 'id="since-last"' not in html.render(review)


def test_known_finding_ids_without_a_milestone(store):
    assert known_finding_ids(store, "no-such-scope") is None


def test_a_retired_check_is_not_resolved(estates):
    """After an upgrade that retires a check, its old failures are no longer assessed, not fixed."""
    import dataclasses

    review, findings = _review(estates[0])
    failed = next(f for f in findings if f.status == "FAIL")
    before = view_of_review(review, [*findings, dataclasses.replace(failed, id="retired", check_id="retired-check")])
    changes = diff(before, view_of_review(review, findings)).changes
    assert [c.id for c in changes[NO_LONGER_ASSESSED]] == ["retired"]
    assert "retired-check" in changes[NO_LONGER_ASSESSED][0].why and RESOLVED not in changes


def test_diff_from_two_review_files_matches_the_store(estates, tmp_path):
    first, second = estates
    review1, _ = _review(first)
    review2, _ = _review(second)
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(review_json.render(review1))
    b.write_text(review_json.render(review2))
    changes = diff(view_of_review(review_json.load(a)), view_of_review(review_json.load(b))).changes
    assert _by_name(changes, RESOLVED, "security-group-admin-port-open-to-internet") == {"web-sg"}
    assert _by_name(changes, NO_LONGER_ASSESSED, "dynamodb-pitr-disabled") == {"orders"}
    assert _by_name(changes, RISK_UP, "rds-instance-single-az") == {"orders-db"}
