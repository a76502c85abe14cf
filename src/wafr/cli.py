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
from rich.text import Text

from wafr import __version__
from wafr.control_chars import visible
from wafr.errors import WafrError
from wafr.history import HistoryChoice
from wafr.history_cli import diff_command, history_command
from wafr.estate import Estate
from wafr.help_text import HelpGroup
from wafr.outputs import parse_formats
from wafr.questionnaire.cli import questions_app
from wafr.watool.cli import wa_tool_app
from wafr.acceptances.accept import accept_command
from wafr.acceptances.apply import summary_line
from wafr.config import use_config
from wafr.gate import Policy, Threshold, describe
from wafr.terminal import GATE_EXIT, STRICT_EXIT, console, err, safe, user_errors

if TYPE_CHECKING:
    from wafr.findings import Finding
    from wafr.questionnaire.answers import AnswerSheet

app = typer.Typer(
    name="wafr",
    cls=HelpGroup,
    help="Automated AWS Well-Architected Framework Reviews: read the estate, judge it against the six pillars, "
         "write the review.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(questions_app, name="questions", help="The questionnaire: what no API can show (runbooks, KPIs, "
                                                    "recovery objectives, cost ownership).")
app.add_typer(wa_tool_app, name="wa-tool", help="The AWS Well-Architected Tool: push a review as a workload's "
                                               "answers and milestone, or pull its answers into an answers file.")

DEFAULT_OUTPUT = Path("wafr-review")
OutputDir = Annotated[Path, typer.Option("--output-dir", "-o", help="Directory for findings.json and the snapshot.")]
Profile = Annotated[Optional[str], typer.Option("--profile", "-p", help="AWS profile (default: boto3's credential chain).")]
Regions = Annotated[Optional[str], typer.Option(
    "--regions", "-r", help="Comma-separated regions (default: every region enabled for the account).")]
Services = Annotated[Optional[str], typer.Option(
    "--services", help="Comma-separated collectors to run (default: all; see `wafr iam-policy --by-collector`).")]
Answers = Annotated[Optional[Path], typer.Option(
    "--answers", help="An answers file (`wafr questions init`/`ask`): the team's answers join the scan's evidence.")]
Formats = Annotated[Optional[str], typer.Option(
    "--format", help="Comma-separated outputs: html, md, json, pptx, ocsf, asff, csv, xlsx (default: html,md,json).")]


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
Strict = Annotated[bool, typer.Option("--strict/--no-strict",
                                       help="Exit 3 when any service or account could not be read.")]
AcceptancesFile = Annotated[Optional[Path], typer.Option(
    "--acceptances", help="Accepted risks (see `wafr accept`); default: ./acceptances.yaml when it exists.")]
FailOn = Annotated[Optional[Threshold], typer.Option(
    "--fail-on", case_sensitive=False, help="Exit 4 when an unaccepted failed finding at or above this risk exists.")]
NewOnly = Annotated[bool, typer.Option("--new-only/--all-findings", help="With --fail-on: count only findings that "
                                       "were not failing at the previous milestone in the history.")]
HistoryLocation = Annotated[Optional[str], typer.Option(
    "--history", help="History store: a SQLite file or an SQLAlchemy URL such as postgresql://host/db "
                      "(default: $WAFR_HISTORY_URL, else history.sqlite in the user's data directory).")]
NoHistory = Annotated[bool, typer.Option("--no-history", help="Do not record this run as a milestone.")]
ConfigFile = Annotated[Optional[Path], typer.Option(
    "--config", is_eager=True, callback=use_config, help="Options file (default: ./wafr.toml when it exists); "
                                                         "flags override it.")]


def _enforce_strict(estate: Estate, strict: bool) -> None:
    from wafr.sources.aws.collect import partial_coverage

    gaps = partial_coverage(estate)
    if strict and gaps:
        err.print(f"--strict: {len(gaps)} account x region x service read(s) were denied or failed; "
                  "see coverage in findings.json.", highlight=False)
        raise typer.Exit(STRICT_EXIT)


def _enforce_gate(findings: list["Finding"], policy: Policy, known_ids: set[str] | None) -> None:
    failing = policy.failing(findings, known_ids)
    if failing:
        for line in describe(failing, policy.fail_on or "", policy.new_only):
            err.print(safe(line), highlight=False)
        raise typer.Exit(GATE_EXIT)


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
    if scope.accounts is not None:  # before any AWS call: an id becomes file names and role ARNs
        from wafr.sources.aws.account_id import require

        require(_split(scope.accounts) or [""], "--accounts")
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
        console.print(f"Reading {escape(visible(who))} through role [bold]{escape(visible(scope.role_name))}[/] in "
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
    console.print(f"Reading account [bold]{escape(visible(aws.account))}[/] in {len(region_list)} region(s): "
                  f"{', '.join(region_list)}", highlight=False)
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
            bar.update(task, completed=done, total=total, description=f"{label} [dim]{escape(visible(item))}[/]")

        result = run(progress)
        bar.update(task, description=f"{label}: done")
    return result


def _read_answers(path: Optional[Path]) -> "AnswerSheet | None":
    """Read (and validate) an answers file before any scanning, so a typo does not cost a whole scan."""
    if path is None:
        return None
    from wafr.questionnaire import read_answers

    return read_answers(path)


def _history(location: Optional[str], no_history: bool, new_only: bool) -> HistoryChoice:
    if no_history and new_only:
        raise WafrError("--new-only compares with the previous milestone in the history; it cannot be used with "
                        "--no-history.")
    return HistoryChoice(location, enabled=not no_history)


def _judge_and_write(estate: Estate, output_dir: Path, *, with_snapshot: bool,
                     answers: "AnswerSheet | None" = None, formats: list[str] | None = None,
                     policy: Policy = Policy(), history: HistoryChoice = HistoryChoice(), kind: str = "scan") -> None:
    from wafr.findings import evaluate
    from wafr.outputs import write_run
    from wafr.report.terminal import print_summary
    from wafr.review import review_of_estate

    findings = evaluate(estate)
    findings, accepted = policy.accept(findings)  # accepted risks become SUPPRESSED
    recorder = history.open()  # a store that cannot be used is reported after the files are written
    baseline = recorder.previous(estate.accounts, estate.regions)
    review = review_of_estate(estate, findings, answers=answers, baseline=baseline)
    review.accepted_risks = accepted
    # Every file of the run as one set: a failure leaves the previous review's files untouched.
    written = write_run(estate, findings, review, output_dir, with_snapshot=with_snapshot, fmts=formats)
    print_summary(console, estate, findings, written)
    if review.questionnaire:
        q = review.questionnaire
        n = len(q.conflicts)
        conflicts = f"; {n} of them disagree{'s' if n == 1 else ''} with the scan (see the assessments)" if n else ""
        console.print(Text(f"Answers: {q.answered} of {q.total} best practices answered{conflicts}; "
                           f"{len(q.unanswered)} question(s) still have unanswered best practices."))
    milestone = recorder.record(review, findings, kind)
    if milestone:
        console.print(f"Recorded milestone #{milestone.id} in the history (wafr history, wafr diff).", highlight=False)
    if accepted:
        console.print(safe(summary_line(accepted)))
    _enforce_gate(findings, policy, known_ids=recorder.known_finding_ids())  # --new-only: failing at the previous one


@app.command()
@user_errors
def scan(profile: Profile = None, regions: Regions = None, services: Services = None,
         output_dir: OutputDir = DEFAULT_OUTPUT, answers: Answers = None,
         lookback: Lookback = 14, period: Period = 3600, no_metrics: NoMetrics = False,
         org: Org = False, accounts: Accounts = None, role_name: RoleName = "OrganizationAccountAccessRole",
         external_id: ExternalId = None, resume: WorkDir = None, dask_scheduler: DaskScheduler = None,
         strict: Strict = False, output_format: Formats = None, acceptances: AcceptancesFile = None,
         fail_on: FailOn = None, new_only: NewOnly = False, history: HistoryLocation = None,
         no_history: NoHistory = False, config: ConfigFile = None) -> None:
    """Collect a live AWS account (or a whole organization) and judge it: writes the review and its snapshot."""
    formats = parse_formats(output_format)
    policy = Policy.read(acceptances, fail_on, new_only)
    sheet = _read_answers(answers)
    scope = OrgScope(org, accounts, role_name, external_id, resume, dask_scheduler)
    estate = _collect_live(profile, regions, services, MetricWindow(lookback, period, not no_metrics), scope)
    _judge_and_write(estate, output_dir, with_snapshot=True, answers=sheet, formats=formats, policy=policy,
                     history=_history(history, no_history, new_only), kind="scan")
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
    strict: Strict = False, config: ConfigFile = None,
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
    output_format: Formats = None, acceptances: AcceptancesFile = None, fail_on: FailOn = None,
    new_only: NewOnly = False, history: HistoryLocation = None, no_history: NoHistory = False,
    config: ConfigFile = None,
) -> None:
    """Judge a saved snapshot, offline."""
    from wafr.sources import snapshot

    formats = parse_formats(output_format)
    policy = Policy.read(acceptances, fail_on, new_only)
    sheet = _read_answers(answers)
    estate = snapshot.read(snapshot_path)
    _judge_and_write(estate, output_dir, with_snapshot=False, answers=sheet, formats=formats, policy=policy,
                     history=_history(history, no_history, new_only), kind="review")


@app.command()
@user_errors
def demo(
    output_dir: OutputDir = DEFAULT_OUTPUT,
    answers: Annotated[Optional[Path], typer.Option(
        "--answers", help="An answers file to use instead of the demo's own interview answers.")] = None,
    no_answers: Annotated[bool, typer.Option("--no-answers", help="Review the scan alone, without answers.")] = False,
    output_format: Formats = None, acceptances: AcceptancesFile = None, fail_on: FailOn = None,
    new_only: NewOnly = False, history: HistoryLocation = None, no_history: NoHistory = False,
    config: ConfigFile = None,
) -> None:
    """Review the built-in demo estate: moto in-process, scanned by the same collectors as a live account."""
    try:
        # run_demo imports moto only when it runs; import it here so a missing extra is a message, not a traceback.
        import moto  # noqa: F401

        from wafr.demo.run import run_demo
    except ImportError as error:
        raise WafrError(f"The demo needs moto, an optional dependency: pip install 'wafr[demo]' ({error})") from None
    if no_answers and answers:
        raise WafrError("Choose --answers or --no-answers, not both.")
    formats = parse_formats(output_format)
    policy = Policy.read(acceptances, fail_on, new_only)
    from wafr.questionnaire import demo_answers

    sheet = None if no_answers else (_read_answers(answers) if answers else demo_answers())
    console.print("Provisioning the demo estate in moto (a DeFi company's production account, modeled on a real review)")
    estate = _with_progress(lambda progress: run_demo(progress=progress))
    _judge_and_write(estate, output_dir, with_snapshot=True, answers=sheet, formats=formats, policy=policy,
                     history=_history(history, no_history, new_only), kind="demo")


@app.command()
@user_errors
def report(
    review_path: Annotated[Path, typer.Argument(metavar="REVIEW_JSON", help="A review.json written by scan, review or demo.")],
    output_format: Annotated[str, typer.Option(
        "--format", help="Comma-separated: html, md, json, pptx, ocsf, asff, csv, xlsx.")] = "html",
    output_dir: Annotated[Optional[Path], typer.Option(
        "--output-dir", "-o", help="Directory for the report (default: beside REVIEW_JSON).")] = None,
) -> None:
    """Re-render a saved review (report.html, report.pptx, ...), offline and without scanning again."""
    from wafr.outputs import write_reports
    from wafr.report.review_json import load

    # review.json is the input here, so it is re-written only when asked for.
    asked = {f.strip().lower() for f in output_format.split(",")}
    formats = [f for f in parse_formats(output_format) if f in asked]
    review = load(review_path)
    for path in write_reports(review, output_dir or review_path.parent, formats):  # all of them, or none
        console.print(Text(f"Wrote {path}"))


@app.command("checks")
def list_checks(
    output_format: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    by_bp: Annotated[bool, typer.Option(
        "--by-bp", help="Per best practice, the checks that give evidence; per collector, what it reads "
                        "(Markdown, as in docs/coverage.md).")] = False,
) -> None:
    """The check catalog: pillar, focus area, risk by environment, best-practice IDs."""
    from wafr.checks.listing import as_document, catalog_table
    from wafr.checks.registry import all_checks

    checks = sorted(all_checks().values(), key=lambda c: (c.pillar, c.focus_area, c.id))
    if by_bp:
        from wafr.framework import load as load_framework
        from wafr.report.practice_coverage import render
        from wafr.sources.aws.registry import all_collectors

        print(render(load_framework(), checks, list(all_collectors().values())), end="")
        return
    if output_format == "json":
        console.print_json(json.dumps([as_document(c) for c in checks]))
        return
    console.print(catalog_table(console, checks))


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


app.command("accept")(accept_command)
app.command("history")(history_command)
app.command("diff")(diff_command)


def _version(value: bool) -> None:
    if value:
        print(f"wafr {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True)] = False) -> None:
    """wafr: automated AWS Well-Architected Framework Reviews."""


if __name__ == "__main__":
    sys.exit(app())
