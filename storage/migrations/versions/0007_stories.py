"""Stories above events (issue 22): the `stories` table and `events.story_id`.

Revision ID: 0007_stories
Revises: 0006_actors

A story is one specific ongoing case over days (dedupe.stories); every event points to one.
Existing databases get their stories at the next clustering run that touches their events, or
all at once with `warta recluster`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_stories"
down_revision = "0006_actors"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=True),
        sa.Column("last_day", sa.Date(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("articles", sa.Integer(), nullable=False),
        sa.Column("outlets", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stories")),
    )
    op.create_index(op.f("ix_stories_first_day"), "stories", ["first_day"])
    # a plain ADD COLUMN, its foreign key inline on SQLite: a batch copy of `events` would
    # break the views and triggers over it (0002)
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE events ADD COLUMN story_id INTEGER CONSTRAINT "
            "fk_events_story_id_stories REFERENCES stories (id)"
        )
    else:
        op.add_column("events", sa.Column("story_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_events_story_id_stories"),
            "events",
            "stories",
            ["story_id"],
            ["id"],
        )
    op.create_index(op.f("ix_events_story_id"), "events", ["story_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_events_story_id"), table_name="events")
    if op.get_bind().dialect.name != "sqlite":  # SQLite drops an inline key with its column
        op.drop_constraint(op.f("fk_events_story_id_stories"), "events", type_="foreignkey")
    op.drop_column("events", "story_id")
    op.drop_index(op.f("ix_stories_first_day"), table_name="stories")
    op.drop_table("stories")
