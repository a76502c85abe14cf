"""`wafr questions`: write an answers file pre-filled from a snapshot, and answer it in the terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from wafr.errors import WafrError
from wafr.framework import PILLAR_SLUGS
from wafr.help_text import HelpGroup
from wafr.questionnaire.questions import CORE_PILLARS, OPTIONAL_PILLARS
from wafr.terminal import console, safe, user_errors

questions_app = typer.Typer(
    name="questions",
    cls=HelpGroup,
    help="The questionnaire: the Well-Architected questions no API can answer, pre-filled from the scan.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

PILLAR_HELP = "ops, sec, rel, perf, cost or sus (repeatable)"


def pillar_slugs(names: list[str] | None) -> list[str] | None:
    """"ops", "OPS" or "operational-excellence" -> the pillar's slug."""
    if not names:
        return None
    known = {short.lower(): slug for short, slug in PILLAR_SLUGS.items()} | {s: s for s in PILLAR_SLUGS.values()}
    slugs = []
    for name in names:
        slug = known.get(name.strip().lower())
        if slug is None:
            raise WafrError(f"Unknown pillar {name!r}; use {PILLAR_HELP}.")
        slugs.append(slug)
    return slugs


@questions_app.command()
@user_errors
def init(
    snapshot_path: Annotated[Optional[Path], typer.Argument(
        metavar="[SNAPSHOT]", help="A snapshot from `wafr collect` or `wafr scan`; its evidence pre-fills the file.",
    )] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="The answers file to write.")] = Path("answers.yaml"),
    force: Annotated[bool, typer.Option(
        "--force", help="Overwrite an existing answers file, answers and all.")] = False,
    update: Annotated[bool, typer.Option(
        "--update", help="Keep the answers of an existing file; refresh only the scan's evidence and suggestions.",
    )] = False,
    workload: Annotated[str, typer.Option("--workload", help="The workload the answers describe.")] = "",
    pillar: Annotated[Optional[list[str]], typer.Option(
        "--pillar", help=f"Only these pillars: {PILLAR_HELP}. Default: the five pillars the review covers.")] = None,
    sustainability: Annotated[bool, typer.Option("--sustainability", help="Add the Sustainability pillar.")] = False,
) -> None:
    """Write an answers file with an entry per best practice, pre-filled with the scan's evidence."""
    from wafr.findings import evaluate
    from wafr.questionnaire.prefill import prefill
    from wafr.questionnaire.reader import read
    from wafr.questionnaire.writer import save
    from wafr.sources import snapshot

    if force and update:
        raise WafrError("Choose --force (start over) or --update (keep the answers), not both.")
    keep = None
    if output.exists():
        if update:
            keep = read(output)
        elif not force:
            raise WafrError(f"{output} already exists; pass --update to keep its answers and refresh the evidence, "
                            "or --force to start over.")
    pillars = pillar_slugs(pillar) or list(CORE_PILLARS)
    if sustainability:
        pillars += [p for p in OPTIONAL_PILLARS if p not in pillars]
    findings, source = [], ""
    if snapshot_path is not None:
        estate = snapshot.read(snapshot_path)
        findings = evaluate(estate)
        source = f"{snapshot_path.name}: account(s) {', '.join(estate.accounts)}; region(s) {', '.join(estate.regions)}"
    sheet = prefill(findings, pillars=pillars, workload=workload, source=source, keep=keep)
    save(sheet, output, keep_comments=not force)  # --update keeps the team's comments; --force starts over
    suggested = sum(1 for a in sheet.answers.values() if a.suggested)
    console.print(safe(f"Wrote {output}: {len(sheet.answers)} best practices, {sheet.answered} answered, "
                       f"{suggested} with a suggestion from the scan. Next: wafr questions ask {output}"))


@questions_app.command()
@user_errors
def ask(
    answers_path: Annotated[Path, typer.Argument(
        metavar="ANSWERS", help="An answers file from `wafr questions init`.")],
    pillar: Annotated[Optional[list[str]], typer.Option(
        "--pillar", help=f"Only these pillars, all their practices: {PILLAR_HELP}.")] = None,
    owner: Annotated[Optional[str], typer.Option(
        "--owner", help="Owner recorded with each answer (default: asked once at the start).")] = None,
) -> None:
    """Answer the unanswered questions pillar by pillar; every answer is saved at once, so you can stop and resume."""
    from wafr.questionnaire.ask import walk

    result = walk(answers_path, console, pillars=pillar_slugs(pillar), owner=owner)
    if result.stopped == "interrupted":
        raise typer.Exit(130)


if __name__ == "__main__":
    questions_app()
