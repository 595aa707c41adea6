"""Store stage: one transaction per article, then the clustering stage on what was stored.

Writes go through one database thread (SQLite has one writer; PostgreSQL is happy either
way), so the reactor never waits on the database. Re-crawled pages change nothing
(storage.articles.upsert_article). Every WARTA_CLUSTER_EVERY new articles, and when the
spider closes, pending articles are grouped into near-duplicates and events
(crawler.clustering). The crawl run row records what was fetched, stored and lost.

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

from crawler.clustering import cluster_pending
from crawler.items import PageItem
from crawler.runstats import run_counts, spider_figures
from crawler.sources import Source, load_sources
from storage.articles import get_or_create_source, upsert_article
from storage.database import DatabaseUnavailable, make_engine, session_scope
from storage.migrate import upgrade
from storage.runs import finish_run, start_run

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(
        self,
        crawler: Crawler,
        database_url: str,
        sources: dict[str, Source],
        cluster_every: int,
        run_id: int | None,
    ):
        if cluster_every < 1:
            raise ValueError("WARTA_CLUSTER_EVERY must be at least 1")
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
        try:
            status = await self._in_db_thread(self._store, item)
            self.crawler.stats.inc_value(f"warta/articles/{status}")
            self.crawler.stats.inc_value(f"warta/sources/{item.source}/articles_{status}")
            if status != "unchanged":
                self._stored_since_clustering += 1
            if self._stored_since_clustering >= self.cluster_every:
                await self._in_db_thread(self._cluster)
        except DatabaseUnavailable as error:
            await self._fail(error)
            raise DropItem(f"database unavailable, not stored: {item.url}") from error
        return item

    def _store(self, item: PageItem) -> str:
        with session_scope(self.engine) as session:
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
        self._stored_since_clustering = 0
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
