"""report.md's advisor section: which of AWS's advisors the review rests on, where each could not be read."""

from __future__ import annotations

from wafr.markdown_text import code, table, text
from wafr.review.advisors import findings_words, headline, sample_note, status_words, where
from wafr.review.model import AdvisorSource, Review

HEADING = "Advisor evidence"


def _unread(source: AdvisorSource) -> str:
    return "<br>".join(f"{code(where(r), cell=True)}: {text(status_words(r.status))}"
                       + (f" ({text(r.detail)})" if r.detail else "") for r in source.unread) or "none"


def section(review: Review) -> list[str]:
    evidence = review.advisors
    if evidence is None:  # a review.json written before the section existed
        return []
    lines = [f"## {HEADING}", "", text(headline(evidence)), ""]
    if note := sample_note(evidence):
        lines += [f"> {text(note)}", ""]
    if evidence.sources:
        rows = [[text(s.name), ", ".join(code(where(r), cell=True) for r in s.read) or "nowhere", _unread(s),
                 text(findings_words(s)), ", ".join(code(c, cell=True) for c in s.checks) or "none"]
                for s in evidence.sources]
        lines += table(["Advisor", "Read in", "Not read", "Findings resting on it", "Checks"], rows)
    return lines
