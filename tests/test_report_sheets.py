"""findings.csv and report.xlsx: reopened with the csv module and openpyxl; every result is a row, every sheet has
its filter and frozen header, and a resource name that looks like a formula stays text."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import boto3
import pytest
from moto import mock_aws
from openpyxl import load_workbook

from wafr.findings import evaluate
from wafr.report import csv_findings, xlsx
from wafr.report.cells import FINDING_COLUMNS
from wafr.report.review_json import load
from wafr.review import review_of_estate
from wafr.sources.aws.collect import collect_account
from wafr.sources.aws.session import open_session

# Names a spreadsheet would evaluate (CSV injection), and one with a control character XLSX cannot hold (EC2's XML
# API cannot carry that one, so it is put into the review after the scan, as a hand-edited review.json could).
FORMULAS = ['=HYPERLINK("http://e.invalid","click")', "+1+1", "-2+3", "@SUM(1,2)"]
BELL = "bell\x07name"
SHEETS = ["Findings", "Best practices", "Projects", "Roadmap", "Savings"]


@pytest.fixture(scope="module")
def review():
    """Production VPCs named like formulas, scanned through moto by the real collectors."""
    with mock_aws():
        ec2 = boto3.Session(region_name="us-east-1").client("ec2")
        for i, name in enumerate([*FORMULAS, "plain-vpc"]):
            ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": [
                {"Key": "Name", "Value": name}, {"Key": "Environment", "Value": "prod"}]}])
        estate = collect_account(open_session(region="us-east-1"), ["us-east-1"], services=["vpc"])
    review = review_of_estate(estate, evaluate(estate))
    for finding in review.findings:
        if finding.resource["name"] == "plain-vpc":
            finding.resource["name"] = BELL
    return review


def test_csv_has_one_row_per_result_and_formulas_stay_text(review):
    rows = list(csv.reader(io.StringIO(csv_findings.render(review))))
    assert tuple(rows[0]) == FINDING_COLUMNS
    body = [dict(zip(rows[0], row)) for row in rows[1:]]
    assert [r["id"] for r in body] == [f.id for f in review.findings]
    names = {r["resource_name"] for r in body}
    for formula in FORMULAS:
        assert "'" + formula in names and formula not in names  # the leading quote makes it text
    assert "bellname" in names  # control characters dropped
    assert all(not value.startswith(("=", "+", "-", "@")) for r in body for value in r.values())


def test_xlsx_sheets_have_filters_and_frozen_headers(review):
    book = load_workbook(io.BytesIO(xlsx.render(review)))
    assert book.sheetnames == SHEETS
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref == sheet.dimensions, sheet.title
        assert all(cell.font.bold for cell in sheet[1])
    findings = book["Findings"]
    assert tuple(c.value for c in findings[1]) == FINDING_COLUMNS
    assert findings.max_row - 1 == len(review.findings)


def test_xlsx_formula_names_stay_text(review):
    book = load_workbook(io.BytesIO(xlsx.render(review)))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # no formula anywhere
    column = FINDING_COLUMNS.index("resource_name")
    names = {row[column].value: row[column].data_type for row in book["Findings"].iter_rows(min_row=2)}
    for formula in FORMULAS:
        assert names.get(formula) == "s"
    assert "bellname" in names


def test_xlsx_of_the_demo_holds_assessments_projects_roadmap_and_savings(demo_outputs: Path):
    review = load(demo_outputs / "review.json")
    book = load_workbook(demo_outputs / "report.xlsx")
    practices = [bp for q in review.assessments for bp in q.best_practices]
    assert [r[3].value for r in book["Best practices"].iter_rows(min_row=2)] == [bp.id for bp in practices]
    assert [(r[0].value, r[1].value) for r in book["Projects"].iter_rows(min_row=2)] == \
        [(p.letter, p.title) for p in review.projects]
    assert [r[2].value for r in book["Roadmap"].iter_rows(min_row=2)] == \
        [item.text for phase in review.roadmap for item in phase.items]
    savings = [(r[0].value, r[7].value) for r in book["Savings"].iter_rows(min_row=2)]
    assert savings == [(m.resource, m.monthly_saving_usd) for m in review.metric_evidence.findings]
    priced = [v for _, v in savings if v]
    assert sum(priced) == pytest.approx(review.metric_evidence.total_monthly_usd, abs=0.05)
    rows = list(csv.DictReader((demo_outputs / "findings.csv").open(newline="", encoding="utf-8")))
    assert len(rows) == len(json.loads((demo_outputs / "findings.json").read_text())["findings"])
