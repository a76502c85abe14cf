"""The command line: scan, collect, review, demo, report, checks, iam-policy."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Callable, Optional

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from wafr import __version__
from wafr.errors import WafrError
from wafr.estate import Estate
from wafr.outputs import write_review
from wafr.questionnaire.cli import questions_app
from wafr.terminal import console, err, user_errors

if TYPE_CHECKING:
    from wafr.questionnaire.answers import AnswerSheet

app = typer.Typer(
    name="wafr",
    help="Automated AWS Well-Architected Framework Reviews: read the estate, judge it against the five pillars, "
         "write the review.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(questions_app, name="questions", help="The questionnaire: what no API can show (runbooks, KPIs, "
                                                    "recovery objectives, cost ownership).")

DEFAULT_OUTPUT = Path("wafr-review")
OutputDir = Annotated[Path, typer.Option("--output-dir", "-o", help="Directory for findings.json and the snapshot.")]
Profile = Annotated[Optional[str], typer.Option("--profile", "-p", help="AWS profile (default: boto3's credential chain).")]
Regions = Annotated[Optional[str], typer.Option(
    "--regions", "-r", help="Comma-separated regions (default: every region enabled for the account).")]
Services = Annotated[Optional[str], typer.Option(
    "--services", help="Comma-separated collectors to run (default: all; see `wafr iam-policy --by-collector`).")]
Answers = Annotated[Optional[Path], typer.Option(
    "--answers", help="An answers file (`wafr questions init`/`ask`): the team's answers join the scan's evidence.")]


def _split(value: Optional[str]) -> list[str] | None:
    if not value:
        return None
    return [item.strip() for item in value.split(",") if item.strip()]


Lookback = Annotated[float, typer.Option("--lookback", help="Days of CloudWatch metrics to analyse.")]
Period = Annotated[int, typer.Option("--period", help="Metric period in seconds.")]
NoMetrics = Annotated[bool, typer.Option("--no-metrics", help="Skip CloudWatch metrics (metric checks: not assessed).")]


@dataclass(frozen=True)
class MetricWindow:
    lookback_days: float = 14
    period_seconds: int = 3600
    enabled: bool = True

    def validate(self) -> None:
        """Refuse a window CloudWatch cannot serve before anything is collected."""
        if self.enabled:
            from wafr.metrics.collect import plan_window

            plan_window(self.lookback_days, self.period_seconds)


Org = Annotated[bool, typer.Option("--org", help="Review every account of the AWS Organization (run from the "
                                                   "management or a delegated administrator account).")]
Accounts = Annotated[Optional[str], typer.Option("--accounts", help="Comma-separated account ids to review.")]
RoleName = Annotated[str, typer.Option("--role-name", help="Read-only role assumed in each member account.")]
ExternalId = Annotated[Optional[str], typer.Option("--external-id", help="External id the member role requires.")]
WorkDir = Annotated[Optional[Path], typer.Option(
    "--resume", help="Work directory keeping each finished account; a re-run with it skips those accounts.")]
DaskScheduler = Annotated[Optional[str], typer.Option(
    "--dask-scheduler", help="Fan accounts out to a Dask cluster, e.g. tcp://host:8786 (default: local pool).")]
Strict = Annotated[bool, typer.Option("--strict", help="Exit 3 when any service or account could not be read.")]
STRICT_EXIT = 3


def _enforce_strict(estate: Estate, strict: bool) -> None:
    from wafr.sources.aws.collect import partial_coverage

    gaps = partial_coverage(estate)
    if strict and gaps:
        err.print(f"--strict: {len(gaps)} account x region x service read(s) were denied or failed; "
                  "see coverage in findings.json.", highlight=False)
        raise typer.Exit(STRICT_EXIT)


@dataclass(frozen=True)
class OrgScope:
    """Which accounts to read: the caller's own, or an organization's members through a read-only role."""

    org: bool = False
    accounts: Optional[str] = None
    role_name: str = "OrganizationAccountAccessRole"
    external_id: Optional[str] = None
    work_dir: Optional[Path] = None
    dask_scheduler: Optional[str] = None

    @property
    def many(self) -> bool:
        return self.org or bool(self.accounts)


def _collect_live(profile: Optional[str], regions: Optional[str], services: Optional[str],
                  metrics: MetricWindow = MetricWindow(), scope: OrgScope = OrgScope()) -> Estate:
    from wafr.sources.aws.collect import collect_account
    from wafr.sources.aws.registry import all_collectors
    from wafr.sources.aws.session import (
        check_region_names,
        open_session,
        resolve_regions,
    )

    metrics.validate()
    chosen = _split(services)
    if chosen:
        unknown = sorted(set(chosen) - set(all_collectors()))
        if unknown:
            raise WafrError(f"Unknown collector(s): {', '.join(unknown)}. Known: {', '.join(sorted(all_collectors()))}")
    if _split(regions):
        check_region_names(_split(regions))
    first_region = (_split(regions) or [None])[0]
    aws = open_session(profile=profile, region=first_region)
    region_list = resolve_regions(aws, _split(regions))
    window = {"lookback_days": metrics.lookback_days, "period_seconds": metrics.period_seconds}
    if scope.many:
        from wafr.metrics.collect import collect_organization_metrics
        from wafr.sources.aws.collect import collect_organization

        who = "the organization's accounts" if scope.org else f"accounts {scope.accounts}"
        console.print(f"Reading {escape(who)} through role [bold]{escape(scope.role_name)}[/] in "
                      f"{len(region_list)} region(s): {', '.join(region_list)}", highlight=False)
        estate = _with_progress(lambda progress: collect_organization(
            aws, region_list, accounts=_split(scope.accounts), role_name=scope.role_name,
            external_id=scope.external_id, work_dir=scope.work_dir, dask_scheduler=scope.dask_scheduler,
            progress=progress, services=chosen, discover=scope.org, profile=profile), label="Accounts")
        if metrics.enabled:
            _with_progress(lambda progress: collect_organization_metrics(
                aws, estate, role_name=scope.role_name, external_id=scope.external_id, progress=progress,
                **window), label="Reading metrics")
        return estate
    console.print(f"Reading account [bold]{aws.account}[/] in {len(region_list)} region(s): {', '.join(region_list)}",
                  highlight=False)
    estate = _with_progress(lambda progress: collect_account(aws, region_list, services=chosen, progress=progress))
    if metrics.enabled:
        from wafr.metrics.collect import collect_metrics

        _with_progress(lambda progress: collect_metrics(aws, estate, progress=progress, **window),
                       label="Reading metrics")
    return estate


def _with_progress(run: Callable, label: str = "Collecting") -> Any:
    with Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=False) as bar:
        task = bar.add_task(label, total=None)

        def progress(item: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=f"{label} [dim]{escape(item)}[/]")

        result = run(progress)
        bar.update(task, description=f"{label}: done")
    return result


def _read_answers(path: Optional[Path]) -> "AnswerSheet | None":
    """Read (and validate) an answers file before any scanning, so a typo does not cost a whole scan."""
    if path is None:
        return None
    from wafr.questionnaire import read_answers

    return read_answers(path)


def _judge_and_write(estate: Estate, output_dir: Path, *, with_snapshot: bool,
                     answers: "AnswerSheet | None" = None) -> None:
    from wafr.findings import evaluate
    from wafr.outputs import write_reports
    from wafr.report.terminal import print_summary
    from wafr.review import review_of_estate

    findings = evaluate(estate)
    written = write_review(estate, findings, output_dir, with_snapshot=with_snapshot)
    review = review_of_estate(estate, findings, answers=answers)
    reports = write_reports(review, output_dir)
    print_summary(console, estate, findings, [p for p in (written.findings, written.snapshot, *reports) if p])
    if review.questionnaire:
        q = review.questionnaire
        n = len(q.conflicts)
        conflicts = f"; {n} of them disagree{'s' if n == 1 else ''} with the scan (see the assessments)" if n else ""
        console.print(Text(f"Answers: {q.answered} of {q.total} best practices answered{conflicts}; "
                           f"{len(q.unanswered)} question(s) still have unanswered best practices."))


@app.command()
@user_errors
def scan(profile: Profile = None, regions: Regions = None, services: Services = None,
         output_dir: OutputDir = DEFAULT_OUTPUT, answers: Answers = None,
         lookback: Lookback = 14, period: Period = 3600, no_metrics: NoMetrics = False,
         org: Org = False, accounts: Accounts = None, role_name: RoleName = "OrganizationAccountAccessRole",
         external_id: ExternalId = None, resume: WorkDir = None, dask_scheduler: DaskScheduler = None,
         strict: Strict = False) -> None:
    """Collect a live AWS account (or a whole organization) and judge it: writes the review and its snapshot."""
    sheet = _read_answers(answers)
    scope = OrgScope(org, accounts, role_name, external_id, resume, dask_scheduler)
    estate = _collect_live(profile, regions, services, MetricWindow(lookback, period, not no_metrics), scope)
    _judge_and_write(estate, output_dir, with_snapshot=True, answers=sheet)
    _enforce_strict(estate, strict)


@app.command()
@user_errors
def collect(
    profile: Profile = None, regions: Regions = None, services: Services = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Snapshot file to write (.json.gz).")] = Path(
        "wafr-estate.json.gz"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing snapshot file.")] = False,
    lookback: Lookback = 14, period: Period = 3600, no_metrics: NoMetrics = False,
    org: Org = False, accounts: Accounts = None, role_name: RoleName = "OrganizationAccountAccessRole",
    external_id: ExternalId = None, resume: WorkDir = None, dask_scheduler: DaskScheduler = None,
    strict: Strict = False,
) -> None:
    """Collect only (with a read-only role) and save a snapshot to review later, anywhere."""
    from wafr.sources import snapshot

    if output.exists() and not force:
        raise WafrError(f"{output} already exists; choose another name or pass --force to overwrite it.")
    scope = OrgScope(org, accounts, role_name, external_id, resume, dask_scheduler)
    estate = _collect_live(profile, regions, services, MetricWindow(lookback, period, not no_metrics), scope)
    snapshot.write(estate, output)
    gaps = sum(1 for c in estate.coverage if c.status != "assessed")
    console.print(f"Wrote {output}: {len(estate)} resources, {len(estate.coverage)} coverage entries "
                  f"({gaps} not assessed)", highlight=False)
    _enforce_strict(estate, strict)


@app.command()
@user_errors
def review(
    snapshot_path: Annotated[Path, typer.Argument(metavar="SNAPSHOT", help="A snapshot written by collect or scan.")],
    output_dir: OutputDir = DEFAULT_OUTPUT,
    answers: Answers = None,
) -> None:
    """Judge a saved snapshot, offline."""
    from wafr.sources import snapshot

    sheet = _read_answers(answers)
    estate = snapshot.read(snapshot_path)
    _judge_and_write(estate, output_dir, with_snapshot=False, answers=sheet)


@app.command()
@user_errors
def demo(
    output_dir: OutputDir = DEFAULT_OUTPUT,
    answers: Annotated[Optional[Path], typer.Option(
        "--answers", help="An answers file to use instead of the demo's own interview answers.")] = None,
    no_answers: Annotated[bool, typer.Option("--no-answers", help="Review the scan alone, without answers.")] = False,
) -> None:
    """Review the built-in demo estate: moto in-process, scanned by the same collectors as a live account."""
    try:
        from wafr.demo.run import run_demo
    except ImportError as error:
        raise WafrError(f"The demo needs moto: pip install 'wafr[demo]' ({error})") from None
    if no_answers and answers:
        raise WafrError("Choose --answers or --no-answers, not both.")
    from wafr.questionnaire import demo_answers

    sheet = None if no_answers else (_read_answers(answers) if answers else demo_answers())
    console.print("Provisioning the demo estate in moto (a DeFi company's production account, modeled on a real review)")
    estate = _with_progress(lambda progress: run_demo(progress=progress))
    _judge_and_write(estate, output_dir, with_snapshot=True, answers=sheet)


@app.command()
@user_errors
def report(
    review_path: Annotated[Path, typer.Argument(metavar="REVIEW_JSON", help="A review.json written by scan, review or demo.")],
    output_format: Annotated[str, typer.Option("--format", help="html or md")] = "html",
    output_dir: Annotated[Optional[Path], typer.Option(
        "--output-dir", "-o", help="Directory for the report (default: beside REVIEW_JSON).")] = None,
) -> None:
    """Re-render a saved review as report.html or report.md, without scanning again."""
    from wafr.outputs import write_report
    from wafr.report.review_json import load

    if output_format not in ("html", "md"):
        raise WafrError(f"Unknown format {output_format!r}; choose html or md.")
    path = write_report(load(review_path), output_dir or review_path.parent, output_format)
    console.print(Text(f"Wrote {path}"))


@app.command("checks")
def list_checks(
    output_format: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """The check catalog: pillar, focus area, risk by environment, best-practice IDs."""
    from wafr.checks.registry import all_checks

    checks = sorted(all_checks().values(), key=lambda c: (c.pillar, c.focus_area, c.id))
    if output_format == "json":
        console.print_json(json.dumps([{
            "id": c.id, "title": c.title, "pillar": c.pillar, "focus_area": c.focus_area, "risk": dict(c.risk),
            "best_practices": list(c.best_practices), "resource_types": list(c.resource_types),
            "remediation": c.remediation} for c in checks]))
        return
    table = Table(title=f"{len(checks)} checks")
    for column in ("Check", "Pillar", "Focus area", "Risk prod/staging/dev", "Best practices"):
        table.add_column(column)
    for c in checks:
        table.add_row(c.id, c.pillar, c.focus_area, "/".join(c.risk[e] for e in ("prod", "staging", "dev")),
                      ", ".join(c.best_practices))
    console.print(table)


@app.command("iam-policy")
def iam_policy(
    by_collector: Annotated[bool, typer.Option("--by-collector", help="List each collector's calls instead.")] = False,
) -> None:
    """Print the least-privilege read-only IAM policy the scan needs (built from the collectors)."""
    from wafr.sources.aws.policy import read_only_policy
    from wafr.sources.aws.registry import all_collectors

    if by_collector:
        for c in sorted(all_collectors().values(), key=lambda c: c.name):
            scope = "global" if c.global_service else "regional"
            print(f"{c.name} ({scope}): {', '.join(c.permissions)}")
        return
    print(json.dumps(read_only_policy(), indent=2))


def _version(value: bool) -> None:
    if value:
        print(f"wafr {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True)] = False) -> None:
    """wafr: automated AWS Well-Architected Framework Reviews."""


if __name__ == "__main__":
    sys.exit(app())
