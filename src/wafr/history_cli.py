"""`wafr history` (the milestones) and `wafr diff` (what changed between two of them, or two review.json files).

Commands, so of the command line's layer: `wafr diff` reads saved review.json files (wafr.report), which the
history store below the review must not import."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from wafr.errors import WafrError
from wafr.terminal import console, user_errors

HistoryLocation = Annotated[Optional[str], typer.Option(
    "--history", help="History store: a SQLite file or an SQLAlchemy URL (default: $WAFR_HISTORY_URL, else "
                      "history.sqlite in the user's data directory).")]
Limit = Annotated[int, typer.Option("--limit", min=1, help="Rows to show per list.")]
DIFF_FORMATS = ("terminal", "md", "json")


@user_errors
def history_command(
    history: HistoryLocation = None,
    limit: Limit = 20,
    output_format: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """The recorded milestones: when, what was scanned, failed findings per pillar and risk."""
    from wafr.history.render import milestones_json, milestones_table
    from wafr.history.store import HistoryStore

    if output_format not in ("table", "json"):
        raise WafrError(f"Unknown format {output_format!r}; choose table or json.")
    store = HistoryStore.open(history)
    try:
        milestones = store.milestones(limit=limit)
    finally:
        store.close()
    if output_format == "json":
        sys.stdout.write(milestones_json(milestones))
    elif not milestones:
        console.print("No milestones yet: scan, review or demo records one.")
    else:
        console.print(milestones_table(milestones))


@user_errors
def diff_command(
    first: Annotated[Optional[str], typer.Argument(
        metavar="[A]", help="Earlier milestone id or review.json (default: the last two milestones of one scope).")] = None,
    second: Annotated[Optional[str], typer.Argument(metavar="[B]", help="Later milestone id or review.json.")] = None,
    history: HistoryLocation = None,
    output_format: Annotated[str, typer.Option("--format", help="terminal, md or json")] = "terminal",
    limit: Limit = 20,
) -> None:
    """What changed: new, resolved, still-open and no-longer-assessed findings, risk, assessments and coverage."""
    from wafr.history.diff import diff
    from wafr.history.render import to_json, to_markdown, to_terminal

    if output_format not in DIFF_FORMATS:
        raise WafrError(f"Unknown format {output_format!r}; choose {', '.join(DIFF_FORMATS)}.")
    if (first is None) != (second is None):
        raise WafrError("Give two milestones (or two review.json files) to compare, or none for the last two.")
    if first and second and Path(first).is_file() and Path(second).is_file():
        before, after = _review_view(Path(first)), _review_view(Path(second))
    else:
        before, after = _store_views(history, first, second)
    changes = diff(before, after)
    if output_format == "json":
        sys.stdout.write(to_json(changes))
    elif output_format == "md":
        sys.stdout.write(to_markdown(changes, limit))
    else:
        console.print(to_terminal(changes, limit))


def _review_view(path: Path):
    from wafr.history.views import view_of_review
    from wafr.report.review_json import load

    review = load(path)
    if not review.findings and any(True for _ in review.all_focus_areas()):
        raise WafrError(f"{path} carries no findings list (an older review.json); review its snapshot again "
                        "with `wafr review`, or compare milestones from the history.")
    return view_of_review(review, label=path.name)


def _milestone_id(value: str) -> int:
    try:
        return int(value.lstrip("#"))
    except ValueError:
        raise WafrError(f"{value!r} is neither a milestone id (see `wafr history`) nor a review.json file.") from None


def _store_views(location: Optional[str], first: Optional[str], second: Optional[str]):
    from wafr.history.store import HistoryStore

    store = HistoryStore.open(location)
    try:
        if first and second:
            before, after = store.milestone(_milestone_id(first)), store.milestone(_milestone_id(second))
        else:
            latest = store.milestones(limit=1)
            if not latest:
                raise WafrError("The history has no milestones yet: scan, review or demo records one.")
            after = latest[-1]
            before = store.previous(after)
            if before is None:
                raise WafrError(f"Milestone #{after.id} is the first of its accounts and regions; there is nothing "
                                "to compare it with yet.")
        return store.view(before), store.view(after)
    finally:
        store.close()
