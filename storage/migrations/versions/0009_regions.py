"""Regions of articles and events (issue 26).

Revision ID: 0009_regions
Revises: 0008_source_checks

`regions` holds Indonesia's official regions down to the kecamatan (filled from the gazetteer
when articles are first placed, crawler.clustering.regions); `articles.region_*` the place of
the happening each article reports, `events.region_*` the one its articles agree on. Existing
articles are placed by `warta backfill regions`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_regions"
down_revision = "0008_source_checks"
branch_labels = None
depends_on = None

_COLUMNS = {
    "articles": (
        ("region_code", sa.String(13)),
        ("region_country", sa.String(2)),
        ("region_confidence", sa.Float()),
        ("region_evidence", sa.JSON()),
    ),
    "events": (("region_code", sa.String(13)), ("region_country", sa.String(2))),
}


def upgrade() -> None:
    op.create_table(
        "regions",
        sa.Column("code", sa.String(13), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("level", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("province_code", sa.String(2), nullable=False),
        sa.Column("regency_code", sa.String(5), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_regions")),
    )
    op.create_index("ix_regions_province_code", "regions", ["province_code"])
    op.create_index("ix_regions_regency_code", "regions", ["regency_code"])
    for table, columns in _COLUMNS.items():
        for name, type_ in columns:
            op.add_column(table, sa.Column(name, type_, nullable=True))
        op.create_index(f"ix_{table}_region_code", table, ["region_code"])


def downgrade() -> None:
    # plain DROP COLUMN (SQLite >= 3.35): a batch copy would drop the search triggers of 0002
    for table, columns in _COLUMNS.items():
        op.drop_index(f"ix_{table}_region_code", table_name=table)
        for name, _ in reversed(columns):
            op.drop_column(table, name)
    op.drop_index("ix_regions_regency_code", table_name="regions")
    op.drop_index("ix_regions_province_code", table_name="regions")
    op.drop_table("regions")
