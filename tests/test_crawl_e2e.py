"""End to end: real `scrapy crawl` / `warta demo` subprocesses over the replay web, rows asserted.

The replay web runs in this test process (threads on 127.0.0.1) and names the outlets' real
origins in its pages, as an archived copy would; the crawler reaches it through
WARTA_BASE_URLS, the same code path as for the real sites.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.sources import load_sources
from crawler.urls import normalise_url
from replayweb.corpus import load_corpus
from replayweb.server import ExpectedArticle, ReplayWeb
from storage.database import make_engine, session_scope
from storage.models import Article, ArticleUrl, CrawlRun, Event, Source
from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def replay() -> ReplayWeb:
    corpus = load_corpus()
    sources = load_sources()
    with ReplayWeb(corpus, origins={key: sources[key].base_url for key in corpus.outlets()}) as web:
        yield web


def scrapy_crawl(spider: str, database_url: str, base_urls: dict[str, str], *args: str):
    return subprocess.run(
        [
            str(BIN / "scrapy"),
            "crawl",
            spider,
            "-s",
            f"WARTA_DATABASE_URL={database_url}",
            "-s",
            f"WARTA_BASE_URLS={json.dumps(base_urls)}",
            "-s",
            "WARTA_ALLOW_PRIVATE_ADDRESSES=True",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            *args,
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def warta_demo(database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "warta"), "demo", "--database", database_url],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def stored(
    expected: list[ExpectedArticle], outlet: str | None = None
) -> dict[str, ExpectedArticle]:
    """The articles the pipeline must keep, by their storage key (crawler.urls.normalise_url)."""
    return {
        normalise_url(e.url): e
        for e in expected
        if e.expect == "stored" and outlet in (None, e.outlet)
    }


def snapshot(database_url: str) -> dict[str, tuple]:
    """Every article row as the database holds it, keyed by canonical URL."""
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        rows = session.execute(
            select(Article, Source.key).join(Source, Source.id == Article.source_id)
        ).all()
        result = {
            article.canonical_url: (
                article.id,
                key,
                article.title,
                article.author,
                article.published_at,
                article.text,
                article.html_sha256,
                article.fetched_at,
                article.duplicate_of,
                article.event_id,
            )
            for article, key in rows
        }
    engine.dispose()
    return result


def test_scrapy_crawl_of_one_outlet_stores_each_article_once_clean(replay, sqlite_url) -> None:
    outlet = "telisik"
    result = scrapy_crawl(outlet, sqlite_url, {outlet: replay.base_urls[outlet]})
    assert result.returncode == 0, result.stderr[-3000:]
    expected = stored(replay.expected_articles(), outlet)
    rows = snapshot(sqlite_url)
    assert set(rows) == set(expected)
    for url, row in rows.items():
        _, source, title, author, published_at, text, *_ = row
        assert source == outlet
        assert title == expected[url].title
        assert author == expected[url].author
        assert published_at == expected[url].published
        assert paragraphs(text) == paragraphs(expected[url].text), url

    again = scrapy_crawl(outlet, sqlite_url, {outlet: replay.base_urls[outlet]})
    assert again.returncode == 0, again.stderr[-3000:]
    assert snapshot(sqlite_url) == rows  # nothing added, nothing changed

    # the same article under its AMP and tracking-parameter URLs: no new row, the URLs recorded
    article = next(e for e in expected.values() if any("/amp/detail/" in a for a in e.aliases))
    variants = [a for a in article.aliases if "/amp/detail/" in a or "utm_" in a]
    result = scrapy_crawl(
        "article", sqlite_url, {outlet: replay.base_urls[outlet]}, "-a", f"url={','.join(variants)}"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert snapshot(sqlite_url) == rows
    engine = make_engine(sqlite_url)
    with session_scope(engine) as session:
        recorded = set(
            session.scalars(
                select(ArticleUrl.url)
                .join(Article)
                .where(Article.canonical_url == normalise_url(article.url))
            )
        )
    engine.dispose()
    assert any("/amp/detail/" in url for url in recorded), recorded


def test_demo_groups_republications_and_events_and_a_second_run_adds_nothing(sqlite_url) -> None:
    corpus = load_corpus()
    sources = load_sources()
    with ReplayWeb(corpus, origins={key: sources[key].base_url for key in corpus.outlets()}) as web:
        expected = web.expected_articles()
    result = warta_demo(sqlite_url)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Events:" in result.stdout

    rows = snapshot(sqlite_url)
    by_url = stored(expected)
    assert set(rows) == set(by_url), "each stored article exactly once, rejects absent"

    ids = {url: row[0] for url, row in rows.items()}
    duplicate_of = {row[0]: row[8] for row in rows.values()}
    root = {article_id: duplicate_of[article_id] or article_id for article_id in duplicate_of}
    by_id = {e.id: e for e in expected}
    for url, e in by_url.items():
        if e.kind == "republished":
            original = ids[normalise_url(by_id[e.republished_from].url)]
            assert root[ids[url]] == root[original], f"{e.id} not grouped with {e.republished_from}"

    events: dict[int, set[str]] = defaultdict(set)
    labels: dict[str, set[str]] = defaultdict(set)
    for url, row in rows.items():
        assert row[9] is not None, f"{url} has no event"
        events[row[9]].add(url)
        labels[by_url[url].event].add(url)
    assert sorted(map(sorted, events.values())) == sorted(map(sorted, labels.values()))

    engine = make_engine(sqlite_url)
    with session_scope(engine) as session:
        event_count = len(session.scalars(select(Event.id)).all())
        runs = session.scalars(select(CrawlRun).order_by(CrawlRun.id)).all()
        assert [run.status for run in runs] == ["finished"]
    engine.dispose()
    assert event_count == len(labels)

    again = warta_demo(sqlite_url)
    assert again.returncode == 0, again.stderr[-3000:]
    assert snapshot(sqlite_url) == rows
    engine = make_engine(sqlite_url)
    with session_scope(engine) as session:
        assert len(session.scalars(select(Event.id)).all()) == event_count
    engine.dispose()
