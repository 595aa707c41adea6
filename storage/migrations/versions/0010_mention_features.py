"""Clustering features from mentions (issue 22/23): placeholder in the chain, filled by the work that needs it.

Revision ID: 0010_mention_features
Revises: 0009_regions
"""

from __future__ import annotations

revision = "0010_mention_features"
down_revision = "0009_regions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing yet."""


def downgrade() -> None:
    """Nothing yet."""
