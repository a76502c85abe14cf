"""Writing a review's files into the output directory: findings.json, the snapshot it was judged from, and the
review itself as review.json, report.html and report.md."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wafr.errors import WafrError
from wafr.estate import Estate
from wafr.findings import Finding, findings_document
from wafr.sources import snapshot

if TYPE_CHECKING:
    from wafr.review import Review

FINDINGS_FILE = "findings.json"
SNAPSHOT_FILE = "estate.json.gz"
# The review's renderings: format name -> file name. review.json is written first, so a failing renderer
# still leaves the review that `wafr report` can re-render.
REPORT_FILES = {"json": "review.json", "html": "report.html", "md": "report.md"}


@dataclass(frozen=True)
class Written:
    findings: Path
    snapshot: Path | None


def prepare_dir(output_dir: Path) -> Path:
    """Create the output directory; a path that exists as a file is the user's, so we refuse it."""
    if output_dir.exists() and not output_dir.is_dir():
        raise WafrError(f"Output directory {output_dir} exists and is not a directory.")
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WafrError(f"Cannot create output directory {output_dir}: {error.strerror}") from None
    return output_dir


def write_review(estate: Estate, findings: list[Finding], output_dir: Path, *, with_snapshot: bool) -> Written:
    """Write findings.json (and the snapshot, for a live scan or the demo) into ``output_dir``.

    Only wafr's own file names are written, so other files in the directory are never touched.
    """
    prepare_dir(output_dir)
    findings_path = output_dir / FINDINGS_FILE
    tmp = findings_path.with_name(findings_path.name + ".partial")
    tmp.write_text(json.dumps(findings_document(estate, findings), indent=2) + "\n", encoding="utf-8")
    tmp.replace(findings_path)
    snapshot_path = None
    if with_snapshot:
        snapshot_path = output_dir / SNAPSHOT_FILE
        snapshot.write(estate, snapshot_path)
    return Written(findings=findings_path, snapshot=snapshot_path)


def _write_atomic(path: Path, text: str) -> None:
    """Write beside the target and rename, so a reader never sees half a file."""
    tmp = path.with_name(path.name + ".partial")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def write_report(review: Review, output_dir: Path, fmt: str) -> Path:
    """Render the review in one format (json, html or md) into ``output_dir``."""
    from wafr.report import html, markdown, review_json

    renderers = {"json": review_json.render, "html": html.render, "md": markdown.render}
    if fmt not in renderers:
        raise WafrError(f"Unknown report format {fmt!r}; choose one of {', '.join(renderers)}.")
    prepare_dir(output_dir)
    path = output_dir / REPORT_FILES[fmt]
    _write_atomic(path, renderers[fmt](review))
    return path


def write_reports(review: Review, output_dir: Path) -> list[Path]:
    """review.json, report.html and report.md beside findings.json."""
    return [write_report(review, output_dir, fmt) for fmt in REPORT_FILES]
