"""report.pptx: the review as the slide deck a consultant presents, in the shape of the sample review: title, agenda,
what a Well-Architected review is, a summary, per pillar the High and Medium risk issues as Focus | Risk |
Remediation tables, the lettered project list, metric evidence with native charts and the savings, the 3/6/9-month
roadmap as a timeline, coverage and next steps. Every slide's evidence is in its speaker notes.

Text is laid out with measured sizes (wafr.report.text_fit): a table that would run off its slide continues on the
next one, and a text box takes the largest font size at which its text fits.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from dataclasses import dataclass, field
from typing import Iterable

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Pt

from wafr.data import load as load_data
from wafr.framework import PILLAR_NAMES
from wafr.report.cells import plain
from wafr.report.text_fit import TYPEFACE, paragraphs_height
from wafr.review.model import RISK_LABELS, FocusArea, MetricEvidence, Review, phrase_segments
from wafr.vocabulary import FAIL, NOT_ASSESSED, PASS, RISKS, SUPPRESSED

# 16:9 slide, in points
SLIDE_W, SLIDE_H = 960, 540
MARGIN = 36
TITLE_TOP, TITLE_H = 22, 52
BODY_TOP = TITLE_TOP + TITLE_H + 12
BODY_BOTTOM = SLIDE_H - 24
INSET_X, INSET_Y = 7.2, 3.6  # text insets of boxes and table cells (PowerPoint's defaults)

NAVY, ORANGE, WHITE, GREY = RGBColor(0x23, 0x2F, 0x3E), RGBColor(0xFF, 0x99, 0x00), RGBColor(0xFF, 0xFF, 0xFF), \
    RGBColor(0x55, 0x5F, 0x6B)
RISK_COLORS = {"HIGH": RGBColor(0xB0, 0x2A, 0x1E), "MEDIUM": RGBColor(0xC2, 0x5E, 0x00),
               "LOW": RGBColor(0x2F, 0x6F, 0x3E)}
NAMES_ON_SLIDE = 4  # resource names a remediation line shows; the notes list every one
NOTES_RESOURCES = 25
BODY_SIZES = (18, 16, 14, 13, 12, 11, 10)
DATE_LABELS = 8  # at most this many date labels under a metric chart
STATUS_COLORS = {FAIL: RISK_COLORS["HIGH"], PASS: RGBColor(0x2F, 0x8F, 0x4E), NOT_ASSESSED: GREY,
                 SUPPRESSED: ORANGE}


@dataclass
class Para:
    """One paragraph of a slide: its text, size in points and weight."""

    text: str
    size: float = 12
    bold: bool = False
    color: RGBColor | None = None

    @property
    def measure(self) -> tuple[str, float, bool]:
        return self.text, self.size, self.bold


@dataclass
class Row:
    """A table row: each cell's paragraphs."""

    cells: list[list[Para]]
    notes: list[str] = field(default_factory=list)
    fill: RGBColor | None = None


def render(review: Review) -> bytes:
    deck = Presentation()
    deck.slide_width, deck.slide_height = Pt(SLIDE_W), Pt(SLIDE_H)
    _title_slide(deck, review)
    _agenda(deck, review)
    _overview(deck)
    _summary(deck, review)
    for pillar in review.pillars:
        for risk in ("HIGH", "MEDIUM"):
            areas = pillar.at_risk(risk)
            if areas:
                label = "High Risk Issues (HRI)" if risk == "HIGH" else "Medium Risk Issues (MRI)"
                _risk_tables(deck, f"{pillar.name} – {label}", areas, review)
    _projects(deck, review)
    if review.metric_evidence and review.metric_evidence.findings:
        _metric_slides(deck, review.metric_evidence)
    _roadmap(deck, review)
    _coverage(deck, review)
    _next_steps(deck, review)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


@functools.cache
def _wording() -> dict:
    return load_data("deck.yaml")


