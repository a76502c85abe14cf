"""`wafr wa-tool push`: plan the workload's answers from a review, show the plan, and only with --yes write what
differs (UpdateAnswer) and record a milestone."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from wafr.errors import WafrError
from wafr.review.model import Review
from wafr.terminal import safe
from wafr.watool import workload as api
from wafr.watool.mapping import assumed, cross_check
from wafr.watool.plan import CHOICE_NOT_APPLICABLE, SELECTED, Plan, QuestionPlan, build_plan, one_line, targets
from wafr.watool.session import WaTool

MILESTONE_MIN, MILESTONE_MAX = 3, 100  # CreateMilestone's MilestoneName
WORKLOAD_MIN, WORKLOAD_MAX = 3, 100  # CreateWorkload's WorkloadName


@dataclass
class Outcome:
    plan: Plan
    workload_id: str | None
    written: list[str]  # WA Tool question ids updated
    milestone: tuple[str, int] | None = None


def read_plan(wa: WaTool, review: Review, workload_id: str, report: str) -> Plan:
    """Read the workload's questions (ListAnswers) and current answers (GetAnswer), and plan against them."""
    mapping = cross_check(api.list_answers(wa, workload_id))
    answers = {m.wa.id: api.get_answer(wa, workload_id, m.wa.id) for m in targets(review, mapping)}
    return build_plan(review, mapping, answers, report)


def _sized(kind: str, name: str, least: int, most: int) -> str:
    """A name the API takes (checked before any call, so a push never stops half-way on it)."""
    if not least <= len(name) <= most:
        raise WafrError(f"A {kind} name has {least} to {most} characters; {name[:40]!r} has {len(name)}.")
    return name


def milestone_name(asked: str | None, review: Review) -> str:
    name = asked if asked is not None else f"wafr {review.generated_at}"
    return _sized("milestone", name, MILESTONE_MIN, MILESTONE_MAX)


def _say(out: Console, text: str, style: str = "") -> None:
    """One line of the plan, never wrapped (choice ids are long), account strings as plain text."""
    out.print(safe(text, style), soft_wrap=True)


def _choice_line(q: QuestionPlan, cid: str) -> str:
    state = q.desired.choices[cid]
    status = {p.id: p.status for p in q.practices}
    bp = q.mapped.practice_of.get(cid)
    practice = f"{bp} {status[bp]}" if bp in status else "none of these"
    mark = {SELECTED: "[x]", CHOICE_NOT_APPLICABLE: "n/a"}.get(state.status, "[ ]")
    change = "" if q.current.choices.get(cid) == state else "  (changes)"
    extra = f" {one_line(state.reason)}" if state.reason else ""
    return f"    {mark} {cid}  {practice}{extra}{change}"


def show_plan(out: Console, plan: Plan, workload: str, every: bool) -> None:
    """The plan: every question and choice with --dry-run, otherwise the questions that change."""
    changed = plan.changed
    _say(out, f"WA Tool workload {workload!r}: {len(plan.questions)} question(s) from the review, "
              f"{len(changed)} to update, {len(plan.questions) - len(changed)} already as planned.")
    for q in plan.questions if every else changed:
        status = "update" if q.changed else "unchanged"
        _say(out, f"  {q.mapped.question.id} {q.mapped.wa.id} ({status}): {one_line(q.mapped.question.title)}")
        judged = {q.mapped.choices[p.id] for p in q.practices} | {q.mapped.wa.none_choice}
        for cid in q.desired.choices:
            if cid in judged and (every or q.current.choices.get(cid) != q.desired.choices[cid]):
                _say(out, _choice_line(q, cid))
        if q.current.notes != q.desired.notes:
            _say(out, f"    notes: {len(q.desired.notes)} characters of evidence (changes)")
    for problem in plan.problems:
        _say(out, f"  not mapped: {problem}", "yellow")
    if plan.unmapped:
        _say(out, f"  not pushed (no WA Tool choice): {', '.join(plan.unmapped)}", "yellow")


def push(wa: WaTool, review: Review, out: Console, *, workload: str, report: str, create: bool = False,
         milestone: str | None = None, dry_run: bool = False, yes: bool = False) -> Outcome:
    """Plan, show, and (with ``yes`` and not ``dry_run``) apply. Nothing is written before the plan is shown."""
    name = milestone_name(milestone, review)
    _sized("WA Tool workload", workload, WORKLOAD_MIN, WORKLOAD_MAX)
    applying = yes and not dry_run
    summary = api.find_workload(wa, workload)
    if summary is None and not create:
        raise WafrError(f"No WA Tool workload named {workload!r} in {wa.region}. Create it in the console, or push "
                        "with --create.")
    if summary is None and not applying:
        plan = build_plan(review, assumed(), {}, report)
        _say(out, f"Would create WA Tool workload {workload!r} in {wa.region} on the wellarchitected lens.")
        show_plan(out, plan, workload, every=dry_run)
        return Outcome(plan, None, [])
    if summary is not None:
        workload_id = summary["WorkloadId"]
        api.check_lens(wa, workload_id, workload)
    else:
        workload_id = api.create_workload(wa, workload, review)
        _say(out, f"Created WA Tool workload {workload!r} ({workload_id}) in {wa.region}.")
    plan = read_plan(wa, review, workload_id, report)
    show_plan(out, plan, workload, every=dry_run)
    if not applying:
        return Outcome(plan, workload_id, [])
    return apply_plan(wa, workload_id, plan, name, record=bool(plan.changed) or milestone is not None)


def apply_plan(wa: WaTool, workload_id: str, plan: Plan, name: str, record: bool) -> Outcome:
    """Write the answers that differ, then the milestone (its name checked first, so a clash writes nothing)."""
    if record and name in api.milestone_names(wa, workload_id):
        raise WafrError(f"The workload already has a milestone named {name!r}; choose another with --milestone.")
    written = []
    for q in plan.changed:
        api.update_answer(wa, workload_id, q.mapped.wa.id, q.update())
        written.append(q.mapped.wa.id)
    number = api.create_milestone(wa, workload_id, name) if record else None
    return Outcome(plan, workload_id, written, (name, number) if number is not None else None)


def report_location(review_path: Path) -> str:
    """How the notes point to the full evidence: the report beside the review."""
    return f"report.html of the wafr review in {review_path.parent.resolve().name or review_path.parent}"
