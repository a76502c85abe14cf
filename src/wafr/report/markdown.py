"""report.md: the review as GitHub-flavoured Markdown, every account string escaped for Markdown."""

from __future__ import annotations

from wafr.control_chars import visible
from wafr.framework import PILLAR_NAMES
from wafr.markdown_text import code, gh_anchor, risk, table, text  # noqa: F401 (gh_anchor: the report's anchors)
from wafr.report import markdown_acceptances, markdown_advisors, markdown_metrics, markdown_since
from wafr.review.model import (
    BestPracticeAssessment,
    Bullet,
    Coverage,
    FocusArea,
    PillarReview,
    Questionnaire,
    ResourceEvidence,
    Review,
    Segment,
)
from wafr.vocabulary import FAIL, NOT_ASSESSED, PASS, RISKS, SAMPLE_SOURCES, SUPPRESSED

EVIDENCE_LINES = 12


def phrase(segments: list[Segment], cell: bool = False) -> str:
    out = []
    for s in segments:
        if s.kind == "name":
            out.append(code(s.value, cell))
        elif s.kind == "more":
            out.append(f"_{text(s.value)}_")
        else:
            out.append(text(s.value))
    return "".join(out)


def names(values: list[str], limit: int, cell: bool = False) -> str:
    shown = ", ".join(code(v, cell) for v in values[:limit])
    return shown + (f" _and {len(values) - limit} more_" if len(values) > limit else "")


# -- sections --------------------------------------------------------------------------------------------
def _cover(review: Review) -> list[str]:
    scope = review.scope
    return ["# AWS Well-Architected Framework Review", "",
            *table(["", ""], [
                ["Accounts", names(list(scope.get("accounts", [])), 20, cell=True) or "none read"],
                ["Regions", text(", ".join(scope.get("regions", [])) or "none read")],
                ["Generated", text(review.generated_at)],
                ["Source", text(scope.get("source", "")
                                + ("; advisor answers are sample responses" if scope.get(SAMPLE_SOURCES) else ""))],
                ["Framework", text(f"AWS Well-Architected Framework, edition {review.framework_edition}")],
            ])]


def _pillar_heading(pillar: PillarReview) -> str:
    return f"{pillar.name} findings"


ASSESSMENT_NOTE = ("Question risk as the Well-Architected Tool derives it: HIGH if a high-risk best practice is not met, "
                   "MEDIUM if a medium-risk one is not, otherwise none. Only best practices with evidence are listed.")
SECTIONS = ("Summary findings", "Best practice improvements: project list", "Proposed roadmap",
            "Best-practice assessments", "Coverage: what was not assessed")


def _agenda(review: Review) -> list[str]:
    entries = [SECTIONS[0], *([markdown_since.HEADING] if review.since_last else []),
               *(_pillar_heading(p) for p in review.pillars), *SECTIONS[1:3],
               *([markdown_acceptances.HEADING] if review.accepted_risks else []), SECTIONS[3],
               *([markdown_advisors.HEADING] if review.advisors else []), SECTIONS[4]]
    return ["## Agenda", "", *(f"{i}. [{text(e)}]({gh_anchor(e)})" for i, e in enumerate(entries, 1)), ""]


def _summary(review: Review) -> list[str]:
    rows = [[f"[{text(p.name)}]({gh_anchor(f'{p.name} findings')})",
             *(str(p.focus_areas.get(r, 0)) for r in ("HIGH", "MEDIUM")),
             *(str(p.findings.get(k, 0)) for k in ("HIGH", "MEDIUM", "LOW", PASS, NOT_ASSESSED))]
            for p in review.summary.pillars]
    lines = [f"## {SECTIONS[0]}", "",
             *table(["Pillar", "High-risk focus areas", "Medium-risk focus areas", "High-risk findings",
                     "Medium-risk findings", "Low-risk findings", "Passed", "Not assessed"], rows),
             "### Top risks", ""]
    for i, t in enumerate(review.summary.top_risks, 1):
        lines.append(f"{i}. {risk(t.risk)} · **{text(PILLAR_NAMES.get(t.pillar, t.pillar))} · {text(t.focus_title)}:** "
                     f"{phrase(t.segments())}.")
    if not review.summary.top_risks:
        lines.append("No high- or medium-risk issue was found.")
    gap_note = f"> {_coverage_line(review.coverage)} A gap is not a pass: see [coverage]({gh_anchor(SECTIONS[4])})."
    return lines + ["", *_accounts(review), gap_note, ""]


