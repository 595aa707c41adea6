"""The real Alembic migrations on real SQLite files and a real PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, insert, inspect, select, update
from sqlalchemy.orm import Session

from storage import queries
from storage.articles import get_or_create_source, upsert_article
from storage.database import make_engine, session_scope
from storage.migrate import (
    MIGRATIONS_DIR,
    MigrationError,
    alembic_config,
    current,
    downgrade,
    head,
    upgrade,
)
from storage.models import Article, ArticleUrl, Base, Event, Source
from tests.conftest import run_processes_together


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An engine on an empty database, SQLite file or throw-away PostgreSQL database."""
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")
    engine = make_engine(url)
    yield engine
    engine.dispose()


def _differences(engine: Engine, *, database_only_too: bool) -> list[Any]:
    """Autogenerate's diff between the database and the models."""

    def include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        # Objects only the database has (full-text tables, generated search columns, indexes
        # made in raw SQL by 0002_views_search) live outside the models on purpose.
        return database_only_too or not (reflected and compare_to is None)

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": include, "compare_type": True}
        )
        return compare_metadata(context, Base.metadata)


def test_migrations_form_one_line_from_the_initial_revision() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    assert scripts.get_heads() == [head()]
    assert scripts.get_base() == "0001_initial"
    assert (MIGRATIONS_DIR / "script.py.mako").is_file()  # `alembic revision` works for devs


def test_head_matches_the_models(engine: Engine) -> None:
    assert current(engine) is None
    upgrade(engine)
    assert current(engine) == head()
    assert _differences(engine, database_only_too=False) == []


def test_initial_revision_is_the_models_plus_the_indexes_0003_drops(engine: Engine) -> None:
    """0001_initial creates the models' schema and nothing else but two single-column indexes
    that later indexes lead with, minus the columns and tables later revisions add (revisit when
    models change)."""
    upgrade(engine, "0001_initial")
    assert current(engine) == "0001_initial"
    actors = {"actors", "actor_mentions"}  # 0006_actors: checked by test_head_matches_the_models
    actors |= {"source_checks"}  # 0008_source_checks, likewise
    differences = [
        (kind, item)
        for kind, *_, item in _differences(engine, database_only_too=True)
        if getattr(item, "name", None) not in actors
        and getattr(getattr(item, "table", None), "name", None) not in actors
        and not _of_0009_regions(item)
    ]
    assert sorted((kind, item.name) for kind, item in differences) == [
        ("add_column", "warc_file"),
        ("add_column", "warc_offset"),
        ("add_column", "warc_record_id"),
        ("add_index", "ix_rejected_pages_source_rejected_at"),
        ("add_table", "rejected_pages"),
        ("remove_index", "ix_articles_event_id"),
        ("remove_index", "ix_articles_source_id"),
    ]


def test_downgrade_to_base_and_back(engine: Engine) -> None:
    upgrade(engine)
    downgrade(engine, "base")
    assert current(engine) is None
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    upgrade(engine)
    assert current(engine) == head()
    assert {"sources", "articles", "article_urls", "events", "crawl_runs"} <= set(
        inspect(engine).get_table_names()
    )


def test_upgrade_keeps_existing_rows(engine: Engine) -> None:
    upgrade(engine, "0001_initial")
    with session_scope(engine) as session:
        _store_article(session)
    upgrade(engine)
    upgrade(engine)  # at head already: nothing to do, nothing lost
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Source)) == 1
        article = session.scalars(select(Article)).one()
        assert (article.title, article.signature, article.features) == (
            "Banjir di Kendari",
            b"\x00\x01",
            {"places": ["Kendari"]},
        )
        assert session.scalar(select(func.count()).select_from(ArticleUrl)) == 2


def _store_article(session: Session) -> None:
    """One article of telisik, met under two URLs."""
    source = get_or_create_source(session, "telisik", "Telisik", "https://telisik.example")
    upsert_article(
        session,
        source=source,
        url="https://telisik.example/a?utm_source=fb",
        canonical_url="https://telisik.example/a",
        html_sha256="a" * 64,
        title="Banjir di Kendari",
        author=None,
        editor=None,
        published_at=datetime(2024, 7, 9, 2, tzinfo=UTC),
        fetched_at=datetime(2024, 7, 9, 3, tzinfo=UTC),
        language="id",
        language_probability=0.99,
        text="Banjir merendam Kendari.",
        signature=b"\x00\x01",
        features={"places": ["Kendari"]},
        crawl_run_id=None,
    )


def test_event_search_revision_backfills_a_filled_database(engine: Engine) -> None:
    """0003 on a database that already holds clustered articles: its events are found by
    search at once, the redundant indexes are gone, and downgrading restores them."""
    upgrade(engine, "0002_views_search")
    with session_scope(engine) as session:
        _store_article(session)
        # Core statements: the ORM would write and read columns of later revisions
        # (0004's warc_*, 0009's region_*)
        inserted = session.execute(
            insert(Event).values(title="Banjir Kendari", event_date=date(2024, 7, 9))
        )
        event_id = inserted.inserted_primary_key[0]
        session.execute(update(Article).values(event_id=event_id))
    upgrade(engine)
    assert {"ix_articles_event_id", "ix_articles_source_id"}.isdisjoint(_article_indexes(engine))
    with Session(engine) as session:
        found = queries.events(session, queries.EventFilter(query="merendam"), limit=10)
        assert [row.id for row in found] == [event_id]
        assert queries.count_events(session, queries.EventFilter(query="merendam")) == 1
    downgrade(engine, "0002_views_search")
    assert {"ix_articles_event_id", "ix_articles_source_id"} <= _article_indexes(engine)
    with engine.connect() as connection:  # 0002's own search is back
        assert connection.exec_driver_sql(_SEARCH_0002[engine.dialect.name]).scalar() == 1


#: How revision 0002 searches, in each dialect.
_SEARCH_0002 = {
    "sqlite": "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'merendam'",
    "postgresql": "SELECT count(*) FROM articles"
    " WHERE search_document @@ to_tsquery('simple', 'merendam')",
}


def _article_indexes(engine: Engine) -> set[str]:
    return {str(index["name"]) for index in inspect(engine).get_indexes("articles")}


def test_unknown_revision_is_a_value_error(engine: Engine) -> None:
    with pytest.raises(ValueError, match="unknown revision"):
        upgrade(engine, "9999_nonexistent")


def _upgrade_in_process(url: str, start: Any) -> None:
    engine = make_engine(url)
    start.wait()
    upgrade(engine)
    engine.dispose()


def test_processes_starting_together_upgrade_once(engine: Engine) -> None:
    """Crawl processes opening an empty database at once: one migrates, the others wait."""
    url = engine.url.render_as_string(hide_password=False)
    assert run_processes_together(_upgrade_in_process, url) == [0, 0]
    assert current(engine) == head()
    assert _differences(engine, database_only_too=False) == []


def test_a_database_from_a_newer_warta_is_a_migration_error(engine: Engine) -> None:
    upgrade(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_future'")
    with pytest.raises(MigrationError, match="9999_future"):
        upgrade(engine, "0001_initial")


def _of_0009_regions(item: object) -> bool:
    """The table, columns and indexes of 0009_regions (test_head_matches_the_models checks them)."""
    name = str(getattr(item, "name", ""))
    return (
        name == "regions"
        or name.startswith("region_")
        or name.endswith("_region_code")
        or (getattr(getattr(item, "table", None), "name", None) == "regions")
    )