# -- building blocks ---------------------------------------------------------------------------------------
def _slide(deck, title: str, notes: Iterable[str] = ()):
    slide = deck.slides.add_slide(deck.slide_layouts[5])  # "Title Only": the title stays the slide's title
    shape = slide.shapes.title
    shape.left, shape.top, shape.width, shape.height = Pt(MARGIN), Pt(TITLE_TOP), Pt(SLIDE_W - 2 * MARGIN), Pt(TITLE_H)
    size = _fitting_size([title], SLIDE_W - 2 * MARGIN, TITLE_H, (28, 24, 20, 18), bold=True)
    _fill(shape.text_frame, [Para(title, size, True, NAVY)])
    shape.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    accent = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Pt(MARGIN), Pt(TITLE_TOP + TITLE_H + 2), Pt(80), Pt(4))
    accent.fill.solid()
    accent.fill.fore_color.rgb = ORANGE
    accent.line.fill.background()
    text = "\n".join(n for n in notes if n)
    if text:
        slide.notes_slide.notes_text_frame.text = plain(text)
    return slide


def _fill(frame, paras: list[Para], anchor=MSO_ANCHOR.TOP) -> None:
    """Put paragraphs in a text frame with fixed size and insets, so the measured layout is the one shown."""
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = Pt(INSET_X)
    frame.margin_top = frame.margin_bottom = Pt(INSET_Y)
    frame.vertical_anchor = anchor
    for i, para in enumerate(paras):
        p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        p.space_before = p.space_after = Pt(0)
        p.line_spacing = 1.0
        run = p.add_run()
        run.text = plain(para.text)
        run.font.size, run.font.bold, run.font.name = Pt(para.size), para.bold, TYPEFACE
        if para.color is not None:
            run.font.color.rgb = para.color


def _height(paras: list[Para], width: float) -> float:
    """Height of paragraphs in a box or cell ``width`` points wide, insets included."""
    return paragraphs_height([p.measure for p in paras], width - 2 * INSET_X) + 2 * INSET_Y


def _fitting_size(texts: list[str], width: float, height: float, sizes=BODY_SIZES, bold=False) -> float:
    for size in sizes:
        if _height([Para(t, size, bold) for t in texts], width) <= height:
            return size
    return sizes[-1]


def _text_box(slide, x: float, y: float, w: float, h: float, paras: list[Para], anchor=MSO_ANCHOR.TOP):
    box = slide.shapes.add_textbox(Pt(x), Pt(y), Pt(w), Pt(h))
    _fill(box.text_frame, paras, anchor)
    return box


def _sized(texts: list[tuple[str, bool]], w: float, h: float, sizes=BODY_SIZES, color=None) -> list[Para]:
    """Paragraphs at the largest size at which all of them fit in w x h (headings a step larger)."""
    for size in sizes:
        paras = [Para(t, size + (2 if bold else 0), bold, color) for t, bold in texts]
        if _height(paras, w) <= h:
            return paras
    return [Para(t, sizes[-1] + (2 if bold else 0), bold, color) for t, bold in texts]


def _fit_lines(lines: list[tuple[str, bool]], w: float, h: float, size: float, more: str) -> list[Para]:
    """As many lines as fit at ``size``; the rest summarised in one last line naming where they are."""
    shown: list[Para] = []
    for i, (text, bold) in enumerate(lines):
        rest = len(lines) - i - 1
        candidate = shown + [Para(text, size + (2 if bold else 0), bold)]
        tail = [Para(more.format(n=rest), size)] if rest else []
        if _height(candidate + tail, w) > h:
            return shown + [Para(more.format(n=len(lines) - i), size)]
        shown = candidate
    return shown


# -- tables that continue on the next slide -----------------------------------------------------------------
def _row_height(row: Row, widths: list[float]) -> float:
    return max(_height(cell, w) for cell, w in zip(row.cells, widths))


