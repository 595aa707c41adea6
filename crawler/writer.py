"""The process's one database writer: a thread, an engine, batched transactions, clustering.

Every spider of a process (`warta crawl` runs many at once) stores through the same writer for
a given database, so SQLite sees one writer instead of one per spider: no spider waits on
another's transaction or on a clustering run, and articles from all spiders share
transactions. Writes run on the writer's thread, so the reactor never waits on the database;
articles arriving together are stored by one `storage.articles.upsert_articles` call (up to
`batch_size` of them, waiting at most BATCH_DELAY_SECONDS). Every `cluster_every` new or
updated articles, and when the last spider using the writer closes, pending articles are
grouped into near-duplicates and events (crawler.clustering.stage).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar, TypeVar
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from crawler.clustering.stage import ClusterReport, cluster_pending
from crawler.items import PageItem
from crawler.sources import Source, load_sources
from storage.actors import rows_from_json, store_mentions
from storage.articles import ArticleRow, get_or_create_source, upsert_articles
from storage.database import DatabaseUnavailable, make_engine, session_scope
from storage.migrate import upgrade

logger = logging.getLogger(__name__)

Result = TypeVar("Result")

#: An item to store and the crawl run that fetched it.
Stored = tuple[PageItem, int | None]

#: How long an article waits for others to share its transaction (it never waits for a full batch).
BATCH_DELAY_SECONDS = 0.2


class ArticleWriter:
    """Stores the items of every spider of the process into one database (see module doc)."""

    _shared: ClassVar[dict[tuple[Any, ...], ArticleWriter]] = {}

    def __init__(
        self,
        database_url: str,
        sources: dict[str, Source],
        batch_size: int = 50,
        cluster_every: int = 5000,
        cluster_workers: int | None = None,
    ):
        if cluster_every < 1:
            raise ValueError("WARTA_CLUSTER_EVERY must be at least 1")
        if cluster_workers is not None and cluster_workers < 1:
            raise ValueError("WARTA_CLUSTER_WORKERS must be at least 1")
        if batch_size < 1:
            raise ValueError("WARTA_STORE_BATCH must be at least 1")
        self.database_url = database_url
        self.sources = sources
        self.batch_size = batch_size
        self.cluster_every = cluster_every
        self.cluster_workers = cluster_workers or os.cpu_count() or 1
        self.engine: Engine | None = None
        self._connecting: asyncio.Future[Engine] | None = None
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="warta-db")
        self._users: set[int] = set()  #: spiders holding the writer open
        self._crawling: set[int] = set()  #: spiders that may still store items
        self._source_ids: dict[str, int] = {}
        self._batch: list[tuple[Stored, asyncio.Future[str]]] = []
        self._batch_timer: asyncio.TimerHandle | None = None
        self._writes: set[asyncio.Future[None]] = set()
        self._changed_since_clustering = 0
        self._key: tuple[Any, ...] = ()

    @classmethod
    def for_crawler(cls, crawler: Crawler) -> ArticleWriter:
        """The writer of this process for the crawler's database and store settings."""
        settings = crawler.settings
        key = (
            settings.get("WARTA_DATABASE_URL"),
            settings.get("WARTA_SOURCES_FILE"),
            settings.getint("WARTA_STORE_BATCH"),
            settings.getint("WARTA_CLUSTER_EVERY"),
            settings.get("WARTA_CLUSTER_WORKERS"),
        )
        writer = cls._shared.get(key)
        if writer is None:
            workers = None if key[4] is None else int(key[4])
            writer = cls(
                key[0],
                load_sources(key[1]),
                batch_size=key[2],
                cluster_every=key[3],
                cluster_workers=workers,
            )
            writer._key = key
            cls._shared[key] = writer
        return writer

    async def call(self, function: Callable[..., Result], *args: Any) -> Result:
        """Run `function(*args)` on the writer's thread (after the writes handed over before)."""
        return await asyncio.get_running_loop().run_in_executor(self._thread, function, *args)

    # -- users -----------------------------------------------------------------------------
    async def open(self, user: Crawler) -> Engine:
        """Register a spider; the first one connects and migrates the database."""
        self._users.add(id(user))
        if self._connecting is None:  # spiders opening together wait for one connection
            self._connecting = asyncio.ensure_future(self.call(self._connect))
        self.engine = await self._connecting
        self._crawling.add(id(user))  # a spider that could not connect never holds clustering up
        return self.engine

    def _connect(self) -> Engine:
        engine = make_engine(self.database_url)
        upgrade(engine)
        return engine

    async def finish(self, user: Crawler) -> ClusterReport | None:
        """A spider has stored its last item: write what waits, and when no other spider is
        still crawling, run the clustering stage (the report; None when others crawl on).
        Deciding and unregistering happen in one step, so of spiders closing together
        exactly one clusters, after all of them have stored."""
        self._crawling.discard(id(user))
        if self._crawling:
            await self.flush()
            return None
        return await self.cluster()

    async def flush(self) -> None:
        """Wait until every article handed over so far is written (or failed)."""
        self._write_batch()
        while self._writes:
            await asyncio.gather(*self._writes, return_exceptions=True)

    async def release(self, user: Crawler) -> None:
        """A spider is done with the writer; the last one closes it."""
        self._users.discard(id(user))
        if self._users:
            return
        if self._shared.get(self._key) is self:
            del self._shared[self._key]
        await self.flush()
        self._thread.shutdown(wait=True)
        if self.engine is not None:
            self.engine.dispose()

    # -- articles --------------------------------------------------------------------------
    async def store(self, item: PageItem, crawl_run_id: int | None) -> str:
        """Store one extracted item: "new", "unchanged" or "updated" (DatabaseUnavailable)."""
        stored: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._batch.append(((item, crawl_run_id), stored))
        if len(self._batch) >= self.batch_size:
            self._write_batch()
        elif self._batch_timer is None:
            self._batch_timer = asyncio.get_running_loop().call_later(
                BATCH_DELAY_SECONDS, self._write_batch
            )
        status = await stored
        if status != "unchanged":
            self._changed_since_clustering += 1
        return status

    async def cluster_when_due(self) -> ClusterReport | None:
        """Run the clustering stage once `cluster_every` articles changed since the last run."""
        if self._changed_since_clustering < self.cluster_every:
            return None
        return await self.cluster()

    async def cluster(self) -> ClusterReport:
        """Group the pending articles now (after the writes handed over before)."""
        self._changed_since_clustering = 0
        await self.flush()
        return await self.call(self._cluster)

    def _cluster(self) -> ClusterReport:
        with session_scope(self._engine) as session:
            return cluster_pending(session, workers=self.cluster_workers)

    @property
    def _engine(self) -> Engine:
        if self.engine is None:
            raise RuntimeError("the writer is not open")
        return self.engine

    def _write_batch(self) -> None:
        """Hand the waiting items to the writer's thread as one transaction."""
        if self._batch_timer is not None:
            self._batch_timer.cancel()
            self._batch_timer = None
        batch, self._batch = self._batch, []
        if batch:
            task = asyncio.ensure_future(self._store_batch(batch))
            self._writes.add(task)
            task.add_done_callback(self._writes.discard)

    async def _store_batch(self, batch: list[tuple[Stored, asyncio.Future[str]]]) -> None:
        entries = [entry for entry, _ in batch]
        try:
            outcomes = await self.call(self._store_all, entries)
        except DatabaseUnavailable as error:
            outcomes = [error] * len(batch)
        for (_, stored), outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                stored.set_exception(outcome)
            else:
                stored.set_result(outcome)

    def _store_all(self, entries: list[Stored]) -> list[str | BaseException]:
        """One transaction for the batch; if it fails, each item alone, so one bad page
        costs only itself (and a dead database fails them all, as DatabaseUnavailable)."""
        try:
            with session_scope(self._engine) as session:
                return self._upsert(session, entries)
        except DatabaseUnavailable:
            raise
        except Exception:
            logger.warning("a batch of %d articles failed; storing them one by one", len(entries))
            self._source_ids.clear()  # ids learnt in the rolled-back transaction may not exist
        outcomes: list[str | BaseException] = []
        for entry in entries:
            try:
                with session_scope(self._engine) as session:
                    outcomes.extend(self._upsert(session, [entry]))
            except DatabaseUnavailable:
                raise
            except Exception as error:  # reported on this item by Scrapy, the crawl goes on
                outcomes.append(error)
        return outcomes

    def _upsert(self, session: Session, entries: list[Stored]) -> list[str | BaseException]:
        rows = [_row(item, self._source_id(session, item), run_id) for item, run_id in entries]
        results = upsert_articles(session, rows)
        for (item, _), result in zip(entries, results, strict=True):
            # who the article names, in the same transaction (an unchanged page keeps its rows)
            if result.status != "unchanged" and item.mentions is not None:
                store_mentions(session, result.article_id, rows_from_json(item.mentions))
        return [result.status for result in results]

    def _source_id(self, session: Session, item: PageItem) -> int:
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
        return source_id


def _row(item: PageItem, source_id: int, crawl_run_id: int | None) -> ArticleRow:
    other_urls = {item.url, item.requested_url} - {item.canonical_url, ""}
    return ArticleRow(
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
        crawl_run_id=crawl_run_id,
        warc_file=item.archived.file if item.archived else None,
        warc_offset=item.archived.offset if item.archived else None,
        warc_record_id=item.archived.record_id if item.archived else None,
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
