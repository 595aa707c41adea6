"""Stories above events (issue 22): placeholder in the chain, filled by the work that needs it.

Revision ID: 0007_stories
Revises: 0006_actors
"""

from __future__ import annotations

revision = "0007_stories"
down_revision = "0006_actors"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing yet."""


def downgrade() -> None:
    """Nothing yet."""