def _split_row(row: Row, widths: list[float], room: float) -> list[Row]:
    """A row too tall for a slide, cut between the paragraphs of its last (long) column."""
    pieces, current = [], []
    for para in row.cells[-1]:
        trial = Row(row.cells[:-1] + [current + [para]])
        if current and _row_height(trial, widths) > room:
            pieces.append(current)
            current = []
        current.append(para)
    pieces.append(current)
    rows = []
    for i, piece in enumerate(pieces):
        first = [Para(p.text + (" (continued)" if i and j == 0 else ""), p.size, p.bold, p.color)
                 for j, p in enumerate(row.cells[0])]
        rows.append(Row([first, *row.cells[1:-1], piece], row.notes if i == 0 else [], row.fill))
    return rows


def _table_slides(deck, title: str, header: list[str], widths: list[float], rows: list[Row],
                  intro: list[str] = ()) -> None:
    """Rows laid out across as many slides as they need, the header repeated on each."""
    head = Row([[Para(h, 13, True, WHITE)] for h in header])
    room = BODY_BOTTOM - BODY_TOP - _row_height(head, widths)
    units = [piece for row in rows for piece in
             (_split_row(row, widths, room) if _row_height(row, widths) > room else [row])]
    pages: list[list[Row]] = [[]]
    used = 0.0
    for row in units:
        h = _row_height(row, widths)
        if pages[-1] and used + h > room:
            pages.append([])
            used = 0.0
        pages[-1].append(row)
        used += h
    for n, page in enumerate(pages):
        name = title if n == 0 else f"{title} (continued)"
        notes = [*intro, *(line for row in page for line in row.notes)]
        slide = _slide(deck, name, notes)
        _table(slide, head, page, widths)


def _table(slide, head: Row, rows: list[Row], widths: list[float]) -> None:
    heights = [_row_height(r, widths) for r in [head, *rows]]
    shape = slide.shapes.add_table(len(rows) + 1, len(widths), Pt(MARGIN), Pt(BODY_TOP), Pt(sum(widths)),
                                   Pt(sum(heights)))
    table = shape.table
    for i, w in enumerate(widths):
        table.columns[i].width = Pt(w)
    for r, (row, h) in enumerate(zip([head, *rows], heights)):
        table.rows[r].height = Pt(h)
        for c, paras in enumerate(row.cells):
            cell = table.cell(r, c)
            cell.margin_left = cell.margin_right = Pt(INSET_X)
            cell.margin_top = cell.margin_bottom = Pt(INSET_Y)
            _fill(cell.text_frame, paras)
            cell.vertical_anchor = MSO_ANCHOR.TOP
            fill = NAVY if r == 0 else row.fill
            if fill is not None:
                cell.fill.solid()
                cell.fill.fore_color.rgb = fill


# -- slides ---------------------------------------------------------------------------------------------
def _scope_line(review: Review) -> str:
    accounts = review.scope.get("accounts", [])
    regions = review.scope.get("regions", [])
    who = f"account {accounts[0]}" if len(accounts) == 1 else f"{len(accounts)} accounts"
    return f"{who} · {len(regions)} Region(s): {', '.join(regions[:6])}{' …' if len(regions) > 6 else ''}"


def _title_slide(deck, review: Review) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, Pt(SLIDE_W), Pt(SLIDE_H))
    band.fill.solid()
    band.fill.fore_color.rgb = NAVY
    band.line.fill.background()
    when = dt.datetime.fromisoformat(review.generated_at.replace("Z", "+00:00")).strftime("%B %Y")
    _text_box(slide, 60, 170, SLIDE_W - 120, 110, [Para("AWS Well-Architected Framework Review", 40, True, WHITE)],
              MSO_ANCHOR.BOTTOM)
    stripe = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Pt(66), Pt(290), Pt(120), Pt(5))
    stripe.fill.solid()
    stripe.fill.fore_color.rgb = ORANGE
    stripe.line.fill.background()
    lines = [when, _scope_line(review), f"Framework edition {review.framework_edition} · wafr "
                                        f"{review.tool.get('version', '')}"]
    _text_box(slide, 60, 310, SLIDE_W - 120, 120, _sized([(t, False) for t in lines], SLIDE_W - 120, 120,
                                                          (20, 18, 16, 14, 12), WHITE))
    slide.notes_slide.notes_text_frame.text = plain(
        f"Generated {review.generated_at} from {review.scope.get('source', 'aws')}: {_scope_line(review)}.")


