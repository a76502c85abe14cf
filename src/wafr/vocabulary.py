"""The review's shared words: finding statuses, risks, environments, best-practice statuses, pillars.

Every module imports these from here rather than spelling them again; this module imports nothing of wafr's,
so any layer may use it.
"""

from __future__ import annotations

from typing import Iterable

# What a check says about one resource.
FAIL, PASS, NOT_ASSESSED, SUPPRESSED = "FAIL", "PASS", "NOT_ASSESSED", "SUPPRESSED"
STATUSES = (FAIL, PASS, NOT_ASSESSED, SUPPRESSED)

# Risk, from the highest. NONE is a question's risk when nothing is wrong.
RISKS = ("HIGH", "MEDIUM", "LOW")
RISK_ORDER = {"HIGH": 0, "MEDIUM": 1, "LOW": 2, NOT_ASSESSED: 3, "NONE": 4}
RISK_LABELS = {"HIGH": "High", "MEDIUM": "Medium", "LOW": "Low", NOT_ASSESSED: "Not assessed", "NONE": "None"}

# A resource's environment; risk depends on it.
PROD, STAGING, DEV, UNKNOWN = "prod", "staging", "dev", "unknown"
ENVIRONMENTS = (PROD, STAGING, DEV, UNKNOWN)
PRODUCTION_LIKE = (PROD, UNKNOWN)  # an unknown environment is treated as production until shown otherwise

# A best practice's status, as the WA Tool would read it.
MET, NOT_MET, PARTLY, BP_NOT_ASSESSED = "met", "not met", "partly", "not assessed"
NOT_APPLICABLE = "not applicable"  # only a team's answer can say so

# A team's answer to a best practice, as the answers file spells it (hyphenated, so the file is easy to type).
ANSWERS_SCHEMA = "wafr.answers/1"
ANSWER_MET, ANSWER_PARTLY, ANSWER_NOT_MET = "met", "partly", "not-met"
ANSWER_NOT_APPLICABLE, UNANSWERED = "not-applicable", "unanswered"
ANSWER_STATUSES = (ANSWER_MET, ANSWER_PARTLY, ANSWER_NOT_MET, ANSWER_NOT_APPLICABLE, UNANSWERED)
ANSWER_SUGGESTIONS = (ANSWER_MET, ANSWER_PARTLY, ANSWER_NOT_MET)  # a scan never knows a practice does not apply

# The pillars: their prefixes in best-practice ids, their names in the framework's order, and the order the
# review presents them in (security first, as a consultant's review does; sustainability only where answered).
PILLAR_SLUGS = {
    "OPS": "operational-excellence",
    "SEC": "security",
    "REL": "reliability",
    "PERF": "performance-efficiency",
    "COST": "cost-optimization",
    "SUS": "sustainability",
}
PILLAR_NAMES = {
    "operational-excellence": "Operational Excellence",
    "security": "Security",
    "reliability": "Reliability",
    "performance-efficiency": "Performance Efficiency",
    "cost-optimization": "Cost Optimization",
    "sustainability": "Sustainability",
}
REVIEW_PILLARS = ("security", "reliability", "operational-excellence", "performance-efficiency", "cost-optimization")

# AWS's own advisors, read as evidence: their coverage service key, and how the review names them (in this order).
ADVISOR_SOURCES = {
    "compute-optimizer": "AWS Compute Optimizer",
    "trusted-advisor": "AWS Trusted Advisor",
    "health": "AWS Health",
    "securityhub-findings": "AWS Security Hub",
    "cost-explorer": "AWS Cost Explorer",
    "cost-optimization-hub": "AWS Cost Optimization Hub",
}
# The estate metadata and review scope key naming the advisors whose answers were sample responses (the demo's).
SAMPLE_SOURCES = "sample_sources"


def worst(risks: Iterable[str]) -> str:
    """The highest of some risks (HIGH before MEDIUM before LOW)."""
    seen = set(risks)  # the review asks this of every resource's findings: a set lookup per known risk, not a sort
    for risk in RISK_ORDER:
        if risk in seen:
            return risk
    return min(seen)  # none the vocabulary knows (ValueError when there are none, as min() gives)
