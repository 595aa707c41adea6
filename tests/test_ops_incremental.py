"""Incremental crawling (crawler.operations.incremental): the stored-URL middleware, the automatic
`since`."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from crawler.items import ARTICLE_META
from crawler.operations.incremental import (
    IncrementalMiddleware,
    automatic_since,
    stored_url_hashes,
    url_hashes,
)
from storage.articles import get_or_create_source, upsert_article
from storage.database import make_engine, session_scope
from storage.migrate import upgrade
from storage.rejected import Rejection, remember_rejected
from storage.runs import finish_run, start_run

STORED = "https://telisik.id/news/rakor-pengamanan-pilkada"
ALIAS = "https://telisik.id/news/rakor-pengamanan-pilkada?utm_source=facebook"


class FakeCrawler:
    def __init__(self, settings: dict[str, Any]):
        self.settings = Settings(settings)
        self.stats = MemoryStatsCollector(self)  # type: ignore[arg-type]
        self.spider = type("Spider", (), {"source_key": "telisik"})()


def _store(session: Any, source_key: str, url: str, *, other_urls: tuple[str, ...] = ()) -> None:
    source = get_or_create_source(session, key=source_key, name=source_key, base_url="https://x.id")
    upsert_article(
        session,
        source=source,
        url=url,
        canonical_url=url,
        other_urls=other_urls,
        html_sha256="0" * 64,
        title="t",
        author=None,
        editor=None,
        published_at=None,
        fetched_at=datetime.now(UTC),
        language="id",
        language_probability=0.99,
        text="teks",
        signature=None,
        features=None,
        crawl_run_id=None,
    )


@pytest.fixture
def database(sqlite_url: str) -> str:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    with session_scope(engine) as session:
        _store(session, "telisik", STORED, other_urls=(ALIAS,))
        _store(session, "zonasultra", "https://zonasultra.id/lain-berita.html")
    engine.dispose()
    return sqlite_url


def test_stored_urls_are_read_per_source(database: str) -> None:
    engine = make_engine(database)
    with session_scope(engine) as session:
        telisik = stored_url_hashes(session, "telisik")
        other = stored_url_hashes(session, "zonasultra")
    engine.dispose()
    assert 2 <= len(telisik) <= 4  # canonical and alias, raw and normalised (may coincide)
    assert set(telisik.tolist()).isdisjoint(other.tolist())
    assert list(telisik) == sorted(telisik) and telisik.dtype.itemsize == 8


def _process(middleware: IncrementalMiddleware, request: Request) -> None:
    asyncio.run(middleware.process_request(request))


def test_stored_article_request_is_ignored_and_counted(database: str) -> None:
    crawler = FakeCrawler({"WARTA_DATABASE_URL": database})
    middleware = IncrementalMiddleware.from_crawler(crawler)  # type: ignore[arg-type]
    engine = make_engine(database)
    with session_scope(engine) as session:  # what the first request would load in a thread
        middleware._known = (stored_url_hashes(session, "telisik"), url_hashes([]))
    engine.dispose()

    def errback(failure: Any) -> None:  # pragma: no cover - must be dropped for skips
        raise AssertionError("a skip is not an error")

    for url in (STORED, ALIAS, STORED + "?utm_medium=x"):
        request = Request(url, meta={ARTICLE_META: True}, errback=errback)
        with pytest.raises(IgnoreRequest):
            _process(middleware, request)
        assert request.errback is None
    assert crawler.stats.get_value("warta/skipped/already_stored") == 3

    _process(middleware, Request("https://telisik.id/news/berita-baru", meta={ARTICLE_META: True}))
    _process(middleware, Request(STORED))  # discovery requests are never skipped
    assert crawler.stats.get_value("warta/skipped/already_stored") == 3


def test_lately_rejected_pages_are_skipped_until_the_retry_age(database: str) -> None:
    english = "https://telisik.id/news/english-page"
    empty = "https://telisik.id/news/halaman-kosong"
    now = datetime.now(UTC)
    engine = make_engine(database)
    with session_scope(engine) as session:
        remember_rejected(
            session,
            [
                Rejection(english, "telisik", "language_en", now - timedelta(days=2)),
                Rejection(empty, "telisik", "no_article", now - timedelta(days=40)),
                Rejection(english + "-2", "zonasultra", "language_en", now),
            ],
        )
        remember_rejected(session, [Rejection(english, "telisik", "language_en", now)])
    engine.dispose()
    crawler = FakeCrawler({"WARTA_DATABASE_URL": database, "WARTA_REJECTED_RETRY_DAYS": 30})
    middleware = IncrementalMiddleware.from_crawler(crawler)  # type: ignore[arg-type]
    with pytest.raises(IgnoreRequest, match="rejected before"):
        _process(middleware, Request(english + "?utm_source=x", meta={ARTICLE_META: True}))
    _process(middleware, Request(empty, meta={ARTICLE_META: True}))  # 40 days: asked again
    _process(middleware, Request(english + "-2", meta={ARTICLE_META: True}))  # other outlet
    assert crawler.stats.get_value("warta/skipped/rejected_before") == 1
    assert crawler.stats.get_value("warta/requests/article") == 2


def test_refresh_disables_the_middleware(database: str) -> None:
    with pytest.raises(NotConfigured):
        IncrementalMiddleware.from_crawler(
            FakeCrawler({"WARTA_DATABASE_URL": database, "WARTA_REFRESH": True})  # type: ignore[arg-type]
        )


def _run(
    session: Any,
    started: datetime,
    sources: dict[str, Any],
    options: dict[str, Any] | None,
    status: str = "finished",
) -> None:
    run_id = start_run(session, "warta crawl", started_at=started)
    stats: dict[str, Any] = {"sources": sources}
    if options is not None:
        stats["options"] = options
    finish_run(session, run_id, status=status, finish_reason="finished", stats=stats)


def test_automatic_since_uses_the_last_complete_run(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    ok = {"pages": 4, "finish_reason": "finished"}
    day = datetime(2025, 3, 10, 6, tzinfo=UTC)
    with session_scope(engine) as session:
        _run(
            session,
            day,
            {"telisik": ok, "zonasultra": ok},
            {"since_mode": "none", "max_articles": None},
        )
        # later runs that do not establish coverage:
        _run(
            session,
            day + timedelta(days=1),
            {"telisik": ok},
            {"since_mode": "auto", "max_articles": 5},
        )
        _run(
            session,
            day + timedelta(days=2),
            {"telisik": ok},
            {"since_mode": "explicit", "max_articles": None},
        )
        _run(
            session,
            day + timedelta(days=3),
            {"telisik": {"pages": 0, "finish_reason": "finished"}},
            {"since_mode": "auto", "max_articles": None},
        )
        _run(
            session,
            day + timedelta(days=4),
            {"telisik": {"pages": 9, "finish_reason": "shutdown"}},
            {"since_mode": "auto", "max_articles": None},
        )
        _run(
            session,
            day + timedelta(days=5),
            {"telisik": ok},
            {"since_mode": "auto"},
            status="interrupted",
        )
        _run(session, day + timedelta(days=6), {"telisik": ok}, None)  # a bare `scrapy crawl` run
        # a complete automatic run of zonasultra only
        _run(
            session,
            day + timedelta(days=7),
            {"zonasultra": ok},
            {"since_mode": "auto", "max_articles": None},
        )
        found = automatic_since(session, ["telisik", "zonasultra", "kendaripos"], timedelta(days=3))
    engine.dispose()
    assert found == {
        "telisik": date(2025, 3, 7),
        "zonasultra": date(2025, 3, 14),
        "kendaripos": None,  # never crawled: everything
    }
