"""Storage core on real SQLite files and real PostgreSQL: upserts and races."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, event, select, update

from storage.articles import (
    ArticleRow,
    UpsertResult,
    article_id_for_url,
    get_or_create_source,
    upsert_article,
    upsert_articles,
)
from storage.database import DatabaseUnavailable, make_engine, session_scope
from storage.migrate import upgrade
from storage.models import Article, ArticleUrl, Source
from tests.conftest import run_processes_together, run_threads_together
from tests.storage_support import FETCHED, count, engine_of, migrated_database_url, page, store  # noqa: F401 (fixtures)


@contextmanager
def writes_recorded(engine: Engine) -> Iterator[list[str]]:
    """Every INSERT/UPDATE/DELETE the engine sends while the block runs."""
    writes: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            writes.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield writes
    finally:
        event.remove(engine, "before_cursor_execute", record)


# -- database --------------------------------------------------------------------------------


def test_unreachable_postgresql_is_one_line_database_unavailable() -> None:
    with pytest.raises(DatabaseUnavailable) as raised:
        make_engine("postgresql://postgres@127.0.0.1:1/warta")
    message = str(raised.value)
    assert "\n" not in message
    assert "127.0.0.1" in message and "refused" in message.lower()


def test_unwritable_sqlite_path_is_one_line_database_unavailable(tmp_path: Any) -> None:
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")
    with pytest.raises(DatabaseUnavailable) as raised:
        make_engine(f"sqlite:///{not_a_directory}/warta.db")
    assert "\n" not in str(raised.value)
    assert "unable to open database file" in str(raised.value)


def test_bad_url_is_database_unavailable() -> None:
    with pytest.raises(DatabaseUnavailable, match="bad database URL"):
        make_engine("nosuchdb://somewhere/x")


# -- sources ---------------------------------------------------------------------------------


def test_get_or_create_source_returns_one_row_per_key(engine: Engine) -> None:
    with session_scope(engine) as session:
        first = get_or_create_source(session, "telisik", "Telisik", "https://telisik.example")
    with session_scope(engine) as session:
        again = get_or_create_source(session, "telisik", "Renamed", "https://other.example")
        assert (again.id, again.name) == (first.id, "Telisik")
    assert count(engine, Source) == 1


# -- upserts ---------------------------------------------------------------------------------


def test_second_upsert_of_the_same_page_changes_nothing(engine: Engine) -> None:
    first = store(engine, **page())
    assert first.status == "new"
    counts = (count(engine, Article), count(engine, ArticleUrl))
    with session_scope(engine) as session:
        before = session.execute(select(Article.__table__)).one()._asdict()

    with writes_recorded(engine) as writes:
        again = store(engine, **page(fetched_at=datetime(2024, 8, 1, tzinfo=UTC)))

    assert again == UpsertResult(first.article_id, "unchanged")
    assert writes == []
    assert (count(engine, Article), count(engine, ArticleUrl)) == counts == (1, 3)
    with session_scope(engine) as session:
        assert session.execute(select(Article.__table__)).one()._asdict() == before


def test_changed_page_is_updated_and_sent_back_to_clustering(engine: Engine) -> None:
    first = store(engine, **page())
    with session_scope(engine) as session:
        session.execute(
            update(Article).values(clustered_at=datetime(2024, 7, 10, tzinfo=UTC), event_score=0.9)
        )
    corrected = "Banjir merendam sejumlah kelurahan di Kota Kendari, Selasa (9/7/2024) pagi."
    result = store(
        engine,
        **page(html_sha256="f" * 64, text=corrected, signature=b"\x09", features={"places": []}),
    )
    assert result == UpsertResult(first.article_id, "updated")
    with session_scope(engine) as session:
        article = session.get_one(Article, first.article_id)
        assert (article.text, article.signature, article.features) == (
            corrected,
            b"\x09",
            {"places": []},
        )
        assert article.word_count == len(corrected.split())
        assert article.clustered_at is None
        assert article.html_sha256 == "f" * 64
    assert count(engine, Article) == 1


def test_alias_urls_lead_to_the_same_article(engine: Engine) -> None:
    first = store(engine, **page())
    # Met again under its AMP URL, whose page names no canonical link, so the extractor
    # falls back to the AMP URL itself as the canonical one.
    amp = "https://telisik.example/amp/berita/1"
    assert store(engine, **page(url=amp, canonical_url=amp, other_urls=[])) == UpsertResult(
        first.article_id, "unchanged"
    )
    # A new variant linked through a known one is recorded as one more alias.
    mobile = "https://m.telisik.example/berita/1"
    again = store(
        engine,
        **page(url=mobile, canonical_url=mobile, other_urls=[page()["url"]]),
    )
    assert again == UpsertResult(first.article_id, "unchanged")
    assert count(engine, Article) == 1
    with session_scope(engine) as session:
        assert article_id_for_url(session, mobile) == first.article_id
        assert article_id_for_url(session, page()["url"]) == first.article_id
        assert article_id_for_url(session, "https://telisik.example/berita/2") is None


def _batch_pages() -> list[dict[str, Any]]:
    """A batch as a crawl meets it: new pages, one met again under its AMP URL (no canonical
    link), one corrected while still in the batch, and the stored page 1 in a new version."""
    amp = "https://telisik.example/amp/berita/2"
    return [
        page(2),
        page(3),
        page(2, url=amp, canonical_url=amp, other_urls=[]),
        page(3, html_sha256="e" * 64, text="Banjir surut di Kendari pada Rabu sore."),
        page(4),
        page(1, html_sha256="d" * 64, text="Banjir merendam Kendari, kata BPBD Sultra."),
    ]


def _stored_rows(engine: Engine) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    with session_scope(engine) as session:
        articles = session.execute(
            select(Article.id, Article.canonical_url, Article.url, Article.text).order_by(
                Article.id
            )
        ).all()
        urls = session.execute(
            select(ArticleUrl.url, ArticleUrl.article_id).order_by(ArticleUrl.url)
        ).all()
    return [tuple(row) for row in articles], [tuple(row) for row in urls]


def test_a_batch_stores_what_one_by_one_stores_in_a_few_statements(
    engine: Engine, tmp_path: Any
) -> None:
    one_by_one = make_engine(f"sqlite:///{tmp_path / 'one-by-one.db'}")
    upgrade(one_by_one)
    store(one_by_one, **page(1))
    expected = [store(one_by_one, **values) for values in _batch_pages()]

    store(engine, **page(1))
    with writes_recorded(engine) as writes, session_scope(engine) as session:
        source = get_or_create_source(session, "telisik", "Telisik", "https://telisik.example")
        rows = [ArticleRow(source_id=source.id, **values) for values in _batch_pages()]
        results = upsert_articles(session, rows)

    assert [r.status for r in results] == ["new", "new", "unchanged", "updated", "new", "updated"]
    assert results == expected
    assert _stored_rows(engine) == _stored_rows(one_by_one)
    # Two rounds (page 2 and 3 are met twice); per round one INSERT of articles and one of
    # URLs, plus one UPDATE per changed article: not five statements per page.
    inserts = [w for w in writes if w.lstrip().startswith("INSERT INTO articles ")]
    assert len(inserts) == 1
    assert sum(w.lstrip().startswith("UPDATE articles") for w in writes) == 2
    one_by_one.dispose()


def test_source_id_may_be_given_instead_of_source(engine: Engine) -> None:
    with session_scope(engine) as session:
        source = get_or_create_source(session, "telisik", "Telisik", "https://telisik.example")
        result = upsert_article(session, source_id=source.id, **page())
        assert result.status == "new"
        with pytest.raises(TypeError):
            upsert_article(session, **page(2))


def test_upsert_never_commits(engine: Engine) -> None:
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        source = get_or_create_source(session, "telisik", "Telisik", "https://telisik.example")
        upsert_article(session, source=source, **page())
        raise RuntimeError("the caller's transaction fails")
    assert count(engine, Article) == count(engine, Source) == 0


# -- races -----------------------------------------------------------------------------------


def _store_in_thread(engine: Engine, values: dict[str, Any], out: list[Any]) -> threading.Thread:
    def work() -> None:
        try:
            out.append(store(engine, **values))
        except Exception as error:  # surfaced by the assertions of the test
            out.append(error)

    thread = threading.Thread(target=work)
    thread.start()
    return thread


@pytest.mark.parametrize("same_html", [True, False])
def test_concurrent_insert_of_one_canonical_url_is_not_an_error(
    engine: Engine, same_html: bool
) -> None:
    """Writer B reads before writer A commits, so B's insert meets A's row: ON CONFLICT path."""
    store(engine, **page(99))  # the source exists; keeps B off the source insert
    values = page() if same_html else page(html_sha256="e" * 64, text="Teks yang diperbaiki.")
    outcome: list[Any] = []
    with writes_recorded(engine) as writes:
        with session_scope(engine) as session_a:
            source = get_or_create_source(
                session_a, "telisik", "Telisik", "https://telisik.example"
            )
            first = upsert_article(session_a, source=source, **page())
            thread = _store_in_thread(engine, values, outcome)
            time.sleep(0.5)  # B now waits on A's uncommitted row (PostgreSQL) or lock (SQLite)
            assert outcome == []
        thread.join(timeout=30)
    assert outcome == [UpsertResult(first.article_id, "unchanged" if same_html else "updated")]
    # Both writers inserted: B did not see A's row and met it as a conflict.
    assert sum(w.lstrip().startswith("INSERT INTO articles ") for w in writes) == 2
    assert count(engine, Article) == 2


def test_threads_racing_on_the_same_pages_store_one_row_each(engine: Engine) -> None:
    store(engine, **page(99))
    barrier = threading.Barrier(4)
    results: list[Any] = []

    def work() -> None:
        barrier.wait()
        for n in range(1, 16):
            try:
                results.append(store(engine, **page(n)))
            except Exception as error:
                results.append(error)

    run_threads_together(work)
    assert [r for r in results if isinstance(r, Exception)] == []
    assert sorted(r.status for r in results).count("new") == 15
    assert count(engine, Article) == 16
    assert count(engine, ArticleUrl) == 16 * 3


def _store_pages_in_process(database_url: str, start: Any) -> None:
    engine = make_engine(database_url)
    start.wait()
    for n in range(1, 21):
        store(engine, **page(n))
    engine.dispose()


def test_processes_racing_on_the_same_pages_store_one_row_each(database_url: str) -> None:
    assert run_processes_together(_store_pages_in_process, database_url) == [0, 0]
    engine = make_engine(database_url)
    try:
        assert count(engine, Source) == 1
        assert count(engine, Article) == 20
        assert count(engine, ArticleUrl) == 60
    finally:
        engine.dispose()


def test_threads_racing_on_a_new_source_make_one_row(engine: Engine) -> None:
    barrier = threading.Barrier(4)
    ids: list[Any] = []

    def work() -> None:
        barrier.wait()
        try:
            with session_scope(engine) as session:
                ids.append(
                    get_or_create_source(session, "kendaripos", "Kendari Pos", "https://k").id
                )
        except Exception as error:
            ids.append(error)

    run_threads_together(work)
    assert len(set(ids)) == 1 and isinstance(ids[0], int)
    assert count(engine, Source) == 1
