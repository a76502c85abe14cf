"""report.xlsx: the review as a workbook (findings, best-practice assessments, projects and roadmap, savings), each
sheet with a filter on its header row and the header frozen, for consultants who work in spreadsheets."""

from __future__ import annotations

import io
from typing import Any, Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from wafr.framework import PILLAR_NAMES
from wafr.report.cells import FINDING_COLUMNS, finding_rows, plain
from wafr.review.model import RISK_LABELS, Review

HEADER_FILL = PatternFill("solid", fgColor="232F3E")
HEADER_FONT = Font(bold=True, color="FFFFFF")
MAX_WIDTH = 60


def render(review: Review) -> bytes:
    book = Workbook()
    book.remove(book.active)
    _sheet(book, "Findings", FINDING_COLUMNS, finding_rows(review, "XLSX"))
    _sheet(book, "Best practices", ("question", "question_title", "pillar", "best_practice", "title", "risk",
                                    "status", "answer", "note", "conflict", "failing_resources", "checks"),
           _assessments(review))
    _sheet(book, "Projects", ("letter", "project", "risk", "effort", "focus_areas", "best_practices", "resources",
                              "findings", "monthly_saving_usd"), _projects(review))
    _sheet(book, "Roadmap", ("months", "phase", "item", "risk", "projects", "findings"), _roadmap(review))
    _sheet(book, "Savings", ("resource", "finding", "risk", "environment", "project", "current_monthly_usd",
                             "recommended_monthly_usd", "monthly_saving_usd", "basis", "finding_id"), _savings(review))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet(book: Workbook, title: str, columns: Iterable[str], rows: list[list[Any]]) -> Worksheet:
    sheet = book.create_sheet(title)
    sheet.append(list(columns))
    for row in rows:
        sheet.append([plain(v) for v in row])
    for cell in sheet[1]:
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                # openpyxl stores a string starting with "=" as a formula; an account string must stay text.
                cell.data_type = "s"
                cell.alignment = Alignment(vertical="top", wrap_text=len(cell.value) > MAX_WIDTH)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for index, column in enumerate(sheet.iter_cols(max_row=min(sheet.max_row, 200)), start=1):
        longest = max(len(str(c.value)) for c in column if c.value is not None)
        sheet.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, max(10, longest + 2))
    return sheet


def _assessments(review: Review) -> list[list[Any]]:
    return [[q.id, q.title, PILLAR_NAMES.get(q.pillar, q.pillar), bp.id, bp.title, bp.risk, bp.status, bp.answer,
             bp.note, bp.conflict, ", ".join(bp.failing), ", ".join(bp.checks)]
            for q in review.assessments for bp in q.best_practices]


def _projects(review: Review) -> list[list[Any]]:
    savings = review.metric_evidence.by_project if review.metric_evidence else {}
    titles = {fa.key: fa.title for fa in review.all_focus_areas()}
    return [[p.letter, p.title, RISK_LABELS.get(p.risk, p.risk), p.effort,
             "; ".join(titles.get(k, k) for k in p.focus_areas), ", ".join(p.best_practices), len(p.resources),
             len(p.finding_ids), savings.get(p.letter)] for p in review.projects]


def _roadmap(review: Review) -> list[list[Any]]:
    return [[f"Months {phase.months}", phase.title, item.text, RISK_LABELS.get(item.risk, item.risk),
             ", ".join(item.projects), len(item.finding_ids)]
            for phase in review.roadmap for item in phase.items]


def _savings(review: Review) -> list[list[Any]]:
    evidence = review.metric_evidence
    if evidence is None:
        return []
    return [[m.resource, m.title, RISK_LABELS.get(m.risk, m.risk), m.environment, m.project, m.current_monthly_usd,
             m.recommended_monthly_usd, m.monthly_saving_usd, m.saving_basis, m.finding_id]
            for m in evidence.findings]
