"""Crawl-run bookkeeping and `warta db check` on real SQLite files and real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import Engine, select, text, update
from sqlalchemy.orm import Session

from storage.articles import upsert_article
from storage.check import check_database
from storage.database import session_scope
from storage.models import Article, ArticleUrl, Event, Source
from storage.runs import failing_sources, finish_run, recent_runs, start_run
from tests.storage_support import engine_of, migrated_database_url, page, store  # noqa: F401 (fixtures)

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
