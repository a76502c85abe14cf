"""The tables the spreadsheet formats share (CSV of findings, the XLSX workbook), and keeping account strings as text.

A spreadsheet evaluates a cell that starts with =, +, - or @ as a formula, so a resource named ``=HYPERLINK(...)``
could run in the reader's spreadsheet (CSV injection). Account-supplied strings are written so they stay text.
"""

from __future__ import annotations

import re
from typing import Any

from wafr.findings import Finding
from wafr.report.results import results
from wafr.review.model import Review

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 (and so XLSX) cannot hold; a Name tag may contain them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

FINDING_COLUMNS = ("id", "status", "risk", "pillar", "focus_area", "check_id", "title", "best_practices", "account",
                   "region", "resource_type", "resource_id", "resource_name", "resource_arn", "environment",
                   "evidence", "remediation")


def plain(value: Any) -> Any:
    """A cell value without characters a spreadsheet file cannot hold; numbers stay numbers."""
    return _CONTROL.sub("", value) if isinstance(value, str) else value


def csv_text(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as written: a leading quote turns a would-be formula into text (OWASP)."""
    value = plain(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def finding_row(finding: Finding) -> list[Any]:
    r = finding.resource
    return [finding.id, finding.status, finding.risk, finding.pillar, finding.focus_area, finding.check_id,
            finding.title, "; ".join(finding.best_practices), r.get("account", ""), r.get("region", ""),
            r.get("type", ""), r.get("id", ""), r.get("name", ""), r.get("arn", ""), finding.environment,
            finding.evidence, finding.remediation]


def finding_rows(review: Review, fmt: str) -> list[list[Any]]:
    return [finding_row(f) for f in results(review, fmt)]
