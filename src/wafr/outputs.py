"""Writing a run's files into the output directory as one set: findings.json, the snapshot it was judged from, and
the review in every requested format (review.json, report.html, report.md, and any format a renderer registers).

Every file is first written to a temporary file beside its target; only when all of them were written are they
moved into place. A failure anywhere (a renderer raising, a full disk) leaves every existing file as it was and
removes the temporaries, so a directory never holds a new findings.json beside an old report.
"""

from __future__ import annotations

import importlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Union

from wafr.errors import WafrError
from wafr.estate import Estate
from wafr.findings import Finding, findings_document
from wafr.sources import snapshot

if TYPE_CHECKING:
    from wafr.review import Review

FINDINGS_FILE = "findings.json"
SNAPSHOT_FILE = "estate.json.gz"

Content = Union[str, bytes]  # text is written as UTF-8


@dataclass(frozen=True)
class Renderer:
    """One format of the review: ``render(review)`` returns the file's text (or bytes), saved as ``file_name``."""

    format: str
    file_name: str
    render: Callable[["Review"], Content]


_RENDERERS: dict[str, Renderer] = {}


def register(fmt: str, file_name: str, render: Callable[["Review"], Content]) -> Renderer:
    """Add (or replace) a format; ``wafr report --format`` and a run's extra formats find it by name."""
    _RENDERERS[fmt] = Renderer(fmt, file_name, render)
    return _RENDERERS[fmt]


def renderer(fmt: str) -> Renderer:
    if fmt not in _RENDERERS:
        raise WafrError(f"Unknown format {fmt!r}; choose one of {', '.join(_RENDERERS)}.")
    return _RENDERERS[fmt]


def formats() -> list[str]:
    return list(_RENDERERS)


def _imported(module: str) -> Callable[["Review"], Content]:
    """A renderer imported on first use, so a run that never writes HTML never loads jinja."""

    def render(review: "Review") -> Content:
        return importlib.import_module(module).render(review)

    return render


register("json", "review.json", _imported("wafr.report.review_json"))
register("html", "report.html", _imported("wafr.report.html"))
register("md", "report.md", _imported("wafr.report.markdown"))
# Formats written only when asked for (--format): the deck, security-tooling findings, spreadsheets.
register("pptx", "report.pptx", _imported("wafr.report.deck"))
register("ocsf", "findings.ocsf.json", _imported("wafr.report.ocsf"))
register("asff", "findings.asff.json", _imported("wafr.report.asff"))
register("csv", "findings.csv", _imported("wafr.report.csv_findings"))
register("xlsx", "report.xlsx", _imported("wafr.report.xlsx"))
# What every scan, review and demo writes beside findings.json.
DEFAULT_FORMATS = ("json", "html", "md")
REPORT_FILES = {fmt: _RENDERERS[fmt].file_name for fmt in DEFAULT_FORMATS}


def parse_formats(value: str | None) -> list[str]:
    """The formats a run writes for ``--format a,b``: review.json always (it is what ``wafr report`` re-renders),
    then the ones asked for; none asked means DEFAULT_FORMATS. An unknown name is a WafrError."""
    if value is None or not value.strip():
        return list(DEFAULT_FORMATS)
    asked = [name.strip().lower() for name in value.split(",") if name.strip()]
    return list(dict.fromkeys(["json", *(renderer(name).format for name in asked)]))


def prepare_dir(output_dir: Path) -> Path:
    """Create the output directory; a path that exists as a file is the user's, so we refuse it."""
    if output_dir.exists() and not output_dir.is_dir():
        raise WafrError(f"Output directory {output_dir} exists and is not a directory.")
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WafrError(f"Cannot create output directory {output_dir}: {error.strerror}") from None
    return output_dir


def _temporary(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.partial")


def _stage(target: Path, data: bytes) -> Path:
    """Write ``data`` to a new temporary file beside ``target`` (created with the user's umask, like the target)."""
    tmp = _temporary(target)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _keep(target: Path) -> Path | None:
    """A hard link to the target's current content, to put it back if a later move fails (None: nothing to keep)."""
    if not target.is_file():
        return None
    backup = _temporary(target)
    try:
        os.link(target, backup)
    except OSError:
        return None  # a file system without hard links: each move below is still all-or-nothing
    return backup


def _replace_all(staged: list[tuple[Path, Path]]) -> None:
    """Move every temporary onto its target; if one move fails, put back the targets already replaced."""
    replaced: list[tuple[Path, Path | None]] = []
    kept: list[Path] = []
    try:
        for tmp, target in staged:
            backup = _keep(target)
            if backup is not None:
                kept.append(backup)
            os.replace(tmp, target)
            replaced.append((target, backup))
    except BaseException:
        for target, backup in reversed(replaced):
            if backup is not None:
                os.replace(backup, target)
            else:
                target.unlink(missing_ok=True)
        raise
    finally:
        for backup in kept:
            backup.unlink(missing_ok=True)


def write_files(output_dir: Path, files: Mapping[str, Union[Content, Callable[[], Content]]]) -> list[Path]:
    """Write ``files`` (file name -> content, or a function making it) into ``output_dir`` as one set."""
    prepare_dir(output_dir)
    staged: list[tuple[Path, Path]] = []
    current = output_dir
    try:
        for name, content in files.items():
            current = output_dir / name
            data = content() if callable(content) else content
            staged.append((_stage(current, data.encode("utf-8") if isinstance(data, str) else data), current))
        current = output_dir
        _replace_all(staged)
    except OSError as error:
        raise WafrError(f"Cannot write {current}: {error.strerror or error}; no file in {output_dir} "
                        "was changed.") from None
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
    return [target for _, target in staged]


def _report_files(review: "Review", fmts: Iterable[str]) -> dict[str, Callable[[], Content]]:
    chosen = [renderer(fmt) for fmt in dict.fromkeys(fmts)]
    return {r.file_name: (lambda r=r: r.render(review)) for r in chosen}


def write_run(estate: Estate, findings: list[Finding], review: "Review", output_dir: Path, *, with_snapshot: bool,
              fmts: Iterable[str] | None = None) -> list[Path]:
    """Everything a scan, review or demo writes: findings.json, the snapshot (for a live scan or the demo), and
    the review in ``fmts``. Only wafr's own file names are written; other files in the directory are never touched.
    """
    files: dict[str, Union[Content, Callable[[], Content]]] = {
        FINDINGS_FILE: lambda: json.dumps(findings_document(estate, findings), indent=2) + "\n"}
    if with_snapshot:
        files[SNAPSHOT_FILE] = lambda: snapshot.encode(estate, compressed=True)
    files.update(_report_files(review, DEFAULT_FORMATS if fmts is None else fmts))
    return write_files(output_dir, files)


def write_report(review: "Review", output_dir: Path, fmt: str) -> Path:
    """Render the review in one format into ``output_dir``."""
    (path,) = write_files(output_dir, _report_files(review, [fmt]))
    return path


def write_reports(review: "Review", output_dir: Path, fmts: Iterable[str] | None = None) -> list[Path]:
    """The review in ``fmts`` (review.json, report.html and report.md by default), written as one set."""
    return write_files(output_dir, _report_files(review, DEFAULT_FORMATS if fmts is None else fmts))
