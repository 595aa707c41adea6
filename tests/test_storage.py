"""Storage core on real SQLite files and real PostgreSQL: upserts, races, runs, checks."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select, text, update
from sqlalchemy.orm import Session

from storage.articles import (
    ArticleRow,
    UpsertResult,
    article_id_for_url,
    get_or_create_source,
    upsert_article,
    upsert_articles,
)
from storage.check import check_database
from storage.database import DatabaseUnavailable, make_engine, session_scope
from storage.migrate import upgrade
from storage.models import Article, ArticleUrl, Event, Source
from storage.runs import failing_sources, finish_run, recent_runs, start_run
from tests.conftest import run_processes_together, run_threads_together

FETCHED = datetime(2024, 7, 9, 3, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """A migrated database: a SQLite file or a throw-away PostgreSQL database."""
    url: str = request.getfixturevalue(
        "sqlite_url" if request.param == "sqlite" else "postgres_url"
    )
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def page(n: int = 1, **overrides: Any) -> dict[str, Any]:
    """Keyword arguments of upsert_article for article `n` of telisik, as the store stage sends."""
    canonical = f"https://telisik.example/berita/{n}"
    values: dict[str, Any] = {
        "url": canonical + "?utm_source=facebook",
        "canonical_url": canonical,
        "other_urls": [f"https://telisik.example/amp/berita/{n}"],
        "html_sha256": f"{n:064x}",
        "title": f"Banjir di Kendari ({n})",
        "author": "La Ode",
        "editor": None,
        "published_at": datetime(2024, 7, 9, 1, 0, tzinfo=UTC),
        "fetched_at": FETCHED,
        "language": "id",
        "language_probability": 0.99,
        "text": "Banjir merendam sejumlah kelurahan di Kendari pada Selasa pagi.",
        "signature": b"\x01\x02\x03",
        "features": {"places": ["Kendari"], "date": "2024-07-09"},
        "crawl_run_id": None,
    }
    values.update(overrides)
    return values


def store(engine: Engine, **values: Any) -> UpsertResult:
    """One upsert in its own transaction, as the store stage does it."""
    with session_scope(engine) as session:
        source = get_or_create_source(session, "telisik", "Telisik", "https://telisik.example")
        return upsert_article(session, source=source, **values)


def count(engine: Engine, entity: Any) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(entity)) or 0


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


# -- runs ------------------------------------------------------------------------------------


def test_run_bookkeeping(engine: Engine) -> None:
    with session_scope(engine) as session:
        run_id = start_run(session, "telisik")
    store(engine, **page(crawl_run_id=run_id))
    with session_scope(engine) as session:
        finish_run(
            session,
            run_id,
            status="finished",
            finish_reason="finished",
            pages_fetched=12,
            articles_new=1,
            errors=2,
            stats={"sources": {"telisik": {"pages": 12, "articles_new": 1, "errors": 2}}},
        )
    with session_scope(engine) as session:
        second = start_run(session, "kendaripos")
    with session_scope(engine) as session:
        runs = recent_runs(session, 5)
        assert [run.id for run in runs] == [second, run_id]
        finished = runs[1]
        assert (finished.status, finished.pages_fetched, finished.errors) == ("finished", 12, 2)
        assert finished.finished_at is not None
        assert finished.stats["sources"]["telisik"]["pages"] == 12
        assert runs[0].status == "running" and runs[0].finished_at is None
        with pytest.raises(ValueError, match="status"):
            finish_run(session, second, status="running", finish_reason=None)
        with pytest.raises(ValueError, match="no crawl run"):
            finish_run(session, 12345, status="finished", finish_reason="finished")


def test_failing_sources_are_those_dark_n_runs_in_a_row(engine: Engine) -> None:
    def run(sources: dict[str, dict[str, int]], status: str = "finished") -> None:
        with session_scope(engine) as session:
            run_id = start_run(session, "warta crawl")
            finish_run(
                session, run_id, status=status, finish_reason="x", stats={"sources": sources}
            )

    ok = {"pages": 5, "articles_new": 2, "errors": 0}
    dark = {"pages": 0, "articles_new": 0, "errors": 3}
    run({"telisik": dark, "kendaripos": ok, "zonasultra": dark})
    run({"telisik": dark, "kendaripos": dark, "zonasultra": ok})
    run({"telisik": dark}, status="failed")  # a single-source crawl: other sources untouched
    run({"telisik": ok, "kendaripos": ok}, status="interrupted")  # stopped early: ignored
    run({"telisik": dark, "kendaripos": dark, "zonasultra": dark})
    with session_scope(engine) as session:
        start_run(session, "still running")  # not final: ignored
        failing = failing_sources(session, 3)
        assert [(f.key, f.failed_runs, f.errors) for f in failing] == [("telisik", 4, 12)]
        assert [f.key for f in failing_sources(session, 2)] == ["telisik", "kendaripos"]
        assert {f.key for f in failing_sources(session, 1)} == {
            "telisik",
            "kendaripos",
            "zonasultra",
        }
        with pytest.raises(ValueError):
            failing_sources(session, 0)


# -- check -----------------------------------------------------------------------------------


@contextmanager
def foreign_keys_off(engine: Engine) -> Iterator[Session]:
    """A session that may write what foreign keys forbid, as a crash or an old bug could."""
    with session_scope(engine) as session:
        if engine.dialect.name == "sqlite":
            session.execute(text("PRAGMA foreign_keys=OFF"))  # outside a transaction: takes effect
        else:
            session.execute(text("SET LOCAL session_replication_role = replica"))
        yield session
    if engine.dialect.name == "sqlite":
        engine.dispose()  # the pooled connection must not keep foreign keys off


def test_check_is_clean_on_a_good_database(engine: Engine) -> None:
    with session_scope(engine) as session:
        run_id = start_run(session, "telisik")
    first = store(engine, **page(1, crawl_run_id=run_id))
    copy = store(engine, **page(2, crawl_run_id=run_id))
    with session_scope(engine) as session:
        finish_run(session, run_id, status="finished", finish_reason="finished")
        event_row = Event(
            title="Banjir Kendari",
            event_date=date(2024, 7, 9),
            article_count=2,
            outlet_count=1,
            representative_article_id=first.article_id,
            top_terms=["banjir"],
        )
        session.add(event_row)
        session.flush()
        session.execute(
            update(Article)
            .where(Article.id.in_([first.article_id, copy.article_id]))
            .values(event_id=event_row.id)
        )
        session.execute(
            update(Article)
            .where(Article.id == copy.article_id)
            .values(duplicate_of=first.article_id)
        )
    with session_scope(engine) as session:
        assert check_database(session) == []


def test_check_finds_planted_problems(engine: Engine) -> None:
    good = store(engine, **page(1))
    copy = store(engine, **page(2))
    copy_of_copy = store(engine, **page(3))
    with session_scope(engine) as session:
        source_id = session.scalars(select(Source.id)).one()
        session.add_all(
            [
                Event(title="kosong", article_count=0, outlet_count=0, top_terms=[]),
                Event(title="basi", article_count=5, outlet_count=3, top_terms=[]),
            ]
        )
        session.flush()
        stale_event = session.scalars(select(Event.id).where(Event.title == "basi")).one()
        session.execute(
            update(Article).where(Article.id == good.article_id).values(event_id=stale_event)
        )
        session.execute(
            update(Article)
            .where(Article.id == copy.article_id)
            .values(duplicate_of=good.article_id)
        )
        session.execute(
            update(Article)
            .where(Article.id == copy_of_copy.article_id)
            .values(duplicate_of=copy.article_id)
        )
        start_run(session, "killed crawl")
    with foreign_keys_off(engine) as session:
        orphan = upsert_article(session, source_id=source_id + 100, **page(4))
        session.execute(
            update(Article)
            .where(Article.id == orphan.article_id)
            .values(event_id=9999, duplicate_of=8888, crawl_run_id=7777)
        )
        session.execute(
            ArticleUrl.__table__.insert().values(url="https://x.example/", article_id=6666)
        )

    with session_scope(engine) as session:
        problems = check_database(session)
    kinds = {problem.kind: problem for problem in problems}
    expected = {
        "article_missing_source": (orphan.article_id,),
        "article_missing_event": (orphan.article_id,),
        "article_missing_run": (orphan.article_id,),
        "duplicate_of_missing": (orphan.article_id,),
        "duplicate_of_duplicate": (copy_of_copy.article_id,),
        "url_missing_article": (6666,),
    }
    for kind, ids in expected.items():
        assert kinds[kind].ids == ids, kind
        assert kinds[kind].severity == "error"
    assert "event_without_articles" in kinds
    assert "basi" not in kinds["event_without_articles"].message
    assert stale_event in kinds["event_counts_stale"].ids
    assert kinds["run_interrupted"].severity == "notice"
    assert "interrupted" in kinds["run_interrupted"].message
    assert problems[-1].kind == "run_interrupted"  # errors first
    if engine.dialect.name == "sqlite":
        assert "sqlite_foreign_key" in kinds
    assert all("\n" not in str(problem) for problem in problems)


def test_an_interrupted_run_alone_is_a_notice(engine: Engine) -> None:
    with session_scope(engine) as session:
        start_run(session, "telisik")
    with session_scope(engine) as session:
        problems = check_database(session)
    assert [(p.kind, p.severity) for p in problems] == [("run_interrupted", "notice")]