def _agenda(deck, review: Review) -> None:
    items = ["AWS Well-Architected Review overview", "Summary findings",
             *(f"{p.name}: high and medium risk issues" for p in review.pillars
               if p.at_risk("HIGH") or p.at_risk("MEDIUM")),
             "Best practice improvements: project list"]
    if review.metric_evidence and review.metric_evidence.findings:
        items.append("Metric evidence and savings")
    items += ["Proposed roadmap", "Coverage and next steps", "Open discussion"]
    slide = _slide(deck, "Today's Agenda")
    w, h = SLIDE_W - 2 * MARGIN, BODY_BOTTOM - BODY_TOP
    _text_box(slide, MARGIN, BODY_TOP, w, h, _sized([(f"•  {i}", False) for i in items], w, h, (22, 20, 18, 16, 14)))


def _overview(deck) -> None:
    words = _wording()
    slide = _slide(deck, "What is the AWS Well-Architected Review?", [words["approach"]])
    w, quote_h = SLIDE_W - 2 * MARGIN, 96
    _text_box(slide, MARGIN, BODY_TOP, w, quote_h, _sized(
        [(f"“{words['quote']}”", False), (f"– {words['quote_source']}", False)], w, quote_h, (20, 18, 16, 14, 12)))
    top = BODY_TOP + quote_h + 8
    pillars = [(f"{name}: {words['pillars'][key]}", False) for key, name in PILLAR_NAMES.items()
               if key in words["pillars"]]
    _text_box(slide, MARGIN, top, w, BODY_BOTTOM - top, _sized(pillars, w, BODY_BOTTOM - top, (18, 16, 14, 13, 12)))


def _summary(deck, review: Review) -> None:
    notes = [f"{t.focus_title} ({RISK_LABELS.get(t.risk, t.risk)}): {t.text}" for t in review.summary.top_risks]
    slide = _slide(deck, "Summary Findings", ["Top risks:", *notes])
    widths = [230, 140, 140, 110, 110, 110]
    head = Row([[Para(h, 13, True, WHITE)] for h in
                ("Pillar", "High-risk areas", "Medium-risk areas", "High findings", "Medium findings", "Passed")])
    rows = [Row([[Para(p.name, 12, True)], [Para(str(p.focus_areas.get("HIGH", 0)), 12)],
                 [Para(str(p.focus_areas.get("MEDIUM", 0)), 12)], [Para(str(p.findings.get("HIGH", 0)), 12)],
                 [Para(str(p.findings.get("MEDIUM", 0)), 12)], [Para(str(p.findings.get(PASS, 0)), 12)]])
            for p in review.summary.pillars]
    _table(slide, head, rows, widths)
    table_h = sum(_row_height(r, widths) for r in [head, *rows])
    top = BODY_TOP + table_h + 12
    if BODY_BOTTOM - top < 120:
        return
    data = CategoryChartData()
    data.categories = [p.name for p in review.summary.pillars]
    for risk in RISKS:
        data.add_series(f"{RISK_LABELS[risk]} risk", [p.findings.get(risk, 0) for p in review.summary.pillars])
    frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_STACKED, Pt(MARGIN), Pt(top), Pt(SLIDE_W - 2 * MARGIN),
                                   Pt(BODY_BOTTOM - top), data)
    chart = frame.chart
    chart.has_legend, chart.legend.position, chart.legend.include_in_layout = True, XL_LEGEND_POSITION.RIGHT, False
    chart.has_title = True
    chart.chart_title.text_frame.text = "Failed findings by pillar and risk"
    for series, risk in zip(chart.plots[0].series, RISKS):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = RISK_COLORS[risk]
    _chart_fonts(chart)


