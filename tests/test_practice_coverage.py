"""docs/coverage.md is generated from the declarations, and says what `wafr checks --by-bp` says."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from wafr.checks.registry import all_checks
from wafr.cli import app
from wafr.framework import load
from wafr.report.practice_coverage import evidence_by_practice

DOC = Path(__file__).resolve().parent.parent / "docs" / "coverage.md"


def test_the_coverage_document_is_what_the_code_generates():
    result = CliRunner().invoke(app, ["checks", "--by-bp"])
    assert result.exit_code == 0, result.output
    assert DOC.read_text(encoding="utf-8") == result.output, \
        "docs/coverage.md is out of date: run `wafr checks --by-bp > docs/coverage.md`"


def test_each_practice_names_exactly_the_checks_that_cite_it():
    checks = list(all_checks().values())
    evidence = evidence_by_practice(checks)
    framework = load()
    assert set(evidence) <= set(framework.best_practices)
    some = next(c for c in checks if c.best_practices)
    for bp in some.best_practices:
        assert some.id in evidence[bp]
    assert sum(len(ids) for ids in evidence.values()) == sum(len(c.best_practices) for c in checks)
    output = CliRunner().invoke(app, ["checks", "--by-bp"]).output
    assert f"{len(evidence)} of {len(framework.best_practices)} best practices have evidence" in output
