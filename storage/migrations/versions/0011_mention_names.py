"""Names as Indonesian news writes them (issue 23): placeholder in the chain, filled by the work that needs it.

Revision ID: 0011_mention_names
Revises: 0010_mention_features
"""

from __future__ import annotations

revision = "0011_mention_names"
down_revision = "0010_mention_features"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing yet."""


def downgrade() -> None:
    """Nothing yet."""