def _accounts(review: Review) -> list[str]:
    """One row per account, only when the review covers several."""
    if not review.summary.accounts:
        return []
    rows = [[code(a.account, cell=True), *(str(a.findings.get(r, 0)) for r in RISKS),
             text(", ".join(f"{PILLAR_NAMES.get(p, p)} {n}" for p, n in a.high_by_pillar.items() if n) or "none"),
             text("; ".join(a.worst_focus_areas) or "none"), text(", ".join(a.environments) or "none judged"),
             "<br>".join(text(g) for g in a.gaps) or "none"]
            for a in review.summary.accounts]
    return ["### Per account", "",
            *table(["Account", "High-risk findings", "Medium-risk findings", "Low-risk findings",
                    "High-risk findings by pillar", "Worst focus areas", "Environments", "Not read"], rows)]


def _focus_table(areas: list[FocusArea]) -> list[str]:
    rows = []
    for fa in areas:
        focus = text(fa.title) + (f" (project **{text(fa.project)}**)" if fa.project else "")
        remediation = "<br>".join(f"• {phrase(b.segments(), cell=True)}" for b in fa.bullets)
        rows.append([focus, risk(fa.risk), remediation])
    return table(["Focus", "Risk Assessment", "Remediation"], rows)


def _evidence_line(r: ResourceEvidence, bullet: Bullet) -> str:
    env = "" if r.is_account else f" ({text(r.kind)}, {text(r.environment)})"
    own_risk = f" {risk(r.risk)}" if r.risk != bullet.risk else ""
    said = f": {text('; '.join(r.evidence))}" if r.evidence else ""
    return f"  - {code(r.name)}{env}{own_risk}{said}"


def _focus_details(fa: FocusArea) -> list[str]:
    lines = [f"#### {text(fa.title)}", "",
             f"Risk {risk(fa.risk)} · best practices {text(', '.join(fa.best_practices))}", ""]
    for b in fa.bullets:
        lines.append(f"- {phrase(b.segments())}" + (f" · {risk(b.risk)}" if b.risk != fa.risk else ""))
        lines += [_evidence_line(r, b) for r in b.resources[:EVIDENCE_LINES]]
        if len(b.resources) > EVIDENCE_LINES:
            lines.append(f"  - _and {len(b.resources) - EVIDENCE_LINES} more resources (all are in review.json)_")
        lines.append(f"  - _How ({text(' '.join(b.best_practices))}):_ {text(b.remediation)}")
    lines += [f"- _{text(g)}_" for g in fa.guidance]
    return lines + [""]


def _other_areas(pillar: PillarReview) -> list[str]:
    lines = []
    low, unjudged, clean = (pillar.at_risk(r) for r in ("LOW", NOT_ASSESSED, "NONE"))
    if low:
        lines += ["#### Low-risk items", ""]
        lines += [f"- **{text(fa.title)}:** " + "; ".join(phrase(b.segments()) for b in fa.bullets) for fa in low]
        lines.append("")
    if unjudged:
        lines += ["#### Not assessed", ""]
        lines += [f"- **{text(fa.title)}:** " + "; ".join(f"{text(u.title)} ({text(u.reasons[0] if u.reasons else '')})"
                                                        for u in fa.unassessed) for fa in unjudged]
        lines.append("")
    if clean:
        lines += ["#### No issue found", ""]
        lines += [f"- **{text(fa.title)}:** {fa.counts.get('PASS', 0)} passed" for fa in clean]
        lines.append("")
    accepted = [(fa, r) for fa in pillar.focus_areas for r in fa.accepted]
    if accepted:
        lines += ["#### Accepted risks", ""]
        lines += [f"- {text(fa.title)}: {code(r.name)}: {text('; '.join(r.evidence))}" for fa, r in accepted]
        lines.append("")
    return lines


