"""One run, several formats: --format on demo, review and report; the defaults stay html, md and json; a saved review
re-renders to any format offline; a bad format name is refused before any work."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

from openpyxl import load_workbook
from pptx import Presentation
from typer.testing import CliRunner

from wafr.cli import app
from wafr.outputs import DEFAULT_FORMATS, parse_formats

EVERY_FILE = {"findings.json", "estate.json.gz", "review.json", "report.html", "report.md", "report.pptx",
              "findings.ocsf.json", "findings.asff.json", "findings.csv", "report.xlsx"}
runner = CliRunner()


def test_demo_writes_every_format(demo_outputs: Path):
    assert {p.name for p in demo_outputs.iterdir()} == EVERY_FILE
    findings = json.loads((demo_outputs / "findings.json").read_text())["findings"]
    assert len(json.loads((demo_outputs / "findings.ocsf.json").read_text())) == len(findings)
    assert len(json.loads((demo_outputs / "findings.asff.json").read_text())) == len(findings)
    assert len(Presentation(str(demo_outputs / "report.pptx")).slides) > 10
    assert load_workbook(demo_outputs / "report.xlsx")["Findings"].max_row == len(findings) + 1
    assert len((demo_outputs / "findings.csv").read_text(encoding="utf-8").splitlines()) == len(findings) + 1


def test_defaults_stay_html_md_json(demo_outputs: Path, tmp_path: Path):
    assert parse_formats(None) == list(DEFAULT_FORMATS) and set(DEFAULT_FORMATS) == {"html", "md", "json"}
    result = runner.invoke(app, ["review", str(demo_outputs / "estate.json.gz"), "-o", str(tmp_path), "--no-history"])
    assert result.exit_code == 0, result.output
    assert {p.name for p in tmp_path.iterdir()} == {"findings.json", "review.json", "report.html", "report.md"}


def test_review_writes_the_asked_formats_and_always_review_json(demo_outputs: Path, tmp_path: Path):
    result = runner.invoke(app, ["review", str(demo_outputs / "estate.json.gz"), "-o", str(tmp_path), "--no-history",
                                 "--format", "csv, OCSF"])
    assert result.exit_code == 0, result.output
    assert {p.name for p in tmp_path.iterdir()} == {"findings.json", "review.json", "findings.csv",
                                                   "findings.ocsf.json"}


def test_report_renders_a_saved_review_offline(demo_outputs: Path, tmp_path: Path, monkeypatch):
    shutil.copy(demo_outputs / "review.json", tmp_path / "review.json")

    def no_network(*args, **kwargs):
        raise AssertionError("wafr report reached for the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    result = runner.invoke(app, ["report", str(tmp_path / "review.json"), "--format", "pptx,xlsx,asff"])
    assert result.exit_code == 0, result.output
    assert {p.name for p in tmp_path.iterdir()} == {"review.json", "report.pptx", "report.xlsx", "findings.asff.json"}
    assert (tmp_path / "report.pptx").read_bytes()[:2] == b"PK"


def test_an_unknown_format_is_refused_before_the_run(tmp_path: Path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["demo", "-o", str(out), "--format", "html,pdf", "--no-history"])
    assert result.exit_code == 2
    assert "pdf" in result.output and "Traceback" not in result.output
    assert not out.exists()  # refused before provisioning anything


def test_a_review_without_results_cannot_give_per_result_formats(demo_outputs: Path, tmp_path: Path):
    """A review.json from before the results were carried in it: said plainly, exit 2, nothing written."""
    data = json.loads((demo_outputs / "review.json").read_text())
    data["findings"] = []
    (tmp_path / "review.json").write_text(json.dumps(data))
    for fmt in ("ocsf", "asff", "csv", "xlsx"):
        result = runner.invoke(app, ["report", str(tmp_path / "review.json"), "--format", fmt])
        assert result.exit_code == 2, result.output
        assert "no check results" in result.output
    assert {p.name for p in tmp_path.iterdir()} == {"review.json"}


def test_the_deck_renders_a_review_without_results(demo_outputs: Path, tmp_path: Path):
    data = json.loads((demo_outputs / "review.json").read_text())
    data.pop("findings", None)
    (tmp_path / "review.json").write_text(json.dumps(data))
    result = runner.invoke(app, ["report", str(tmp_path / "review.json"), "--format", "pptx"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "report.pptx").exists()