def _chart_fonts(chart, size: int = 11) -> None:
    chart.font.size, chart.font.name = Pt(size), TYPEFACE


def _remediation_lines(area: FocusArea) -> list[str]:
    lines = []
    for bullet in area.bullets:
        segments = phrase_segments(bullet.template, bullet.names, NAMES_ON_SLIDE)
        lines.append("•  " + "".join(s.value for s in segments))
    return lines or [f"•  {g}" for g in area.guidance]


def _area_notes(area: FocusArea, review: Review) -> list[str]:
    project = review.project(area.project)
    lines = [f"{area.title} — {RISK_LABELS.get(area.risk, area.risk)} risk"
             + (f", project {project.letter}: {project.title}" if project else "")]
    lines += [f"Best practices: {', '.join(area.best_practices)}"] if area.best_practices else []
    for bullet in area.bullets:
        lines.append(f"- {bullet.text}")
        for r in bullet.resources[:NOTES_RESOURCES]:
            where = f"{r.kind or r.type}, {r.account}/{r.region}, {r.environment}"
            lines.append(f"    {r.name} ({where}): {'; '.join(r.evidence)}")
        if len(bullet.resources) > NOTES_RESOURCES:
            lines.append(f"    and {len(bullet.resources) - NOTES_RESOURCES} more in report.html")
    return lines + [""]


def _risk_tables(deck, title: str, areas: list[FocusArea], review: Review) -> None:
    widths = [210, 90, SLIDE_W - 2 * MARGIN - 300]
    rows = []
    for area in areas:
        focus = [Para(area.title, 12, True)]
        if area.project:
            focus.append(Para(f"Project {area.project}", 11, False, GREY))
        risk = [Para(RISK_LABELS.get(area.risk, area.risk), 12, True, RISK_COLORS.get(area.risk))]
        rows.append(Row([focus, risk, [Para(line, 12) for line in _remediation_lines(area)]],
                        _area_notes(area, review)))
    _table_slides(deck, title, ["Focus", "Risk Assessment", "Remediation"], widths, rows)


def _projects(deck, review: Review) -> None:
    savings = review.metric_evidence.by_project if review.metric_evidence else {}
    titles = {fa.key: fa.title for fa in review.all_focus_areas()}
    widths = [60, 330, 90, 90, SLIDE_W - 2 * MARGIN - 570]
    rows = []
    for p in review.projects:
        saving = f" · saves about ${savings[p.letter]:,.0f} a month" if p.letter in savings else ""
        areas = "; ".join(titles.get(k, k) for k in p.focus_areas)
        rows.append(Row([[Para(p.letter, 16, True, ORANGE)], [Para(p.title, 12, True)],
                         [Para(RISK_LABELS.get(p.risk, p.risk), 12, True, RISK_COLORS.get(p.risk))],
                         [Para(p.effort.title(), 12)], [Para(areas + saving, 11)]],
                        [f"{p.letter}. {p.title}: {len(p.finding_ids)} finding(s) on {len(p.resources)} resource(s); "
                         f"best practices {', '.join(p.best_practices)}"]))
    _table_slides(deck, "Best Practice Improvements – Project List", ["", "Project", "Risk", "Effort", "Focus areas"],
                  widths, rows)


