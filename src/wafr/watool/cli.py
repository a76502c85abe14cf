"""`wafr wa-tool`: push a review to the AWS Well-Architected Tool, pull a workload's answers, print the policy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from wafr.errors import WafrError
from wafr.help_text import HelpGroup
from wafr.terminal import console, safe, user_errors
from wafr.watool.session import open_wa_tool, write_policy

wa_tool_app = typer.Typer(
    name="wa-tool",
    cls=HelpGroup,
    help="The AWS Well-Architected Tool: push a review as a workload's answers and milestone, or pull its answers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
Profile = Annotated[Optional[str], typer.Option("--profile", "-p", help="AWS profile (default: boto3's chain).")]
Region = Annotated[Optional[str], typer.Option("--region", help="The WA Tool's region (default: the profile's).")]
Workload = Annotated[str, typer.Option("--workload", help="The WA Tool workload's name.")]


def _review_path(review_dir: Path) -> Path:
    return review_dir / "review.json" if review_dir.is_dir() else review_dir


@wa_tool_app.command()
@user_errors
def push(
    review_dir: Annotated[Path, typer.Argument(metavar="REVIEW_DIR", help="The review's directory (or its "
                                                                           "review.json) from scan, review or demo.")],
    workload: Workload,
    create: Annotated[bool, typer.Option("--create", help="Create the workload when it does not exist.")] = False,
    milestone: Annotated[Optional[str], typer.Option(
        "--milestone", help="Milestone name (default: 'wafr <review time>'; recorded only when answers change, "
                            "unless given).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show every question and choice it would set; write "
                                                            "nothing.")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Write the plan (without it, the plan is shown only).")] = False,
    profile: Profile = None, region: Region = None,
) -> None:
    """Set the workload's answers from the review's best-practice assessments, then record a milestone."""
    from wafr.report.review_json import load
    from wafr.watool.push import push as run_push
    from wafr.watool.push import report_location

    path = _review_path(review_dir)
    review = load(path)
    outcome = run_push(open_wa_tool(profile, region), review, console, workload=workload,
                       report=report_location(path), create=create, milestone=milestone, dry_run=dry_run, yes=yes)
    if dry_run or not yes:
        n = len(outcome.plan.changed)
        console.print(safe(f"Nothing written ({'dry run' if dry_run else 'add --yes to write'}): {n} answer(s) "
                           "would change."))
        return
    console.print(safe(f"Updated {len(outcome.written)} answer(s) of WA Tool workload {workload!r}."))
    if outcome.milestone:
        console.print(safe(f"Recorded milestone #{outcome.milestone[1]} {outcome.milestone[0]!r}."))
    else:
        console.print("No milestone: nothing changed since the last push.")


@wa_tool_app.command()
@user_errors
def pull(
    workload: Annotated[str, typer.Argument(metavar="WORKLOAD", help="The WA Tool workload's name.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The answers file to write.")] = Path("answers.yaml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing answers file.")] = False,
    profile: Profile = None, region: Region = None,
) -> None:
    """Write the workload's WA Tool answers as an answers file (`wafr scan --answers`, `wafr questions ask`)."""
    from wafr.questionnaire.writer import save
    from wafr.watool.pull import pull as run_pull

    if output.exists() and not force:
        raise WafrError(f"{output} exists; pass --force to overwrite it.")
    pulled = run_pull(open_wa_tool(profile, region), workload)
    save(pulled.sheet, output, keep_comments=False)  # --force starts over, as `questions init --force` does
    for problem in pulled.problems:
        console.print(safe(f"not mapped: {problem}"), style="yellow")
    console.print(safe(f"Wrote {output}: {pulled.sheet.answered} best practice(s) from {pulled.questions} answered "
                       f"question(s) of WA Tool workload {workload!r}."))


@wa_tool_app.command("iam-policy")
def iam_policy() -> None:
    """Print the IAM policy the WA Tool commands need: exactly the operations their session may call."""
    print(json.dumps(write_policy(), indent=2))
