"""Bulk loading for the benchmarks' databases (bench/scaling.py, bench/recluster.py): rows
inserted (SQLite) or COPYed (PostgreSQL) with the secondary indexes and search triggers
suspended, and rebuilt once the rows are in."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import JSON, Connection, insert

from storage.models import Base


def insert_rows(connection: Connection, table: str, rows: list[dict[str, Any]]) -> None:
    connection.execute(insert(Base.metadata.tables[table]), rows)


def copy_rows(connection: Connection, table: str, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL COPY of `rows` (JSON columns serialised here, as COPY takes text)."""
    names = list(rows[0])
    json_columns = {c.name for c in Base.metadata.tables[table].columns if isinstance(c.type, JSON)}
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(
                [
                    json.dumps(row[name]) if name in json_columns else row[name]
                    for name in names
                ]
            )


@contextmanager
def indexes_suspended(connection: Connection) -> Iterator[None]:
    """Drop the secondary indexes (and SQLite's search triggers) of the bulk-loaded tables;
    recreate them, and rebuild external-content FTS5 tables, once the rows are in.

    Reads the definitions from the database, so it follows whatever the head migration made.
    """
    tables = ("articles", "article_urls", "article_search")
    if connection.dialect.name == "sqlite":
        saved = connection.exec_driver_sql(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')"
            " AND sql IS NOT NULL AND tbl_name IN (?, ?, ?)",
            tables,
        ).all()
        for kind, name, _sql in saved:
            connection.exec_driver_sql(f"DROP {kind.upper()} {name}")
        yield
        for _kind, _name, sql in saved:
            connection.exec_driver_sql(sql)
        for (fts,) in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND sql LIKE '%USING fts5%content=%'"
        ):
            connection.exec_driver_sql(f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')")
        return
    saved = connection.exec_driver_sql(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
        " AND tablename = ANY(%(tables)s)"
        " AND indexname NOT IN (SELECT conname FROM pg_constraint)",
        {"tables": list(tables)},
    ).all()
    for name, _sql in saved:
        connection.exec_driver_sql(f"DROP INDEX {name}")
    yield
    connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '1GB'")
    for _name, sql in saved:
        connection.exec_driver_sql(sql)
