"""Alembic environment: runs on the connection storage.migrate hands over.

Run by Alembic, not imported by Warta. Without a handed-over connection (a developer running the
`alembic` command with `-x url=...` or `sqlalchemy.url`) it opens its own engine.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from storage.database import make_engine
from storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise ValueError("no database: pass -x url=... or use storage.migrate")
    engine = make_engine(url)
    try:
        with engine.begin() as own_connection:
            run_on(own_connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise ValueError("offline (--sql) migrations are not supported; use storage.migrate")
run_online()
