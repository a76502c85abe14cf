"""findings.csv: one row per check result (PASS included), for a spreadsheet or a data pipeline."""

from __future__ import annotations

import csv
import io

from wafr.report.cells import FINDING_COLUMNS, csv_text, finding_rows
from wafr.review.model import Review


def render(review: Review) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180 line ends, as spreadsheets expect
    writer.writerow(FINDING_COLUMNS)
    for row in finding_rows(review, "CSV"):
        writer.writerow([csv_text(value) for value in row])
    return out.getvalue()
