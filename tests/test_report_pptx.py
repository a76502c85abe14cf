"""report.pptx: the deck in the sample's shape, reopened with python-pptx; every text measured with the deck's
typeface fits its box or table row, tables continue on the next slide instead of running off, and account strings
stay text."""

from __future__ import annotations

import copy
import io
import re
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

from hostile import MARKUP, SCRIPT, hostile_review

from wafr.report import deck
from wafr.report.review_json import load
from wafr.report.text_fit import paragraphs_height
from wafr.review.model import RISK_LABELS

PT = 12700  # EMU per point
RISK_SLIDE = re.compile(r"^(?P<pillar>.+) – (?P<label>High|Medium) Risk Issues \((HRI|MRI)\)( \(continued\))?$")


@pytest.fixture(scope="module")
def review(demo_outputs: Path):
    return load(demo_outputs / "review.json")


@pytest.fixture(scope="module")
def slides(demo_outputs: Path):
    return list(Presentation(str(demo_outputs / "report.pptx")).slides)


def _title(slide) -> str:
    if slide.shapes.title is not None:
        return slide.shapes.title.text_frame.text
    return next(s.text_frame.text for s in slide.shapes if s.has_text_frame and s.text_frame.text)


def _frame_fits(frame, width_emu: int, height_emu: int) -> tuple[float, float]:
    paras = [(p.text, p.runs[0].font.size.pt, bool(p.runs[0].font.bold)) for p in frame.paragraphs if p.runs]
    inner_w = (width_emu - frame.margin_left - frame.margin_right) / PT
    used = paragraphs_height(paras, inner_w) + (frame.margin_top + frame.margin_bottom) / PT
    return used, height_emu / PT


def _texts(slide) -> list[str]:
    out = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            out.append(shape.text_frame.text)
        if shape.has_table:
            out += [cell.text_frame.text for row in shape.table.rows for cell in row.cells]
    return out


def test_deck_follows_the_samples_shape(slides, review):
    titles = [_title(s) for s in slides]
    assert titles[0] == "AWS Well-Architected Framework Review"
    assert titles[1:4] == ["Today's Agenda", "What is the AWS Well-Architected Review?", "Summary Findings"]
    expected_order = ["Best Practice Improvements – Project List", "Metric evidence:", "Savings:", "Proposed Roadmap",
                      "Coverage", "Next Steps and Discussion"]
    positions = [next(i for i, t in enumerate(titles) if t.startswith(prefix)) for prefix in expected_order]
    assert positions == sorted(positions)
    # One risk-table slide (or more) per pillar and risk that has focus areas at that risk, in the review's order.
    wanted = [(p.name, RISK_LABELS[risk]) for p in review.pillars for risk in ("HIGH", "MEDIUM") if p.at_risk(risk)]
    found = list(dict.fromkeys((m["pillar"], m["label"]) for t in titles if (m := RISK_SLIDE.match(t))))
    assert found == wanted
    agenda = slides[1].shapes[-1].text_frame.text
    assert "Proposed roadmap" in agenda and "Summary findings" in agenda


def test_risk_tables_hold_every_high_and_medium_focus_area(slides, review):
    by_slide: dict[tuple[str, str], list[str]] = {}
    for slide in slides:
        match = RISK_SLIDE.match(_title(slide))
        if not match:
            continue
        (table,) = [s.table for s in slide.shapes if s.has_table]
        assert [c.text_frame.text for c in table.rows[0].cells] == ["Focus", "Risk Assessment", "Remediation"]
        for row in list(table.rows)[1:]:
            focus = row.cells[0].text_frame.paragraphs[0].text.removesuffix(" (continued)")
            assert row.cells[1].text_frame.text == match["label"]
            assert row.cells[2].text_frame.text.strip()
            by_slide.setdefault((match["pillar"], match["label"]), []).append(focus)
    for pillar in review.pillars:
        for risk in ("HIGH", "MEDIUM"):
            titles = [fa.title for fa in pillar.at_risk(risk)]
            if titles:
                assert list(dict.fromkeys(by_slide[(pillar.name, RISK_LABELS[risk])])) == titles


def test_speaker_notes_carry_the_evidence(slides, review):
    area = next(fa for fa in review.all_focus_areas() if fa.risk == "HIGH" and fa.bullets)
    resource = area.bullets[0].resources[0]
    notes = "\n".join(s.notes_slide.notes_text_frame.text for s in slides if s.has_notes_slide
                      and RISK_SLIDE.match(_title(s)))
    assert resource.name in notes
    assert all(line in notes for line in resource.evidence)


def test_project_list_is_lettered_in_order(slides, review):
    rows = [row for s in slides if _title(s).startswith("Best Practice Improvements") for shape in s.shapes
            if shape.has_table for row in list(shape.table.rows)[1:]]
    assert [(r.cells[0].text_frame.text, r.cells[1].text_frame.text) for r in rows] == \
        [(p.letter, p.title) for p in review.projects]


