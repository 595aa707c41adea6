"""Who was there: actors, their mentions per article, and the `event_actors` view.

Revision ID: 0006_actors
Revises: 0005_rejected_pages

`actors` holds one row per spelling of a person or body (its key is unique); spellings that
are one person point to the canonical actor (`canonical_id`) with the reason in words.
`actor_mentions` holds every mention (article, actor, the words as written, the office and
rank as written, the character offset). `event_actors` answers "who was at this event":
event, canonical actor, kind, name, an office as written, and how many outlets named them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_actors"
down_revision = "0005_rejected_pages"
branch_labels = None
depends_on = None

#: The canonical actor of a mention's actor: itself, or the one its spelling joins.
EVENT_ACTORS = """
CREATE VIEW event_actors AS
SELECT articles.event_id AS event_id,
       COALESCE(actors.canonical_id, actors.id) AS actor_id,
       MIN(canonical.kind) AS kind,
       MIN(canonical.name) AS name,
       MAX(actor_mentions.office) AS office,
       COUNT(DISTINCT articles.source_id) AS outlets,
       COUNT(DISTINCT articles.id) AS articles
  FROM actor_mentions
  JOIN articles ON articles.id = actor_mentions.article_id
  JOIN actors ON actors.id = actor_mentions.actor_id
  JOIN actors AS canonical ON canonical.id = COALESCE(actors.canonical_id, actors.id)
 WHERE articles.event_id IS NOT NULL
 GROUP BY articles.event_id, COALESCE(actors.canonical_id, actors.id)
"""


def upgrade() -> None:
    op.create_table(
        "actors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("canonical_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["canonical_id"],
            ["actors.id"],
            name=op.f("fk_actors_canonical_id_actors"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actors")),
        sa.UniqueConstraint("key", name=op.f("uq_actors_key")),
    )
    op.create_index(op.f("ix_actors_canonical_id"), "actors", ["canonical_id"])
    op.create_table(
        "actor_mentions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("surface", sa.String(length=500), nullable=False),
        sa.Column("office", sa.String(length=500), nullable=True),
        sa.Column("rank", sa.String(length=100), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_actor_mentions_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_actor_mentions_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actor_mentions")),
    )
    op.create_index(op.f("ix_actor_mentions_article_id"), "actor_mentions", ["article_id"])
    op.create_index("ix_actor_mentions_actor_article", "actor_mentions", ["actor_id", "article_id"])
    op.execute(EVENT_ACTORS)


def downgrade() -> None:
    op.execute("DROP VIEW event_actors")
    op.drop_index("ix_actor_mentions_actor_article", table_name="actor_mentions")
    op.drop_index(op.f("ix_actor_mentions_article_id"), table_name="actor_mentions")
    op.drop_table("actor_mentions")
    op.drop_index(op.f("ix_actors_canonical_id"), table_name="actors")
    op.drop_table("actors")
