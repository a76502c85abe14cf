"""The review's check results, for the formats that list every one of them (OCSF, ASFF, CSV, XLSX)."""

from __future__ import annotations

from wafr.errors import WafrError
from wafr.findings import Finding
from wafr.review.model import Review


def results(review: Review, fmt: str) -> list[Finding]:
    """Every result in the review; a review.json written before reviews carried them cannot give ``fmt``."""
    if not review.findings:
        raise WafrError(f"This review.json carries no check results (it predates them); run `wafr review` on its "
                        f"snapshot again to write {fmt}.")
    return review.findings
