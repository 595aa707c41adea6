"""Full-text search that finds events without reading every matching article's row.

Revision ID: 0003_event_search
Revises: 0002_views_search

`warta events --query` needs the event of every matching article. Read from `articles`, that is
one wide row (text, signature, features: ~4 KB) per match — on a broad query most of the table.
This revision keeps an article → event map next to the search index, narrow enough to stay in
memory, and maintained by the database, not by the clustering stage:

- SQLite: a covering index `articles (id, event_id)`; the FTS5 table and its triggers stay as
  0002 made them (an FTS5 row cannot change one column without re-indexing the text, and
  clustering rewrites `event_id` of every article at least once).
- PostgreSQL: `article_search (article_id, event_id, document)` replaces the generated
  `articles.search_document` column; triggers on `articles` fill it, re-index the document
  when title or text change and copy `event_id` alone when clustering moves the article (the
  TOASTed document is not rewritten then).

The same holds for `--source`: the events of an outlet are read from a new index
`articles (source_id, event_id)` instead of one article row per article of the outlet.

It also drops `ix_articles_event_id` and `ix_articles_source_id`: both are leading prefixes of
`ix_articles_event_source` and `ix_articles_source_event`, which serve the same look-ups.
"""

from __future__ import annotations

from alembic import op

revision = "0003_event_search"
down_revision = "0002_views_search"
branch_labels = None
depends_on = None

#: Indexes whose leading column another index already leads with: (name, column).
_REDUNDANT_INDEXES = (("ix_articles_event_id", "event_id"), ("ix_articles_source_id", "source_id"))

_POSTGRES_DOCUMENT = (
    "to_tsvector('simple', coalesce({0}.title, '') || ' ' || coalesce({0}.text, ''))"
)

_UPGRADE: dict[str, tuple[str, ...]] = {
    "sqlite": ("CREATE INDEX ix_articles_id_event_id ON articles (id, event_id)",),
    "postgresql": (
        # event_id is a copy kept by the trigger; articles.event_id's key already guards it.
        """CREATE TABLE article_search (
             article_id integer PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
             event_id integer,
             document tsvector NOT NULL)""",
        # 0002's generated column holds the very same tsvector: copied, not recomputed.
        """INSERT INTO article_search (article_id, event_id, document)
           SELECT id, event_id, search_document FROM articles""",
        "CREATE INDEX ix_article_search_document ON article_search USING gin (document)",
        "CREATE INDEX ix_article_search_event_id ON article_search (event_id)",
        f"""CREATE FUNCTION article_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'INSERT' THEN
                INSERT INTO article_search (article_id, event_id, document)
                VALUES (NEW.id, NEW.event_id, {_POSTGRES_DOCUMENT.format("NEW")});
              ELSIF NEW.title IS DISTINCT FROM OLD.title OR NEW.text IS DISTINCT FROM OLD.text THEN
                UPDATE article_search
                   SET event_id = NEW.event_id, document = {_POSTGRES_DOCUMENT.format("NEW")}
                 WHERE article_id = NEW.id;
              ELSIF NEW.event_id IS DISTINCT FROM OLD.event_id THEN
                UPDATE article_search SET event_id = NEW.event_id WHERE article_id = NEW.id;
              END IF;
              RETURN NULL;
            END $$""",
        """CREATE TRIGGER article_search_insert AFTER INSERT ON articles
           FOR EACH ROW EXECUTE FUNCTION article_search_sync()""",
        """CREATE TRIGGER article_search_update AFTER UPDATE OF title, text, event_id ON articles
           FOR EACH ROW EXECUTE FUNCTION article_search_sync()""",
        "DROP INDEX ix_articles_search_document",
        "ALTER TABLE articles DROP COLUMN search_document",
    ),
}

_DOWNGRADE: dict[str, tuple[str, ...]] = {
    "sqlite": ("DROP INDEX ix_articles_id_event_id",),
    "postgresql": (
        "ALTER TABLE articles ADD COLUMN search_document tsvector GENERATED ALWAYS AS"
        " (to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(text, ''))) STORED",
        "CREATE INDEX ix_articles_search_document ON articles USING gin (search_document)",
        "DROP TRIGGER article_search_update ON articles",
        "DROP TRIGGER article_search_insert ON articles",
        "DROP FUNCTION article_search_sync()",
        "DROP TABLE article_search",
    ),
}


def upgrade() -> None:
    bind = op.get_bind()
    for statement in _UPGRADE[bind.dialect.name]:
        bind.exec_driver_sql(statement)
    op.create_index("ix_articles_source_event", "articles", ["source_id", "event_id"])
    for name, _column in _REDUNDANT_INDEXES:
        op.drop_index(name, table_name="articles")


def downgrade() -> None:
    bind = op.get_bind()
    for name, column in _REDUNDANT_INDEXES:
        op.create_index(name, "articles", [column])
    op.drop_index("ix_articles_source_event", table_name="articles")
    for statement in _DOWNGRADE[bind.dialect.name]:
        bind.exec_driver_sql(statement)
