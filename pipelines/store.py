"""Store stage: each article into the database, then the clustering stage on what was stored.

The writing itself is the process's shared `crawler.writer.ArticleWriter` (one thread and one
engine for every spider of the process, batched transactions, clustering every
WARTA_CLUSTER_EVERY changed articles and when the last spider closes). This stage adds what
belongs to one spider: its crawl run row, its stats, and closing it when the database is gone.
Re-crawled pages change nothing (storage.articles.upsert_articles). The crawl run row records
what was fetched, stored and lost.

An unreachable database closes the spider (reason `database_unavailable`): items not stored
are not marked as stored anywhere, so the next run fetches them again.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.clustering.stage import ClusterReport
from crawler.items import PageItem, RejectedPage
from crawler.operations.runstats import run_counts, spider_figures
from crawler.writer import ArticleWriter
from storage.database import DatabaseUnavailable, session_scope
from storage.rejected import Rejection, remember_rejected
from storage.runs import finish_run, start_run

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler: Crawler, writer: ArticleWriter, run_id: int | None):
        self.crawler = crawler
        self.writer = writer
        self.run_id = run_id
        self.owns_run = run_id is None
        self._opened = False
        self._failed = False
        self._rejected: list[Rejection] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        run_id = crawler.settings.get("WARTA_CRAWL_RUN_ID")
        pipeline = cls(crawler, ArticleWriter.for_crawler(crawler), int(run_id) if run_id else None)
        crawler.signals.connect(pipeline.page_dropped, signal=signals.item_dropped)
        return pipeline

    def page_dropped(self, item: Any, exception: BaseException, **_: Any) -> None:
        """Note a page an earlier stage rejected (no text, language), to remember it at close."""
        if isinstance(exception, RejectedPage) and isinstance(item, PageItem):
            now = datetime.now(UTC)
            for url in dict.fromkeys(filter(None, (item.requested_url, item.url))):
                self._rejected.append(Rejection(url, item.source, exception.reason, now))

    # -- spider lifecycle ------------------------------------------------------------------
    async def open_spider(self) -> None:
        try:
            await self.writer.open(self.crawler)
            self._opened = True
            if self.owns_run:
                self.run_id = await self.writer.call(self._start_run)
        except DatabaseUnavailable as error:
            await self._fail(error)

    def _start_run(self) -> int:
        assert self.writer.engine is not None
        with session_scope(self.writer.engine) as session:
            return start_run(session, self._spider_name)

    async def close_spider(self) -> None:
        try:
            if not self._opened:
                return
            self._count_clustering(await self.writer.finish(self.crawler))
            if self._rejected:
                await self.writer.call(self._remember_rejected)
            if self.owns_run:
                reason = self.crawler.stats.get_value("finish_reason") or "finished"
                await self.writer.call(self._finish, reason)
        except DatabaseUnavailable as error:
            logger.error("database unavailable at close: %s", error)
        finally:
            await self.writer.release(self.crawler)

    # -- items -----------------------------------------------------------------------------
    async def process_item(self, item: PageItem) -> PageItem:
        if self._failed:
            raise DropItem(f"database unavailable, not stored: {item.url}")
        try:
            status = await self.writer.store(item, self.run_id)
            self.crawler.stats.inc_value(f"warta/articles/{status}")
            self.crawler.stats.inc_value(f"warta/sources/{item.source}/articles_{status}")
            self._count_clustering(await self.writer.cluster_when_due())
        except DatabaseUnavailable as error:
            await self._fail(error)
            raise DropItem(f"database unavailable, not stored: {item.url}") from error
        return item

    def _count_clustering(self, report: ClusterReport | None) -> None:
        if report is None:
            return
        for name in ("pending", "duplicates", "events_created", "events_merged"):
            value = getattr(report, name)
            if value:
                self.crawler.stats.inc_value(f"warta/clustering/{name}", value)

    @property
    def _spider_name(self) -> str:
        return self.crawler.spider.name if self.crawler.spider else "?"

    def _remember_rejected(self) -> None:
        assert self.writer.engine is not None
        with session_scope(self.writer.engine) as session:
            remembered = remember_rejected(session, self._rejected)
        self.crawler.stats.set_value("warta/rejected_remembered", remembered)

    def _finish(self, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        figures = spider_figures(stats)
        assert self.run_id is not None, "the run is started when the spider opens"
        assert self.writer.engine is not None
        status = "finished" if reason == "finished" else "interrupted"
        with session_scope(self.writer.engine) as session:
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


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value if isinstance(value, (int, float, str, bool, type(None))) else str(value)
