"""Alembic migrations of Warta's schema, configured in code (storage.migrate)."""
