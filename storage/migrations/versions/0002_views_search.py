"""Researchers' views, full-text search over articles, and the indexes the queries need.

Revision ID: 0002_views_search
Revises: 0001_initial

The views (`event_summary`, `event_articles`, `article_summary`, `outlet_months`,
`republished`) make the common questions one line in sqlite3, psql, pandas, DuckDB or R; they
are documented in docs/RESEARCH.md. Search is SQLite FTS5 (an external-content table kept in
step by triggers) or a PostgreSQL tsvector column with a GIN index, both over title and text.

`create_views_and_search(connection)` and `drop_views_and_search(connection)` are the single
source of this DDL: the migration runs them, and a later migration that must rebuild `articles`
(SQLite batch mode drops triggers and breaks views) can call them around its work.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import Connection

revision = "0002_views_search"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

#: Articles' local calendar is Sultra's (WITA, UTC+8, no daylight saving); timestamps are stored
#: in UTC. These fragments are the only SQL that differs between SQLite and PostgreSQL here.
_DIALECT_SQL: dict[str, dict[str, str]] = {
    "sqlite": {
        "local_date": "date({0}, '+8 hours')",
        "local_month": "strftime('%Y-%m', {0}, '+8 hours')",
        "date_month": "strftime('%Y-%m', {0})",
        "join_strings": "group_concat({0}, ', ')",
        "json_list": "(SELECT group_concat(value, ', ') FROM json_each({0}))",
        "json_text": "{0}",
    },
    "postgresql": {
        "local_date": "CAST(({0} AT TIME ZONE 'UTC') + INTERVAL '8 hours' AS DATE)",
        "local_month": "to_char(({0} AT TIME ZONE 'UTC') + INTERVAL '8 hours', 'YYYY-MM')",
        "date_month": "to_char({0}, 'YYYY-MM')",
        "join_strings": "string_agg({0}, ', ' ORDER BY {0})",
        "json_list": "(SELECT string_agg(value, ', ') FROM json_array_elements_text({0}))",
        "json_text": "CAST({0} AS TEXT)",
    },
}

# Order matters: later views read earlier ones; drop in reverse.
_VIEWS: tuple[tuple[str, str], ...] = (
    (
        "article_summary",
        """
        SELECT a.id AS article_id, s.key AS outlet, s.name AS outlet_name,
               a.url, a.title, a.author, a.published_at,
               {local_date(a.published_at)} AS published_date,
               {local_month(a.published_at)} AS month,
               a.word_count, a.language, a.duplicate_of,
               CASE WHEN a.duplicate_of IS NULL THEN 0 ELSE 1 END AS is_duplicate,
               a.event_id, a.event_score, a.crawl_run_id, a.fetched_at
        FROM articles AS a JOIN sources AS s ON s.id = a.source_id
        """,
    ),
    (
        "event_articles",
        """
        SELECT e.id AS event_id, e.event_date, e.title AS event_title, e.place,
               a.id AS article_id, s.key AS outlet, s.name AS outlet_name, a.url,
               a.published_at, {local_date(a.published_at)} AS published_date,
               {local_month(a.published_at)} AS month, a.title,
               a.event_score, {json_text(a.event_reason)} AS event_reason, a.duplicate_of,
               CASE WHEN a.duplicate_of IS NULL THEN 0 ELSE 1 END AS is_duplicate
        FROM events AS e
        JOIN articles AS a ON a.event_id = e.id
        JOIN sources AS s ON s.id = a.source_id
        """,
    ),
    (
        "event_summary",
        """
        SELECT e.id AS event_id, e.event_date, {date_month(e.event_date)} AS month,
               e.title, e.place, e.outlet_count, e.article_count,
               (SELECT {join_strings(k.outlet)}
                  FROM (SELECT DISTINCT s.key AS outlet
                          FROM articles AS m JOIN sources AS s ON s.id = m.source_id
                         WHERE m.event_id = e.id
                         ORDER BY s.key) AS k) AS outlets,
               {json_list(e.top_terms)} AS top_terms,
               e.first_seen, e.last_seen, e.representative_article_id,
               r.url AS representative_url
        FROM events AS e LEFT JOIN articles AS r ON r.id = e.representative_article_id
        """,
    ),
    (
        "outlet_months",
        """
        SELECT outlet, month, COUNT(*) AS articles, SUM(is_duplicate) AS duplicates,
               COUNT(DISTINCT event_id) AS events
        FROM article_summary
        GROUP BY outlet, month
        """,
    ),
    (
        "republished",
        """
        SELECT copy_source.key AS outlet, original_source.key AS original_outlet,
               COUNT(*) AS articles
        FROM articles AS copy
        JOIN articles AS original ON original.id = copy.duplicate_of
        JOIN sources AS copy_source ON copy_source.id = copy.source_id
        JOIN sources AS original_source ON original_source.id = original.source_id
        GROUP BY copy_source.key, original_source.key
        """,
    ),
)

#: Indexes behind `warta events/articles/export` on large databases (see docs/RESEARCH.md).
_INDEXES: tuple[str, ...] = (
    # Which outlets covered an event, events of an outlet: both by (event, source) pairs.
    "CREATE INDEX ix_articles_event_source ON articles (event_id, source_id)",
    # "Events with N+ outlets" in date order.
    "CREATE INDEX ix_events_outlet_count_date ON events (outlet_count, event_date)",
)

_SEARCH: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # (create statements, drop statements)
    "sqlite": (
        (
            # content=[articles]: an external-content index (no second copy of the text), in the
            # spelling Datasette recognises, so its table view offers a search box.
            "CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content=[articles],"
            " content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
            """CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
                 INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
               END""",
            """CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
                 INSERT INTO articles_fts (articles_fts, rowid, title, text)
                 VALUES ('delete', old.id, old.title, old.text);
               END""",
            # Only title/text changes: clustering rewrites event columns all the time.
            """CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
                 INSERT INTO articles_fts (articles_fts, rowid, title, text)
                 VALUES ('delete', old.id, old.title, old.text);
                 INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
               END""",
            # Index the rows an existing database already holds.
            "INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')",
        ),
        (
            "DROP TRIGGER IF EXISTS articles_fts_update",
            "DROP TRIGGER IF EXISTS articles_fts_delete",
            "DROP TRIGGER IF EXISTS articles_fts_insert",
            "DROP TABLE IF EXISTS articles_fts",
        ),
    ),
    "postgresql": (
        (
            # 'simple': no stemming, which suits Indonesian (PostgreSQL has no Indonesian
            # stemmer) and matches SQLite's unicode61 tokenizer closely.
            "ALTER TABLE articles ADD COLUMN search_document tsvector GENERATED ALWAYS AS"
            " (to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(text, ''))) STORED",
            "CREATE INDEX ix_articles_search_document ON articles USING gin (search_document)",
        ),
        (
            "DROP INDEX IF EXISTS ix_articles_search_document",
            "ALTER TABLE articles DROP COLUMN IF EXISTS search_document",
        ),
    ),
}


def view_sql(name: str, dialect: str) -> str:
    """The SELECT behind view `name` in `dialect`'s SQL (docs and tests print it)."""
    fragments = _dialect(dialect)
    body = dict(_VIEWS)[name]
    for key, template in fragments.items():
        body = _expand(body, key, template)
    return " ".join(body.split())