def _pillar(pillar: PillarReview) -> list[str]:
    lines = [f"## {_pillar_heading(pillar)}", ""]
    if not pillar.focus_areas:
        lines += ["No check of this pillar ran, so nothing here was assessed.", ""]
    for level, label in (("HIGH", "High Risk Issues (HRI)"), ("MEDIUM", "Medium Risk Issues (MRI)")):
        areas = pillar.at_risk(level)
        if areas:
            lines += [f"### {text(pillar.name)} – {label}", "", *_focus_table(areas)]
            for fa in areas:
                lines += _focus_details(fa)
    if pillar.focus_areas and not pillar.at_risk("HIGH") and not pillar.at_risk("MEDIUM"):
        lines += ["No high- or medium-risk issue in this pillar.", ""]
    return lines + _other_areas(pillar)


def _projects(review: Review) -> list[str]:
    lines = [f"## {SECTIONS[1]}", ""]
    if not review.projects:
        return lines + ["No project: no high- or medium-risk focus area was found.", ""]
    titles = {fa.key: fa.title for fa in review.all_focus_areas()}
    rows = [[f"**{text(p.letter)}**", text(p.title), risk(p.risk), text(p.effort),
             text("; ".join(titles.get(k, k) for k in p.focus_areas)), names(p.resources, 12, cell=True),
             text(" ".join(p.best_practices))] for p in review.projects]
    return lines + ["Projects group focus areas into work one team can own, ordered by risk, then effort.", "",
                    *table(["", "Project", "Risk", "Effort", "Focus areas", "Resources", "Establishes"], rows)]


def _roadmap(review: Review) -> list[str]:
    lines = [f"## {SECTIONS[2]}", ""]
    for phase in review.roadmap:
        lines += [f"### Months {text(phase.months)}: {text(phase.label)} ({text(phase.title)})", ""]
        for item in phase.items:
            letters = f" (project {', '.join(f'**{text(p)}**' for p in item.projects)})" if item.projects else ""
            count = len(item.finding_ids)
            found = f" · {count} finding{'s' if count != 1 else ''}" if count else ""
            lines.append(f"- {text(item.text)}{letters}{found}")
        if not phase.items:
            lines.append("- _Nothing in this phase._")
        lines.append("")
    return lines


def _bp_evidence(bp: BestPracticeAssessment) -> str:
    labels = ((FAIL, "failed"), (PASS, "passed"), (NOT_ASSESSED, "not assessed"), (SUPPRESSED, "accepted"))
    counts = ", ".join(f"{bp.counts[k]} {label}" for k, label in labels if bp.counts.get(k))
    said = counts + (f": {names(bp.failing, 6, cell=True)}" if bp.failing else "")
    if bp.answer:  # the team's answer (wafr questions), beside the scan's evidence
        team = "Team: " + text(bp.answer) + (f" · {text(bp.note)}" if bp.note else "")
        said = f"{said}<br>{team}" if said else team
    if bp.conflict:
        said += f"<br>**Conflict:** {text(bp.conflict)}"
    return said


def _answers(q: Questionnaire) -> list[str]:
    """How much the team answered, and where its answers and the scan disagree."""
    lines = [f"The team answered {q.answered} of {q.total} best practices"
             + (f" for {text(q.workload)}" if q.workload else "")
             + "; each is assessed from the answer and the scan together"
             + ("; where they disagree the worse status counts and the conflict is shown." if q.conflicts else "."), ""]
    if q.conflicts:
        lines += ["### Where the answers and the scan disagree", "",
                  *table(["Best practice", "Team", "Scan", "Counted as", "Scan evidence"],
                         [[text(f"{c.best_practice} {c.title}"), text(c.answer) + (f"<br>{text(c.note)}" if c.note else ""),
                           text(c.scan), text(c.status), "<br>".join(text(e) for e in c.evidence)]
                          for c in q.conflicts])]
    return lines