def _metric_slides(deck, evidence: MetricEvidence) -> None:
    for m in evidence.findings:
        if not m.charts:
            continue
        notes = [m.evidence, m.recommendation, m.saving_basis, m.prices, f"Finding {m.finding_id}"]
        slide = _slide(deck, f"Metric evidence: {m.resource}", notes)
        text_w = 300
        saving = (f"Estimated saving: ${m.monthly_saving_usd:,.2f} a month "
                  f"(${m.current_monthly_usd or 0:,.2f} → ${m.recommended_monthly_usd or 0:,.2f})"
                  if m.monthly_saving_usd else "No saving is estimated: fixing it comes first.")
        lines = [(m.title, True), (f"{RISK_LABELS.get(m.risk, m.risk)} risk · {m.environment}"
                                   + (f" · project {m.project}" if m.project else ""), False),
                 (m.evidence, False), (m.recommendation, False), (saving, True)]
        _text_box(slide, MARGIN, BODY_TOP, text_w, BODY_BOTTOM - BODY_TOP,
                  _sized(lines, text_w, BODY_BOTTOM - BODY_TOP, (14, 13, 12, 11, 10, 9, 8)))
        charts = m.charts[:2]
        left, width = MARGIN + text_w + 12, SLIDE_W - MARGIN - (MARGIN + text_w + 12)
        each = (BODY_BOTTOM - BODY_TOP - 8 * (len(charts) - 1)) / len(charts)
        for i, series in enumerate(charts):
            _line_chart(slide, series, left, BODY_TOP + i * (each + 8), width, each)
    _savings(deck, evidence)


