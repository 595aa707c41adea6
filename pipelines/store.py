"""Store stage: one transaction per article, then the clustering stage on what was stored.

Writes go through one database thread (SQLite has one writer; PostgreSQL is happy either
way), so the reactor never waits on the database; articles arriving together share one
transaction (up to WARTA_STORE_BATCH of them, waiting at most BATCH_DELAY_SECONDS).
Re-crawled pages change nothing (storage.articles.upsert_article). Every WARTA_CLUSTER_EVERY
new articles, and when the spider closes, pending articles are grouped into near-duplicates and
events (crawler.clustering). The crawl run row records what was fetched, stored and lost.

An unreachable database closes the spider (reason `database_unavailable`): items not stored
are not marked as stored anywhere, so the next run fetches them again.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from sqlalchemy.orm import Session

from crawler.clustering import cluster_pending
from crawler.items import PageItem
from crawler.runstats import run_counts, spider_figures
from crawler.sources import Source, load_sources
from storage.articles import get_or_create_source, upsert_article
from storage.database import DatabaseUnavailable, make_engine, session_scope
from storage.migrate import upgrade
from storage.runs import finish_run, start_run

logger = logging.getLogger(__name__)

#: How long an article waits for others to share its transaction (it never waits for a full batch).
BATCH_DELAY_SECONDS = 0.2


class StorePipeline:
    def __init__(
        self,
        crawler: Crawler,
        database_url: str,
        sources: dict[str, Source],
        cluster_every: int,
        run_id: int | None,
        batch_size: int = 50,
    ):
        if cluster_every < 1:
            raise ValueError("WARTA_CLUSTER_EVERY must be at least 1")
        if batch_size < 1:
            raise ValueError("WARTA_STORE_BATCH must be at least 1")
        self.crawler = crawler
        self.database_url = database_url
        self.sources = sources
        self.cluster_every = cluster_every
        self.run_id = run_id
        self.owns_run = run_id is None
        self.engine: Any = None
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="warta-db")
        self._stored_since_clustering = 0
        self._source_ids: dict[str, int] = {}
        self.batch_size = batch_size
        self._batch: list[tuple[PageItem, asyncio.Future[str]]] = []
        self._batch_timer: asyncio.TimerHandle | None = None
        self._writes: set[asyncio.Future[None]] = set()
        self._failed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        settings = crawler.settings
        run_id = settings.get("WARTA_CRAWL_RUN_ID")
        return cls(
            crawler,
            settings.get("WARTA_DATABASE_URL"),
            load_sources(settings.get("WARTA_SOURCES_FILE")),
            settings.getint("WARTA_CLUSTER_EVERY"),
            int(run_id) if run_id else None,
            settings.getint("WARTA_STORE_BATCH"),
        )

    async def _in_db_thread(self, function: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._thread, function, *args)

    # -- spider lifecycle ------------------------------------------------------------------
    async def open_spider(self) -> None:
        try:
            await self._in_db_thread(self._open)
        except DatabaseUnavailable as error:
            await self._fail(error)

    def _open(self) -> None:
        self.engine = make_engine(self.database_url)
        upgrade(self.engine)
        if self.owns_run:
            with session_scope(self.engine) as session:
                self.run_id = start_run(session, self._spider_name)

    async def close_spider(self) -> None:
        if self.engine is None:
            return
        try:
            await self._in_db_thread(self._cluster)
            if self.owns_run:
                reason = self.crawler.stats.get_value("finish_reason") or "finished"
                await self._in_db_thread(self._finish, reason)
        except DatabaseUnavailable as error:
            logger.error("database unavailable at close: %s", error)
        finally:
            self._thread.shutdown(wait=True)
            self.engine.dispose()

    # -- items -----------------------------------------------------------------------------
    async def process_item(self, item: PageItem) -> PageItem:
        if self._failed:
            raise DropItem(f"database unavailable, not stored: {item.url}")
        stored: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._batch.append((item, stored))
        if len(self._batch) >= self.batch_size:
            self._write_batch()
        elif self._batch_timer is None:
            self._batch_timer = asyncio.get_running_loop().call_later(
                BATCH_DELAY_SECONDS, self._write_batch
            )
        try:
            status = await stored
            self.crawler.stats.inc_value(f"warta/articles/{status}")
            self.crawler.stats.inc_value(f"warta/sources/{item.source}/articles_{status}")
            if status != "unchanged":
                self._stored_since_clustering += 1
            if self._stored_since_clustering >= self.cluster_every:
                self._stored_since_clustering = 0
                await self._in_db_thread(self._cluster)
        except DatabaseUnavailable as error:
            await self._fail(error)
            raise DropItem(f"database unavailable, not stored: {item.url}") from error
        return item

    def _write_batch(self) -> None:
        """Hand the waiting items to the database thread as one transaction."""
        if self._batch_timer is not None:
            self._batch_timer.cancel()
            self._batch_timer = None
        batch, self._batch = self._batch, []
        if batch:
            task = asyncio.ensure_future(self._store_batch(batch))
            self._writes.add(task)
            task.add_done_callback(self._writes.discard)

    async def _store_batch(self, batch: list[tuple[PageItem, asyncio.Future[str]]]) -> None:
        items = [item for item, _ in batch]
        try:
            outcomes = await self._in_db_thread(self._store_all, items)
        except DatabaseUnavailable as error:
            outcomes = [error] * len(batch)
        for (_, stored), outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                stored.set_exception(outcome)
            else:
                stored.set_result(outcome)

    def _store_all(self, items: list[PageItem]) -> list[str | BaseException]:
        """One transaction for the batch; if it fails, each item alone, so one bad page
        costs only itself (and a dead database fails them all, as DatabaseUnavailable)."""
        try:
            with session_scope(self.engine) as session:
                return [self._store(session, item) for item in items]
        except DatabaseUnavailable:
            raise
        except Exception:
            logger.warning("a batch of %d articles failed; storing them one by one", len(items))
            self._source_ids.clear()  # ids learnt in the rolled-back transaction may not exist
        outcomes: list[str | BaseException] = []
        for item in items:
            try:
                with session_scope(self.engine) as session:
                    outcomes.append(self._store(session, item))
            except DatabaseUnavailable:
                raise
            except Exception as error:  # reported on this item by Scrapy, the crawl goes on
                outcomes.append(error)
        return outcomes

    def _store(self, session: Session, item: PageItem) -> str:
        source_id = self._source_ids.get(item.source)
        if source_id is None:
            registered = self.sources.get(item.source)
            source = get_or_create_source(
                session,
                key=item.source,
                name=registered.name if registered else item.source,
                base_url=registered.base_url if registered else _origin(item.url),
            )
            source_id = self._source_ids[item.source] = source.id
        other_urls = {item.url, item.requested_url} - {item.canonical_url, ""}
        result = upsert_article(
            session,
            source_id=source_id,
            url=item.url,
            canonical_url=item.canonical_url or item.url,
            other_urls=sorted(other_urls),
            html_sha256=item.html_sha256 or "",
            title=item.title,
            author=item.author,
            editor=item.editor,
            published_at=item.published_at,
            fetched_at=item.fetched_at,
            language=item.language or "",
            language_probability=item.language_probability or 0.0,
            text=item.text or "",
            signature=item.signature,
            features=item.features,
            crawl_run_id=self.run_id,
        )
        return result.status

    def _cluster(self) -> None:
        with session_scope(self.engine) as session:
            report = cluster_pending(session)
        for name in ("pending", "duplicates", "events_created", "events_merged"):
            value = getattr(report, name)
            if value:
                self.crawler.stats.inc_value(f"warta/clustering/{name}", value)

    @property
    def _spider_name(self) -> str:
        return self.crawler.spider.name if self.crawler.spider else "?"

    def _finish(self, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        figures = spider_figures(stats)
        assert self.run_id is not None, "the run is started when the spider opens"
        status = "finished" if reason == "finished" else "interrupted"
        with session_scope(self.engine) as session:
            finish_run(
                session,
                self.run_id,
                status="failed" if self._failed else status,
                finish_reason=reason,
                **run_counts(figures),
                stats={
                    "sources": {self._spider_name: figures},
                    "scrapy": {key: _json_value(value) for key, value in stats.items()},
                },
            )

    async def _fail(self, error: DatabaseUnavailable) -> None:
        if self._failed:
            return
        self._failed = True
        logger.error("database unavailable, closing the spider: %s", error)
        self.crawler.stats.set_value("warta/database_unavailable", str(error))
        # not awaited: closing waits for in-flight items, this one among them
        asyncio.get_running_loop().create_task(
            self.crawler.engine.close_spider_async(reason="database_unavailable")
        )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value if isinstance(value, (int, float, str, bool, type(None))) else str(value)