def _unanswered(q: Questionnaire) -> list[str]:
    return ["### Questions without an answer", "",
            "Neither the team nor the scan said anything about these best practices; answer them with "
            "`wafr questions ask`.", "",
            *table(["Question", "Pillar", "Unanswered best practices"],
                   [[text(f"{u.id} {u.title}"), text(PILLAR_NAMES.get(u.pillar, u.pillar)),
                     text(f"{len(u.unknown)} of {u.total}: {', '.join(u.unknown)}")] for u in q.unanswered])]


def _assessments(review: Review) -> list[str]:
    lines = [f"## {SECTIONS[3]}", "", ASSESSMENT_NOTE, ""]
    if review.questionnaire:
        lines += _answers(review.questionnaire)
    for pillar in review.pillars:
        questions = [q for q in review.assessments if q.pillar == pillar.pillar]
        if not questions:
            continue
        rows = []
        for q in questions:
            for i, bp in enumerate(q.best_practices):
                rows.append([text(f"{q.id} {q.title}") if i == 0 else "", risk(q.risk) if i == 0 else "",
                             text(f"{bp.id} {bp.title} ({bp.risk} risk)"), text(bp.status), _bp_evidence(bp)])
        lines += [f"### {text(pillar.name)}", "",
                  *table(["Question", "Question risk", "Best practice", "Status", "Evidence"], rows)]
    return lines


def _coverage_line(c: Coverage) -> str:
    line = f"{c.assessed} of {c.total} account × region × service reads were assessed"
    if c.gaps:
        line += f"; {len(c.gaps)} could not be read"
    if c.unassessed_checks:
        line += f"; {len(c.unassessed_checks)} check{'s' if len(c.unassessed_checks) != 1 else ''} could not judge some resources"
    return line + "."


def _coverage(review: Review) -> list[str]:
    c = review.coverage
    lines = [f"## {SECTIONS[4]}", "", _coverage_line(c), ""]
    if c.gaps:
        lines += table(["Service", "Account", "Region", "Status", "Why", "Checks not assessed"],
                       [[text(g.service), code(g.account, cell=True), text(g.region), text(g.status), text(g.detail),
                         ", ".join(code(check, cell=True) for check in g.checks_not_assessed) or "none"]
                        for g in c.gaps])
    if review.questionnaire and review.questionnaire.unanswered:
        lines += _unanswered(review.questionnaire)
    if c.unassessed_checks:
        lines += ["### Checks that could not judge", "",
                  *table(["Check", "Pillar · focus area", "Resources", "Why"],
                         [[f"{text(u.title)} ({code(u.check_id, cell=True)})",
                           text(f"{PILLAR_NAMES.get(u.pillar, u.pillar)} · {u.focus_area}"),
                           names(u.resources, 6, cell=True), "<br>".join(text(r) for r in u.reasons)]
                          for u in c.unassessed_checks])]
    return lines


def render(review: Review) -> str:
    """The whole review as one Markdown document."""
    lines = [*_cover(review), *_agenda(review), *_summary(review), *markdown_since.section(review)]
    for pillar in review.pillars:
        lines += _pillar(pillar)
    footer = (f"_Written by wafr {text(review.tool.get('version', ''))} ({text(review.schema)}) from the account's "
              "own configuration; the same review is in review.json._")
    lines += [*_projects(review), *markdown_metrics.section(review), *_roadmap(review),
              *markdown_acceptances.section(review), *_assessments(review),
              *markdown_advisors.section(review), *_coverage(review), "---", "", footer, ""]
    # The net under text() and code(): no control character reaches the file, whichever section wrote it.
    return visible("\n".join(lines))
