"""Milestones, their findings and best-practice assessments.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wafr_milestones",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("generated_at", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("scope", sa.String(32), nullable=False, index=True),
        sa.Column("accounts", sa.JSON, nullable=False),
        sa.Column("regions", sa.JSON, nullable=False),
        sa.Column("framework_edition", sa.String(64), nullable=False),
        sa.Column("wafr_version", sa.String(32), nullable=False),
        sa.Column("counts", sa.JSON, nullable=False),
        sa.Column("coverage", sa.JSON, nullable=False),
        sa.Column("projects", sa.JSON, nullable=False),
        sa.Column("questionnaire", sa.JSON),
        sa.Column("metric_evidence", sa.JSON),
    )
    op.create_table(
        "wafr_findings",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("milestone_id", sa.Integer, sa.ForeignKey("wafr_milestones.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("finding_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("risk", sa.String(16), nullable=False),
        sa.Column("pillar", sa.String(32), nullable=False),
        sa.Column("check_id", sa.String(128), nullable=False),
        sa.Column("account", sa.String(32), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("resource_type", sa.String(128), nullable=False),
        sa.Column("resource_id", sa.Text, nullable=False),
        sa.Column("resource_name", sa.Text, nullable=False),
        sa.Column("environment", sa.String(16), nullable=False),
        sa.Column("best_practices", sa.Text, nullable=False),
        sa.Column("project", sa.String(4)),
        sa.Column("first_seen", sa.String(20)),
        sa.Column("evidence", sa.Text),
    )
    op.create_table(
        "wafr_assessments",
        sa.Column("milestone_id", sa.Integer, sa.ForeignKey("wafr_milestones.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("best_practice", sa.String(32), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("risk", sa.String(8), nullable=False),
        sa.Column("answer", sa.String(16), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("wafr_assessments")
    op.drop_table("wafr_findings")
    op.drop_table("wafr_milestones")