def _line_chart(slide, series, x: float, y: float, w: float, h: float) -> None:
    start = dt.datetime.fromisoformat(series.start.replace("Z", "+00:00"))
    scale, unit = (1024 ** 3, "GiB") if series.unit == "bytes" else (1, series.unit)
    data = CategoryChartData()
    data.categories = [(start + dt.timedelta(seconds=series.period * i)).strftime("%b %d")
                       for i in range(len(series.values))]
    data.add_series(f"{series.label} ({unit})", [None if v is None else round(v / scale, 3) for v in series.values])
    chart = slide.shapes.add_chart(XL_CHART_TYPE.LINE, Pt(x), Pt(y), Pt(w), Pt(h), data).chart
    chart.has_legend = False
    chart.has_title = True
    chart.chart_title.text_frame.text = f"{series.label} ({unit})"
    chart.chart_title.text_frame.paragraphs[0].runs[0].font.size = Pt(12)
    plot_series = chart.plots[0].series[0]
    plot_series.smooth = False
    plot_series.format.line.width = Pt(1.25)
    plot_series.format.line.color.rgb = NAVY
    plot_series.marker.style = XL_MARKER_STYLE.NONE
    _label_every(chart, max(1, round(86400 / series.period)) * max(1, -(-len(series.values) * series.period
                                                                    // (86400 * DATE_LABELS))))
    _chart_fonts(chart, 10)


def _label_every(chart, points: int) -> None:
    """One date label and tick every ``points`` categories instead of one an hour. The schema fixes the order of
    a category axis's children: the skips come right before noMultiLvlLbl (or last)."""
    axis = chart.category_axis._element
    anchor = axis.find(qn("c:noMultiLvlLbl"))
    for tag in ("c:tickLblSkip", "c:tickMarkSkip"):
        element = axis.makeelement(qn(tag), {"val": str(points)})
        if anchor is not None:
            anchor.addprevious(element)
        else:
            axis.append(element)


def _savings(deck, evidence: MetricEvidence) -> None:
    priced = [m for m in evidence.findings if m.monthly_saving_usd]
    notes = [*evidence.assumptions, *(f"Waiting: {d.resource} ({d.check_id}): {d.reason}" for d in evidence.deferred)]
    slide = _slide(deck, f"Savings: about ${evidence.total_monthly_usd:,.0f} a month", notes)
    text_w = 330
    lines = [(f"Total: ${evidence.total_monthly_usd:,.2f} a month", True),
             *((f"Project {k}: ${v:,.2f} a month", False) for k, v in evidence.by_project.items()),
             *((f"•  {a}", False) for a in evidence.assumptions),
             *((f"Waits for another fix: {d.resource} – {d.reason}", False) for d in evidence.deferred)]
    _text_box(slide, MARGIN, BODY_TOP, text_w, BODY_BOTTOM - BODY_TOP,
              _sized(lines, text_w, BODY_BOTTOM - BODY_TOP, (14, 13, 12, 11, 10, 9, 8)))
    if not priced:
        return
    data = CategoryChartData()
    data.categories = [m.resource for m in priced]
    data.add_series("Monthly saving (USD)", [round(m.monthly_saving_usd or 0, 2) for m in priced])
    left = MARGIN + text_w + 12
    chart = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, Pt(left), Pt(BODY_TOP), Pt(SLIDE_W - MARGIN - left),
                                   Pt(BODY_BOTTOM - BODY_TOP), data).chart
    chart.has_legend = False
    chart.has_title = True
    chart.chart_title.text_frame.text = "Estimated monthly saving by resource (USD)"
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.number_format, plot.data_labels.number_format_is_linked = "$#,##0", False
    plot.series[0].format.fill.solid()
    plot.series[0].format.fill.fore_color.rgb = ORANGE
    _chart_fonts(chart)


def _roadmap(deck, review: Review) -> None:
    """Three phases side by side under a chevron timeline; a phase with more items than fit continues."""
    phases = review.roadmap
    if not phases:
        return
    gap = 14
    col_w = (SLIDE_W - 2 * MARGIN - gap * (len(phases) - 1)) / len(phases)
    chevron_h, top = 44, BODY_TOP + 58
    room = BODY_BOTTOM - top
    texts = [[f"•  {item.text}" + (f" ({', '.join(item.projects)})" if item.projects else "") for item in p.items]
             for p in phases]
    # The largest size at which every phase fits one slide; at the smallest, a long phase continues.
    size = next((s for s in (15, 14, 13) if all(
        _height([Para(p.title, s + 2, True)] + [Para(t, s) for t in lines], col_w) <= room
        for p, lines in zip(phases, texts))), 12)
    columns = []
    for phase, lines in zip(phases, texts):
        pages, current = [], [Para(phase.title, size + 2, True, NAVY)]
        for line in (Para(t, size) for t in lines):
            if _height(current + [line], col_w) > room and len(current) > 1:
                pages.append(current)
                current = [Para(f"{phase.title} (continued)", size + 2, True, NAVY)]
            current.append(_clipped(current, line, col_w, room))
        pages.append(current)
        columns.append(pages)
    for n in range(max(len(c) for c in columns)):
        notes = [f"Months {p.months} ({p.label}): " + "; ".join(
            f"{i.text} [{len(i.finding_ids)} finding(s)]" for i in p.items) for p in phases]
        slide = _slide(deck, "Proposed Roadmap" if n == 0 else "Proposed Roadmap (continued)", notes)
        line = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Pt(MARGIN), Pt(BODY_TOP + chevron_h / 2 - 2),
                                      Pt(SLIDE_W - 2 * MARGIN), Pt(4))
        line.fill.solid()
        line.fill.fore_color.rgb = GREY
        line.line.fill.background()
        for i, (phase, pages) in enumerate(zip(phases, columns)):
            x = MARGIN + i * (col_w + gap)
            shape = slide.shapes.add_shape(MSO_SHAPE.PENTAGON if i == 0 else MSO_SHAPE.CHEVRON, Pt(x), Pt(BODY_TOP),
                                           Pt(col_w), Pt(chevron_h))
            shape.fill.solid()
            shape.fill.fore_color.rgb = RISK_COLORS.get(phase.items[0].risk if phase.items else "", NAVY) \
                if i < 2 else NAVY
            shape.line.fill.background()
            _fill(shape.text_frame, [Para(f"Months {phase.months} · {phase.label}", 14, True, WHITE)],
                  MSO_ANCHOR.MIDDLE)
            shape.text_frame.paragraphs[0].alignment = PP_ALIGN.CENTER
            if n < len(pages):
                _text_box(slide, x, top, col_w, room, pages[n])


def _clipped(above: list[Para], para: Para, width: float, room: float) -> Para:
    """``para`` shortened by whole words until it fits below ``above``: one item longer than a whole column says
    where the rest of it is (the speaker notes and report.html hold it all)."""
    if _height(above + [para], width) <= room:
        return para
    words, ending = para.text.split(" "), " … (see report.html)"
    low, high = 1, len(words)
    while low < high:  # the most words that still fit
        middle = (low + high + 1) // 2
        trial = Para(" ".join(words[:middle]) + ending, para.size, para.bold, para.color)
        low, high = (middle, high) if _height(above + [trial], width) <= room else (low, middle - 1)
    return Para(" ".join(words[:low]) + ending, para.size, para.bold, para.color)


def _coverage(deck, review: Review) -> None:
    cov = review.coverage
    counts: dict[str, int] = {}
    for f in review.findings:
        counts[f.status] = counts.get(f.status, 0) + 1
    lines = [(f"{cov.assessed} of {cov.total} reads (account × Region × service) assessed", True)]
    lines += [(f"•  Not read: {g.service} in {g.account}/{g.region} – {g.status}: {g.detail}", False) for g in cov.gaps]
    if cov.unassessed_checks:
        lines.append(("Checks that could not judge some resources", True))
        lines += [(f"•  {u.title} ({len(u.resources)} resource(s)): {'; '.join(u.reasons[:2])}", False)
                  for u in cov.unassessed_checks]
    notes = [f"{g.account}/{g.region}/{g.service}: {g.status} {g.detail}" for g in cov.gaps]
    notes += [f"{u.check_id}: {', '.join(u.resources[:NOTES_RESOURCES])} – {'; '.join(u.reasons)}"
              for u in cov.unassessed_checks]
    slide = _slide(deck, "Coverage", notes)
    text_w = 540 if counts else SLIDE_W - 2 * MARGIN
    h = BODY_BOTTOM - BODY_TOP
    size = _fitting_size([t for t, _ in lines], text_w, h, (16, 14, 13, 12))
    _text_box(slide, MARGIN, BODY_TOP, text_w, h, _fit_lines(lines, text_w, h, size, "and {n} more: see report.html"))
    if counts:
        data = CategoryChartData()
        labels = {FAIL: "Failed", PASS: "Passed", NOT_ASSESSED: "Not assessed", SUPPRESSED: "Accepted"}
        data.categories = [labels.get(k, k) for k in counts]
        data.add_series("Check results", list(counts.values()))
        left = MARGIN + text_w + 12
        chart = slide.shapes.add_chart(XL_CHART_TYPE.DOUGHNUT, Pt(left), Pt(BODY_TOP), Pt(SLIDE_W - MARGIN - left),
                                       Pt(BODY_BOTTOM - BODY_TOP), data).chart
        chart.has_legend, chart.legend.position, chart.legend.include_in_layout = True, XL_LEGEND_POSITION.BOTTOM, False
        chart.has_title = True
        chart.chart_title.text_frame.text = f"{sum(counts.values())} check results"
        chart.plots[0].has_data_labels = True
        for point, status in zip(chart.plots[0].series[0].points, counts):
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = STATUS_COLORS.get(status, NAVY)
        _chart_fonts(chart)


def _next_steps(deck, review: Review) -> None:
    first = review.roadmap[0] if review.roadmap else None
    steps = []
    if first and first.items:
        steps.append(f"Agree owners and dates for the {len(first.items)} high-risk items of months {first.months}.")
    steps += [f"{item.text}." if not item.text.endswith(".") else item.text
              for phase in review.roadmap[-1:] for item in phase.items]
    if review.questionnaire and review.questionnaire.unanswered:
        steps.append(f"Answer the {len(review.questionnaire.unanswered)} question(s) still open "
                     "(wafr questions ask), then re-run the review.")
    steps.append("Open discussion: questions, priorities, constraints.")
    slide = _slide(deck, "Next Steps and Discussion")
    w, h = SLIDE_W - 2 * MARGIN, BODY_BOTTOM - BODY_TOP
    _text_box(slide, MARGIN, BODY_TOP, w, h,
              _fit_lines([(f"{i}.  {s}", False) for i, s in enumerate(steps, 1)], w, h,
                         _fitting_size([f"{i}.  {s}" for i, s in enumerate(steps, 1)], w, h, (18, 16, 14, 13, 12)),
                         "and {n} more in report.html"))
