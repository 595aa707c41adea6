"""Incremental crawling: do not fetch stored articles again; do not read old listings again.

Two halves, both keeping a quiet day down to a few requests per outlet:

- `IncrementalMiddleware` (downloader middleware): an article request (meta ARTICLE_META) whose
  URL is already stored for the spider's source, as canonical URL or alias, is dropped with
  IgnoreRequest and counted as `warta/skipped/already_stored`. The stored URLs are read once
  per spider, off the reactor thread, into a sorted numpy array of 64-bit hashes: 8 bytes a URL
  form (a Python set of the strings would take ~200). `--refresh` (WARTA_REFRESH) switches it off.
- The same middleware skips pages rejected (no article text, another language) by an earlier run
  less than WARTA_REJECTED_RETRY_DAYS ago (storage.rejected), counted as
  `warta/skipped/rejected_before`: such a page cost a request on every run.
- `automatic_since`: for scheduled runs, the date before which feed entries and sitemap-index
  children are not followed: the start of the source's last *complete* run minus a margin.
  The spiders already honour `since`; this computes it from `crawl_runs`.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from array import array
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.asyncio import run_in_thread
from sqlalchemy import select, union
from sqlalchemy.orm import Session

from crawler.items import ARTICLE_META
from crawler.urls import normalise_url
from storage.database import make_engine, session_scope
from storage.models import Article, ArticleUrl, CrawlRun, Source
from storage.rejected import recently_rejected

logger = logging.getLogger(__name__)

#: Key of the options `warta crawl` records in a run's stats (see crawler.commands.crawl).
RUN_OPTIONS_KEY = "options"


def url_hash(url: str) -> int:
    """64-bit digest of a URL: a collision (odds ~1e-10 at a million URLs) skips one article."""
    return int.from_bytes(hashlib.blake2b(url.encode("utf-8"), digest_size=8).digest(), "big")


def stored_url_hashes(session: Session, source_key: str) -> np.ndarray:
    """Sorted unique hashes of every URL (canonical, aliases; raw and normalised) of a source."""
    articles = (
        select(Article.id)
        .join(Source, Source.id == Article.source_id)
        .where(Source.key == source_key)
    )
    urls = union(
        select(Article.canonical_url.label("url")).where(Article.id.in_(articles)),
        select(ArticleUrl.url.label("url")).where(ArticleUrl.article_id.in_(articles)),
    )
    return url_hashes(url for (url,) in session.execute(urls).yield_per(5000))


def url_hashes(urls: Iterable[str]) -> np.ndarray:
    """Sorted unique hashes of each URL, raw and normalised."""
    hashes = array("Q")
    for url in urls:
        hashes.append(url_hash(url))
        try:
            hashes.append(url_hash(normalise_url(url)))
        except ValueError:
            pass  # a stored URL that no longer normalises is still matched raw
    return np.unique(np.frombuffer(hashes, dtype=np.uint64))


def contains(hashes: np.ndarray, value: int) -> bool:
    """Membership in a sorted hash array (binary search)."""
    index = int(np.searchsorted(hashes, np.uint64(value)))
    return index < len(hashes) and int(hashes[index]) == value


class IncrementalMiddleware:
    """Drops article requests for URLs stored, or lately rejected, under the spider's source."""

    def __init__(self, crawler: Crawler, database_url: str, retry_rejected: timedelta):
        self.crawler = crawler
        self.database_url = database_url
        self.retry_rejected = retry_rejected
        self._known: tuple[np.ndarray, np.ndarray] | None = None
        self._loading: asyncio.Future[tuple[np.ndarray, np.ndarray]] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        settings = crawler.settings
        if settings.getbool("WARTA_REFRESH"):
            raise NotConfigured
        days = settings.getfloat("WARTA_REJECTED_RETRY_DAYS", 30.0)
        if days < 0:
            raise ValueError(f"WARTA_REJECTED_RETRY_DAYS={days}: must be >= 0")
        return cls(crawler, settings.get("WARTA_DATABASE_URL"), timedelta(days=days))

    def _load(self, source_key: str) -> tuple[np.ndarray, np.ndarray]:
        """(stored URL hashes, hashes of URLs rejected within the retry age) of a source."""
        engine = make_engine(self.database_url)
        since = datetime.now(UTC) - self.retry_rejected
        try:
            with session_scope(engine) as session:
                rejected = url_hashes(recently_rejected(session, source_key, since))
                return stored_url_hashes(session, source_key), rejected
        finally:
            engine.dispose()

    def _loaded(self, key: str, done: asyncio.Future[tuple[np.ndarray, np.ndarray]]) -> None:
        if not done.cancelled() and done.exception() is None:
            stored, rejected = done.result()
            logger.info(
                "incremental: %d stored and %d rejected URL forms known for %s",
                len(stored),
                len(rejected),
                key,
            )

    async def process_request(self, request: Request) -> None:
        if not request.meta.get(ARTICLE_META):
            return None
        if self._known is None:
            if self._loading is None:  # the first article requests arrive together: load once
                key = getattr(self.crawler.spider, "source_key", "adhoc")
                self._loading = asyncio.ensure_future(run_in_thread(self._load, key))
                self._loading.add_done_callback(lambda done: self._loaded(key, done))
            self._known = await asyncio.shield(self._loading)
        forms = (url_hash(request.url), url_hash(_normalised(request.url)))
        for hashes, reason in zip(self._known, ("already_stored", "rejected_before"), strict=True):
            if any(contains(hashes, form) for form in forms):
                if self.crawler.stats is not None:
                    self.crawler.stats.inc_value(f"warta/skipped/{reason}")
                # The spiders' errback counts every failure as an error; a skip is not one.
                request.errback = None
                raise IgnoreRequest(f"{reason.replace('_', ' ')}: {request.url}")
        if self.crawler.stats is not None:  # article pages really fetched (requests per run)
            self.crawler.stats.inc_value("warta/requests/article")
        return None


def _normalised(url: str) -> str:
    try:
        return normalise_url(url)
    except ValueError:
        return url


def automatic_since(
    session: Session, source_keys: Iterable[str], margin: timedelta
) -> dict[str, date | None]:
    """Per source: the start of its last complete run minus `margin` (None: crawl everything).

    A run is complete for a source when the run finished, the source fetched pages and closed
    with reason "finished", and the run was neither capped (max_articles) nor limited by an
    explicit `--since`: only such a run has seen everything its window held. Runs chain: each
    automatic run covers from its own `since`, so coverage has no gaps.
    """
    wanted = set(source_keys)
    found: dict[str, date | None] = dict.fromkeys(wanted)
    rows = session.execute(
        select(CrawlRun.started_at, CrawlRun.stats)
        .where(CrawlRun.status == "finished")
        .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
    )
    pending = set(wanted)
    for started_at, stats in rows:
        if not pending:
            break
        if not _complete_options(stats):
            continue
        sources = stats.get("sources") if isinstance(stats, dict) else None
        if not isinstance(sources, Mapping):
            continue
        for key in list(pending):
            figures = sources.get(key)
            if (
                isinstance(figures, Mapping)
                and int(figures.get("pages") or 0) > 0
                and figures.get("finish_reason") == "finished"
            ):
                found[key] = (started_at - margin).date()
                pending.discard(key)
    return found


def _complete_options(stats: Any) -> bool:
    options = stats.get(RUN_OPTIONS_KEY) if isinstance(stats, dict) else None
    if not isinstance(options, Mapping):
        return False  # not a `warta crawl` run: its coverage is unknown
    return options.get("max_articles") is None and options.get("since_mode") in {"auto", "none"}
