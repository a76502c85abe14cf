"""The history on the command line: review records milestones, `wafr history` lists them, `wafr diff` compares them
(or two review.json files), --new-only gates on what is new, and a store that cannot be used is exit 2 with the
review files still written."""

from __future__ import annotations

import json

import pytest
from history_estates import two_scans
from typer.testing import CliRunner

from wafr.cli import app
from wafr.sources import snapshot

runner = CliRunner()


def run(*args):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def gate(result) -> str:
    """What the --fail-on gate printed (the run's summary above it names every finding anyway)."""
    return result.output.partition("--fail-on high:")[2]


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory):
    first, second = two_scans()
    root = tmp_path_factory.mktemp("snapshots")
    paths = root / "first.json.gz", root / "second.json.gz"
    snapshot.write(first, paths[0])
    snapshot.write(second, paths[1])
    return paths


def test_reviews_record_milestones_that_history_and_diff_read(snapshots, tmp_path):
    store = tmp_path / "team.sqlite"
    first = run("review", snapshots[0], "-o", tmp_path / "one", "--history", store)
    assert first.exit_code == 0, first.output
    assert "Recorded milestone #1" in first.output
    second = run("review", snapshots[1], "-o", tmp_path / "two", "--history", store)
    assert second.exit_code == 0, second.output

    listed = json.loads(run("history", "--history", store, "--format", "json").stdout)
    assert [m["id"] for m in listed] == [1, 2] and listed[0]["kind"] == "review"
    assert listed[0]["counts"]["security"]["HIGH"] >= 1
    table = run("history", "--history", store)
    assert table.exit_code == 0 and "milestone" in table.output

    changes = json.loads(run("diff", "--history", store, "--format", "json").stdout)  # the last two milestones
    resolved = {f["name"] for f in changes["findings"]["resolved"]}
    unseen = {f["name"] for f in changes["findings"]["no_longer_assessed"]}
    assert "web-sg" in resolved and "orders" in unseen and "orders" not in resolved
    assert changes == json.loads(run("diff", "1", "2", "--history", store, "--format", "json").stdout)
    md = run("diff", "--history", store, "--format", "md").stdout
    assert md.startswith("# What changed") and "admin-sg" in md
    terminal = run("diff", "--history", store)
    assert terminal.exit_code == 0 and "No longer assessed" in terminal.output

    # The second review remembers the first.
    report = (tmp_path / "two" / "report.md").read_text()
    assert "## Since the last review" in report and "Progress on the previous review's projects" in report
    rerendered = run("report", tmp_path / "two" / "review.json", "--format", "md", "-o", tmp_path / "again")
    assert rerendered.exit_code == 0, rerendered.output
    assert "## Since the last review" in (tmp_path / "again" / "report.md").read_text()


def test_diff_of_two_review_files(snapshots, tmp_path):
    for name, path in zip(("one", "two"), snapshots):
        assert run("review", path, "-o", tmp_path / name, "--no-history").exit_code == 0
    result = run("diff", tmp_path / "one" / "review.json", tmp_path / "two" / "review.json", "--format", "json")
    assert result.exit_code == 0, result.output
    changes = json.loads(result.stdout)
    assert "admin-sg" in {f["name"] for f in changes["findings"]["new"]}
    assert "orders" in {f["name"] for f in changes["findings"]["no_longer_assessed"]}


def test_new_only_fails_on_what_is_new_since_the_last_milestone(snapshots, tmp_path):
    store = tmp_path / "gate.sqlite"
    assert run("review", snapshots[0], "-o", tmp_path / "one", "--history", store).exit_code == 0
    everything = run("review", snapshots[1], "-o", tmp_path / "all", "--no-history", "--fail-on", "high")
    single_az = "single Availability Zone: orders-db"  # failing before (LOW in dev), still failing (HIGH in prod)
    assert everything.exit_code == 4 and single_az in gate(everything)
    new = run("review", snapshots[1], "-o", tmp_path / "two", "--history", store, "--fail-on", "high", "--new-only")
    assert new.exit_code == 4, new.output
    assert "admin-sg" in gate(new) and single_az not in gate(new)
    # Against the milestone just recorded, nothing is new any more.
    again = run("review", snapshots[1], "-o", tmp_path / "three", "--history", store, "--fail-on", "high",
                "--new-only")
    assert again.exit_code == 0, again.output


def test_a_history_that_cannot_be_opened_is_exit_2_after_the_files(snapshots, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the store's directory should be")
    result = run("review", snapshots[0], "-o", tmp_path / "out", "--history", blocker / "history.sqlite")
    assert result.exit_code == 2, result.output
    assert "History store" in result.output and "cannot be opened" in result.output
    assert "Traceback" not in result.output
    for name in ("review.json", "report.html", "report.md", "findings.json"):
        assert (tmp_path / "out" / name).is_file(), name


def test_a_history_that_refuses_the_milestone_is_exit_2_after_the_files(snapshots, tmp_path):
    import sqlite3

    from wafr.history.store import HistoryStore

    store = tmp_path / "refusing.sqlite"
    HistoryStore.open(str(store)).close()
    with sqlite3.connect(store) as db:  # the database itself refuses the write, as a full disk or a lock would
        db.execute("CREATE TRIGGER refuse BEFORE INSERT ON wafr_milestones BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    result = run("review", snapshots[0], "-o", tmp_path / "out", "--history", store)
    assert result.exit_code == 2, result.output
    assert "cannot be written: disk full" in result.output and "Traceback" not in result.output
    assert (tmp_path / "out" / "review.json").is_file() and (tmp_path / "out" / "report.html").is_file()


def test_an_unreachable_database_is_exit_2_without_its_password(snapshots, tmp_path):
    url = "postgresql://wafr:s3cret-pw@127.0.0.1:9/history?connect_timeout=2"
    result = run("review", snapshots[0], "-o", tmp_path / "out", "--history", url)
    assert result.exit_code == 2, result.output
    assert "cannot be opened" in result.output and "s3cret-pw" not in result.output
    assert (tmp_path / "out" / "review.json").is_file()


def test_the_environment_names_the_store_and_no_history_records_nothing(snapshots, tmp_path, monkeypatch):
    store = tmp_path / "from-env.sqlite"
    monkeypatch.setenv("WAFR_HISTORY_URL", str(store))
    assert run("review", snapshots[0], "-o", tmp_path / "a", "--no-history").exit_code == 0
    assert not store.exists()
    assert run("review", snapshots[0], "-o", tmp_path / "b").exit_code == 0
    assert len(json.loads(run("history", "--format", "json").stdout)) == 1
    unusable = run("review", snapshots[0], "-o", tmp_path / "c", "--no-history", "--fail-on", "high", "--new-only")
    assert unusable.exit_code == 2 and "--no-history" in unusable.output


def test_diff_needs_two_milestones(tmp_path):
    store = tmp_path / "empty.sqlite"
    assert run("diff", "--history", store).exit_code == 2
    assert run("diff", "7", "--history", store).exit_code == 2
    missing = run("diff", "1", "2", "--history", store)
    assert missing.exit_code == 2 and "no milestone 1" in missing.output
