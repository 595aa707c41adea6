"""Live checks of outlets (issue 24): placeholder in the chain, filled by the work that needs it.

Revision ID: 0008_source_checks
Revises: 0007_stories
"""

from __future__ import annotations

revision = "0008_source_checks"
down_revision = "0007_stories"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing yet."""


def downgrade() -> None:
    """Nothing yet."""
