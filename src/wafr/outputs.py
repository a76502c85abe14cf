"""Writing a review's files into the output directory: findings.json and the snapshot it was judged from."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from wafr.errors import WafrError
from wafr.estate import Estate
from wafr.findings import Finding, findings_document
from wafr.sources import snapshot

FINDINGS_FILE = "findings.json"
SNAPSHOT_FILE = "estate.json.gz"


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
