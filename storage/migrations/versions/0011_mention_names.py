"""Names as Indonesian news writes them (issue 23): a mention's titles and canonical office.

Revision ID: 0011_mention_names
Revises: 0009_regions

`actor_mentions.titles` keeps the degrees and honorifics written around a name ("Drs, M.Si"),
apart from the name; `actor_mentions.office_canonical` is the office as one office ("Kapolda /
Polda Sultra" for "Kepala Polda Sulawesi Tenggara"), so spellings of one office group. Both are
NULL for mentions stored before: `warta backfill actors` fills them. The `event_actors` view
gains `office_canonical` and `titles`; it is dropped around the change (SQLite rebuilds the
table, which a view over it would block).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_mention_names"
down_revision = "0009_regions"
branch_labels = None
depends_on = None

_VIEW = """
CREATE VIEW event_actors AS
SELECT articles.event_id AS event_id,
       COALESCE(actors.canonical_id, actors.id) AS actor_id,
       MIN(canonical.kind) AS kind,
       MIN(canonical.name) AS name,
       MAX(actor_mentions.office) AS office,{extra}
       COUNT(DISTINCT articles.source_id) AS outlets,
       COUNT(DISTINCT articles.id) AS articles
  FROM actor_mentions
  JOIN articles ON articles.id = actor_mentions.article_id
  JOIN actors ON actors.id = actor_mentions.actor_id
  JOIN actors AS canonical ON canonical.id = COALESCE(actors.canonical_id, actors.id)
 WHERE articles.event_id IS NOT NULL
 GROUP BY articles.event_id, COALESCE(actors.canonical_id, actors.id)
"""
_NEW_COLUMNS = """
       MAX(actor_mentions.office_canonical) AS office_canonical,
       MAX(actor_mentions.titles) AS titles,"""


def upgrade() -> None:
    op.execute("DROP VIEW event_actors")
    with op.batch_alter_table("actor_mentions") as batch:
        batch.add_column(sa.Column("titles", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("office_canonical", sa.String(length=200), nullable=True))
        batch.create_index(
            batch.f("ix_actor_mentions_office_canonical"), ["office_canonical"], unique=False
        )
    op.execute(_VIEW.format(extra=_NEW_COLUMNS))


def downgrade() -> None:
    op.execute("DROP VIEW event_actors")
    with op.batch_alter_table("actor_mentions") as batch:
        batch.drop_index(batch.f("ix_actor_mentions_office_canonical"))
        batch.drop_column("office_canonical")
        batch.drop_column("titles")
    op.execute(_VIEW.format(extra=""))