def test_metric_evidence_is_drawn_with_native_charts(slides, review):
    evidence = review.metric_evidence
    metric_slides = [s for s in slides if _title(s).startswith("Metric evidence:")]
    assert len(metric_slides) == sum(1 for m in evidence.findings if m.charts)
    for slide, finding in zip(metric_slides, [m for m in evidence.findings if m.charts]):
        charts = [s.chart for s in slide.shapes if s.has_chart]
        assert len(charts) == min(2, len(finding.charts))
        first = charts[0]
        assert first.chart_type == XL_CHART_TYPE.LINE
        values = first.plots[0].series[0].values
        assert len(values) == len(finding.charts[0].values)
        # The label skip sits where the schema's sequence puts it, or PowerPoint asks to repair the file.
        axis = [child.tag.split("}")[1] for child in first.category_axis._element]
        assert axis.index("tickLblSkip") < axis.index("tickMarkSkip") < axis.index("noMultiLvlLbl")
    (savings,) = [s for s in slides if _title(s).startswith("Savings:")]
    (chart,) = [s.chart for s in savings.shapes if s.has_chart]
    priced = [m for m in evidence.findings if m.monthly_saving_usd]
    assert list(chart.plots[0].categories) == [m.resource for m in priced]
    assert list(chart.plots[0].series[0].values) == pytest.approx([m.monthly_saving_usd for m in priced], abs=0.01)
    assert f"{evidence.total_monthly_usd:,.2f}" in "\n".join(_texts(savings))


def test_roadmap_is_a_timeline_of_every_item(slides, review):
    roadmap = [s for s in slides if _title(s).startswith("Proposed Roadmap")]
    text = "\n".join(t for s in roadmap for t in _texts(s))
    for phase in review.roadmap:
        assert f"Months {phase.months}" in text
        for item in phase.items:
            assert item.text in text
    chevrons = [s for s in roadmap[0].shapes if s.has_text_frame and s.text_frame.text.startswith("Months ")]
    lefts = [s.left for s in chevrons]
    assert len(chevrons) == len(review.roadmap) and lefts == sorted(lefts)  # left to right, months 1-3 first


def test_coverage_and_next_steps(slides, review):
    (coverage,) = [s for s in slides if _title(s) == "Coverage"]
    assert f"{review.coverage.assessed} of {review.coverage.total}" in "\n".join(_texts(coverage))
    (doughnut,) = [s.chart for s in coverage.shapes if s.has_chart]
    assert sum(doughnut.plots[0].series[0].values) == len(review.findings)
    last = slides[-1]
    assert _title(last) == "Next Steps and Discussion"
    assert review.roadmap[-1].items[0].text in "\n".join(_texts(last))


def _assert_fits(presentation) -> int:
    """Every text box, placeholder and table row holds its measured text; nothing leaves the slide."""
    width, height = presentation.slide_width, presentation.slide_height
    checked = 0
    for number, slide in enumerate(presentation.slides, 1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (number, shape.name)
            assert shape.left + shape.width <= width and shape.top + shape.height <= height, (number, shape.name)
            if shape.has_text_frame and shape.text_frame.text:
                used, room = _frame_fits(shape.text_frame, shape.width, shape.height)
                assert used <= room + 0.01, (number, shape.text_frame.text[:60], used, room)
                checked += 1
            if shape.has_table:
                table = shape.table
                assert shape.top + sum(r.height for r in table.rows) <= height, number
                for row in table.rows:
                    for cell, column in zip(row.cells, table.columns):
                        if cell.text_frame.text:
                            used, room = _frame_fits(cell.text_frame, column.width, row.height)
                            assert used <= room + 0.01, (number, cell.text_frame.text[:60], used, room)
                            checked += 1
    return checked


def test_every_text_fits_its_box(demo_outputs: Path):
    assert _assert_fits(Presentation(str(demo_outputs / "report.pptx"))) > 100


def test_a_long_table_continues_on_the_next_slide():
    review = hostile_review()
    area = next(fa for fa in review.all_focus_areas() if fa.risk == "HIGH" and fa.bullets)
    area.bullets = [copy.deepcopy(area.bullets[0]) for _ in range(60)]  # far more than one slide holds
    presentation = Presentation(io.BytesIO(deck.render(review)))
    _assert_fits(presentation)
    pillar = next(p for p in review.pillars if area in p.focus_areas)
    pages = [s for s in presentation.slides if _title(s).startswith(f"{pillar.name} – High Risk Issues")]
    assert len(pages) >= 3 and _title(pages[1]).endswith("(continued)")
    rows = [row for s in pages for shape in s.shapes if shape.has_table for row in list(shape.table.rows)[1:]]
    focus_rows = [r for r in rows if r.cells[0].text_frame.paragraphs[0].text.startswith(area.title)]
    lines = [p.text for r in focus_rows for p in r.cells[2].text_frame.paragraphs]
    assert len(lines) == 60  # every bullet shown once, none lost at a page break


def test_hostile_names_stay_text():
    review = hostile_review()
    data = deck.render(review)
    presentation = Presentation(io.BytesIO(data))
    texts = "\n".join(t for s in presentation.slides for t in _texts(s))
    notes = "\n".join(s.notes_slide.notes_text_frame.text for s in presentation.slides if s.has_notes_slide)
    assert SCRIPT in texts and MARKUP in texts  # shown as written, in the risk tables
    assert SCRIPT in notes
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = "".join(package.read(n).decode("utf-8") for n in package.namelist() if n.endswith(".xml"))
    assert "<script>" not in xml and "&lt;script&gt;alert(1)&lt;/script&gt;" in xml
    _assert_fits(presentation)

