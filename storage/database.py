"""Engines and the session scope: one transaction per unit of work, one error for a dead database.

Also the one place where SQLite and PostgreSQL differ for writers: `insert_for` hands out the
dialect's INSERT, the only construct with ON CONFLICT, so every race-safe write shares one code
path on both databases.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or opened; the crawl stops instead of losing items."""


def make_engine(url: str, *, verify: bool = True) -> Engine:
    """An engine for any SQLAlchemy URL; SQLite gets foreign keys, WAL and a busy timeout.

    With `verify` (the default) one connection is opened at once, so an unreachable server or an
    unwritable SQLite path is reported here, as one line, instead of at the first write.
    """
    url = normalise_driver(url)
    try:
        # orjson decodes the stored features ~3x faster than json: a quarter of an incremental
        # clustering run at 1M articles was json.loads
        engine = create_engine(url, json_deserializer=orjson.loads)
    except (ArgumentError, NoSuchModuleError, ValueError) as error:
        raise DatabaseUnavailable(f"bad database URL {url!r}: {one_line(error)}") from error
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _configure_sqlite)
    if verify:
        try:
            with engine.connect():
                pass
        except DBAPIError as error:
            engine.dispose()
            raise DatabaseUnavailable(
                f"cannot open database {engine.url.render_as_string()}: {one_line(error)}"
            ) from error
    return engine


def normalise_driver(url: str) -> str:
    """Send bare postgresql:// (and postgres://) URLs to psycopg 3, the driver we ship."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL; None for other databases and for in-memory SQLite."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def one_line(error: BaseException) -> str:
    """The driver's message without SQLAlchemy's SQL echo and hint links, on one line."""
    original = getattr(error, "orig", None)
    text = str(original if original is not None else error)
    return re.sub(r"\s+", " ", text).strip()


def _configure_sqlite(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # Several writers (crawl processes, the clustering stage) wait for each other, not fail.
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    # with WAL, NORMAL is crash-safe (a power cut may lose the last commits, never corrupts);
    # FULL's fsync per commit cost 4 ms of every stored article (BENCHMARKS.md)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def insert_for(session: Session, entity: Any) -> Any:
    """The dialect's INSERT for `entity`, which offers `on_conflict_do_nothing(index_elements=)`.

    SQLite and PostgreSQL spell ON CONFLICT the same way in SQLAlchemy, but through two classes;
    this is the only place that picks one.
    """
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(entity)
    if name == "sqlite":
        return sqlite.insert(entity)
    raise ValueError(f"Warta stores into SQLite or PostgreSQL, not {name}")


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Commit when the block ends, roll back when it raises; the caller owns the unit of work."""
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    try:
        session = factory()
    except OperationalError as error:
        raise DatabaseUnavailable(one_line(error)) from error
    try:
        yield session
        session.commit()
    except OperationalError as error:
        session.rollback()
        raise DatabaseUnavailable(one_line(error)) from error
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
