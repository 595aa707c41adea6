"""Alembic, configured in code: `upgrade`, `downgrade` and `current` on an engine.

No alembic.ini: the script location is the `storage/migrations` package, found next to this
module, and the connection is the caller's engine, so the same calls serve SQLite files and
PostgreSQL, the CLI (`warta db ...`), the store pipeline and tests.
"""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError

from storage.database import DatabaseUnavailable, one_line

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    """An Alembic Config pointing at our migrations; env.py takes the connection from attributes."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head() -> str:
    """The newest revision shipped with this version of Warta."""
    revision = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if revision is None:  # pragma: no cover - the package always ships 0001_initial
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return revision


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision` in one transaction; existing rows are kept."""
    _run(engine, "upgrade", revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to `revision` ("base" drops every Warta table)."""
    _run(engine, "downgrade", revision)


def current(engine: Engine) -> str | None:
    """The revision the database is at; None for a database Alembic has never touched."""
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except OperationalError as error:
        raise DatabaseUnavailable(one_line(error)) from error


class MigrationError(RuntimeError):
    """Alembic refused, e.g. the database is at a revision this version of Warta does not know."""


#: Alembic's `context` and `op` are module-level proxies: one migration per process at a time.
_ALEMBIC_IN_USE = threading.Lock()
#: pg_advisory_xact_lock key that serialises migrations across processes ("WARTA" in ASCII).
MIGRATION_LOCK_KEY = 0x5741525441


def _run(engine: Engine, action: str, revision: str) -> None:
    config = alembic_config()
    check_revision(revision, config)
    if action == "upgrade" and revision in {"head", "heads"} and current(engine) == head():
        return  # the common case (every crawl start): no lock, no write
    try:
        # engine.begin(): PostgreSQL runs the whole upgrade as one transaction (DDL included),
        # so a failed migration leaves the previous schema and its data untouched.
        with _ALEMBIC_IN_USE, engine.begin() as connection:
            _lock_schema(connection)
            config.attributes["connection"] = connection
            getattr(command, action)(config, revision)
    except OperationalError as error:
        raise DatabaseUnavailable(one_line(error)) from error
    except CommandError as error:
        raise MigrationError(str(error)) from error


def _lock_schema(connection: Connection) -> None:
    """Crawl processes starting together must not both create the tables: one waits.

    Alembic reads the current revision after the lock is held, so the waiting process finds the
    schema already upgraded and does nothing.
    """
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
    elif connection.dialect.name == "sqlite":
        # pysqlite has not begun a transaction yet; take SQLite's write lock now (busy_timeout
        # makes a second process wait for it) instead of at the first DDL statement.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def check_revision(revision: str, config: Config | None = None) -> None:
    """An unknown revision is a caller's mistake (ValueError), not a database failure; checked
    before the database is touched (a new SQLite file is not left behind)."""
    config = config or alembic_config()
    if revision in {"head", "heads", "base"} or revision[:1] in {"+", "-"} or "@" in revision:
        return  # symbolic and relative targets are resolved by Alembic itself
    try:
        ScriptDirectory.from_config(config).get_revision(revision)
    except CommandError as error:
        raise ValueError(f"unknown revision {revision!r}: {error}") from error
