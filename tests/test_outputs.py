"""A run's files are written as one set: all of them change, or none does."""

from __future__ import annotations

import errno
import hashlib
import os

import pytest
from typer.testing import CliRunner

from wafr import outputs
from wafr.cli import app
from wafr.errors import WafrError
from wafr.metrics.synthetic import ecs_service, estate_with, rds_instance
from wafr.sources import snapshot

runner = CliRunner()


def state(directory):
    """Every file's bytes and modification time: what a user would notice had changed."""
    return {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(directory.iterdir())}


@pytest.fixture
def previous_review(tmp_path):
    """A snapshot, and an output directory holding the review written from it earlier."""
    good = tmp_path / "estate.json.gz"
    snapshot.write(estate_with([*ecs_service("api", 1024, 2048), rds_instance("prod-db", "db.t3.micro")], {}), good)
    out = tmp_path / "review"
    result = runner.invoke(app, ["review", str(good), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert {"findings.json", "review.json", "report.html", "report.md"} <= set(state(out))
    return good, out


def test_a_renderer_failing_for_want_of_space_changes_no_file(previous_review, monkeypatch):
    good, out = previous_review
    before = state(out)

    def full_disk(review):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setitem(outputs._RENDERERS, "md", outputs.Renderer("md", "report.md", full_disk))
    result = runner.invoke(app, ["review", str(good), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "report.md: No space left on device; no file in" in result.stderr
    assert state(out) == before  # findings.json included: it used to be replaced before the reports failed


def test_a_renderer_bug_leaves_the_directory_as_it_was(previous_review, monkeypatch):
    good, out = previous_review
    before = state(out)

    def broken(review):
        raise RuntimeError("renderer bug")

    monkeypatch.setitem(outputs._RENDERERS, "html", outputs.Renderer("html", "report.html", broken))
    result = runner.invoke(app, ["review", str(good), "-o", str(out)])
    assert isinstance(result.exception, RuntimeError)
    assert state(out) == before


def test_a_move_that_fails_half_way_puts_back_the_files_already_moved(tmp_path, monkeypatch):
    for name in ("a.json", "b.html", "c.md"):
        (tmp_path / name).write_text(f"old {name}")
    before = state(tmp_path)
    real_replace, moves = os.replace, []

    def replace(src, dst):
        moves.append(dst)
        if str(dst).endswith("c.md"):  # the third of four moves
            raise OSError(errno.EIO, "I/O error")
        return real_replace(src, dst)

    monkeypatch.setattr(outputs.os, "replace", replace)
    with pytest.raises(WafrError, match="no file in .* was changed"):
        outputs.write_files(tmp_path, {"a.json": "new a", "b.html": "new b", "c.md": "new c", "d.txt": "new d"})
    assert state(tmp_path) == before  # a.json and b.html restored, d.txt never created, no temporary left


def test_renderers_are_registered_by_format_and_may_return_bytes(tmp_path, monkeypatch):
    monkeypatch.setitem(outputs._RENDERERS, "bin", outputs.Renderer("bin", "report.bin", lambda review: b"\x00\xff"))
    assert "bin" in outputs.formats() and outputs.parse_formats("bin") == ["json", "bin"]
    written = outputs.write_files(tmp_path, {"report.bin": b"\x00\xff", "note.txt": "caf\u00e9"})
    assert [p.name for p in written] == ["report.bin", "note.txt"]
    assert (tmp_path / "report.bin").read_bytes() == b"\x00\xff"
    assert (tmp_path / "note.txt").read_bytes() == "caf\u00e9".encode()
    with pytest.raises(WafrError, match="Unknown format 'pdf'"):
        outputs.parse_formats("html,pdf")


def test_outputs_keep_the_users_permissions_policy(tmp_path):
    """Temporaries are created with the umask, so the files moved into place are not private by accident."""
    old = os.umask(0o022)
    try:
        outputs.write_files(tmp_path, {"findings.json": "{}"})
    finally:
        os.umask(old)
    assert (tmp_path / "findings.json").stat().st_mode & 0o777 == 0o644
