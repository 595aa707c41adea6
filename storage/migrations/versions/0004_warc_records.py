"""Each article points at its fetched page in the WARC archive.

Revision ID: 0004_warc_records
Revises: 0003_event_search

Three nullable columns on `articles`: the WARC file (its name inside WARTA_WARC_DIR, so the
archive directory can move), the offset of the response record, and its WARC-Record-ID (to
tell a replaced file from the original). NULL for articles stored without archiving.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_warc_records"
down_revision = "0003_event_search"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("warc_file", sa.String(300)),
    ("warc_offset", sa.BigInteger()),
    ("warc_record_id", sa.String(100)),
)


def upgrade() -> None:
    for name, type_ in _COLUMNS:
        op.add_column("articles", sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    # plain DROP COLUMN (SQLite >= 3.35): a batch copy of the table would drop the search
    # triggers of 0002
    for name, _ in reversed(_COLUMNS):
        op.drop_column("articles", name)
