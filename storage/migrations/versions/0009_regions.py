"""Regions of articles and events (issue 26): placeholder in the chain, filled by the work that needs it.

Revision ID: 0009_regions
Revises: 0008_source_checks
"""

from __future__ import annotations

revision = "0009_regions"
down_revision = "0008_source_checks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing yet."""


def downgrade() -> None:
    """Nothing yet."""
