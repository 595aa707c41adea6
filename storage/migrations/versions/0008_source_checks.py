"""Live checks of outlets (issue 24): one row per check, with its verdict and what it saw.

Revision ID: 0008_source_checks
Revises: 0007_stories
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_source_checks"
down_revision = "0007_stories"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("base_url", sa.String(500), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("suggested_base_url", sa.String(500), nullable=True),
        sa.Column("newest_article", sa.DateTime(timezone=True), nullable=True),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_checks")),
    )
    op.create_index("ix_source_checks_source_checked_at", "source_checks", ["source", "checked_at"])


def downgrade() -> None:
    op.drop_index("ix_source_checks_source_checked_at", table_name="source_checks")
    op.drop_table("source_checks")