def create_views_and_search(connection: Connection) -> None:
    """Create the views, the full-text index and the query indexes on `connection`."""
    dialect = connection.dialect.name
    statements, _ = _SEARCH[_check(dialect)]
    for statement in statements:
        connection.exec_driver_sql(statement)
    for statement in _INDEXES:
        connection.exec_driver_sql(statement)
    for name, _body in _VIEWS:
        connection.exec_driver_sql(f"CREATE VIEW {name} AS {view_sql(name, dialect)}")


def drop_views_and_search(connection: Connection) -> None:
    """Undo `create_views_and_search`; table rows are untouched."""
    dialect = connection.dialect.name
    for name, _body in reversed(_VIEWS):
        connection.exec_driver_sql(f"DROP VIEW IF EXISTS {name}")
    for statement in _INDEXES:
        index = statement.split()[2]
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS {index}")
    _, statements = _SEARCH[_check(dialect)]
    for statement in statements:
        connection.exec_driver_sql(statement)


def upgrade() -> None:
    create_views_and_search(op.get_bind())


def downgrade() -> None:
    drop_views_and_search(op.get_bind())


def _check(dialect: str) -> str:
    if dialect not in _DIALECT_SQL:
        raise ValueError(f"Warta's views exist for SQLite and PostgreSQL, not {dialect}")
    return dialect


def _dialect(dialect: str) -> dict[str, str]:
    return _DIALECT_SQL[_check(dialect)]


def _expand(body: str, key: str, template: str) -> str:
    """Replace every `{key(arg)}` in `body` by `template` applied to arg."""
    marker = "{" + key + "("
    while marker in body:
        start = body.index(marker)
        end = body.index(")}", start)
        argument = body[start + len(marker) : end]
        body = body[:start] + template.format(argument) + body[end + 2 :]
    return body
