"""The history store's tables (SQLAlchemy Core): one row per milestone, its findings and its assessments.

A finding row keeps the columns a diff compares (status, risk, check, resource, best practices) as plain columns, so
a 100,000-resource review records with one bulk insert; what only the review shows stays in the review files.
The Alembic migrations in migrations/versions create exactly these tables; a change here needs a new migration.
"""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, DateTime, ForeignKey, Integer, MetaData, String, Table, Text

metadata = MetaData()

milestones = Table(
    "wafr_milestones", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("generated_at", String(32), nullable=False),  # the review's own timestamp
    Column("kind", String(16), nullable=False),  # scan | review | demo
    Column("source", String(32), nullable=False),
    Column("scope", String(32), nullable=False, index=True),  # accounts x regions, hashed: "the same estate"
    Column("accounts", JSON, nullable=False),
    Column("regions", JSON, nullable=False),
    Column("framework_edition", String(64), nullable=False),
    Column("wafr_version", String(32), nullable=False),
    Column("counts", JSON, nullable=False),  # pillar -> HIGH/MEDIUM/LOW failed, PASS, NOT_ASSESSED, SUPPRESSED
    Column("coverage", JSON, nullable=False),  # [account, region, service, status, detail]
    Column("projects", JSON, nullable=False),  # [{letter, key, title, risk}]
    Column("questionnaire", JSON),  # {workload, answered, total, conflicts}
    Column("metric_evidence", JSON),  # {total_monthly_usd, by_project, findings: [{finding_id, saving...}]}
)

findings = Table(
    "wafr_findings", metadata,
    # A row id, not (milestone, finding): rows then append in order, which keeps a 100,000-resource insert fast.
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("milestone_id", Integer, ForeignKey("wafr_milestones.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("finding_id", String(64), nullable=False),  # unique within a milestone (findings are deduplicated)
    Column("status", String(16), nullable=False),
    Column("risk", String(16), nullable=False),
    Column("pillar", String(32), nullable=False),
    Column("check_id", String(128), nullable=False),
    Column("account", String(32), nullable=False),
    Column("region", String(32), nullable=False),
    Column("resource_type", String(128), nullable=False),
    Column("resource_id", Text, nullable=False),
    Column("resource_name", Text, nullable=False),
    Column("environment", String(16), nullable=False),
    Column("best_practices", Text, nullable=False),  # space-separated BP ids
    Column("project", String(4)),  # letter of the review's project that owns a failed finding
    Column("first_seen", String(20)),  # ISO time it first failed, carried while it stays open
    Column("evidence", Text),  # failed findings only
)

assessments = Table(
    "wafr_assessments", metadata,
    Column("milestone_id", Integer, ForeignKey("wafr_milestones.id", ondelete="CASCADE"), primary_key=True),
    Column("best_practice", String(32), primary_key=True),
    Column("status", String(16), nullable=False),  # met | not met | partly | not assessed | not applicable
    Column("risk", String(8), nullable=False),
    Column("answer", String(16), nullable=False),  # the team's answer, "" without an answers file
)

# The columns a FindingRow is made of, in order (the diff reads rows straight into it).
FINDING_COLUMNS = ("finding_id", "status", "risk", "pillar", "check_id", "account", "region", "resource_type",
                   "resource_id", "resource_name", "environment", "best_practices", "project", "first_seen",
                   "evidence")
