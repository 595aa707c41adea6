"""Remember pages rejected for their language or for having no article text.

Revision ID: 0005_rejected_pages
Revises: 0004_warc_records

A page dropped by the language or extract stage was fetched again on every run (one request per
such page per run, for nothing). `rejected_pages` keeps its URL, the reason and when; the
incremental middleware skips those rejected within WARTA_REJECTED_RETRY_DAYS.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_rejected_pages"
down_revision = "0004_warc_records"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rejected_pages",
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("rejected_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("url", name=op.f("pk_rejected_pages")),
    )
    op.create_index(
        "ix_rejected_pages_source_rejected_at", "rejected_pages", ["source", "rejected_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_rejected_pages_source_rejected_at", table_name="rejected_pages")
    op.drop_table("rejected_pages")
