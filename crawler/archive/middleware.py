"""Archive stage: every response the crawl fetches, written to WARC files as it arrives.

A downloader middleware just below HttpCompressionMiddleware (580 < 590): it sees each
response after decompression and before retry (so a 503 that is retried is archived too).
Redirects are followed above it and are not archived; the page they lead to is. Article
pages, feeds, sitemaps, listings and robots.txt all pass here. Each spider of a process
writes its own file series (storage.warc.series_name: start time, spider, host, pid), so
distributed workers never share a file. The record's place goes into the request's meta
(ARCHIVE_META) for the spider to put on its item, and from there onto the article row.

Writing happens on one thread per spider, off the reactor. Switched on by naming
WARTA_WARC_DIR (or by WARTA_WARC_ENABLED=true); files go to WARTA_WARC_DIR and rotate past
WARTA_WARC_MAX_BYTES.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector

from storage.warc import ArchivedRecord, Exchange, WarcSeries, series_name

logger = logging.getLogger(__name__)

#: Request meta key holding the ArchivedRecord of the response (a plain dict, so requests
#: that carry it into a disk or Redis queue after a retry still serialise).
ARCHIVE_META = "warta_warc"


class WarcArchiveMiddleware:
    def __init__(self, series: WarcSeries, stats: StatsCollector):
        self.series = series
        self.stats = stats
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="warta-warc")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcArchiveMiddleware:
        settings = crawler.settings
        directory = settings.get("WARTA_WARC_DIR")
        # unset: on exactly when a directory is named (a user who names an archive wants one)
        unset = settings.get("WARTA_WARC_ENABLED") in (None, "")
        if not (bool(directory) if unset else settings.getbool("WARTA_WARC_ENABLED")):
            if directory:
                logger.warning(
                    "WARTA_WARC_DIR=%s is named but WARTA_WARC_ENABLED is off: not archiving",
                    directory,
                )
            raise NotConfigured
        directory = directory or settings.get("WARTA_WARC_DEFAULT_DIR")
        if not directory:
            raise ValueError("archiving needs WARTA_WARC_DIR (where WARC files go)")
        spider = crawler.spidercls.name
        series = WarcSeries(
            Path(directory),
            series_name(settings.get("WARTA_WARC_PREFIX"), spider, datetime.now(UTC)),
            settings.getint("WARTA_WARC_MAX_BYTES"),
            info={"software": "Warta", "spider": spider, "format": "WARC File Format 1.1"},
        )
        assert crawler.stats is not None
        middleware = cls(series, crawler.stats)
        crawler.signals.connect(middleware.close, signal=signals.spider_closed)
        return middleware

    async def process_response(self, request: Request, response: Response) -> Response:
        if "cached" in response.flags:  # HTTPCACHE: fetched by an earlier run, not now
            return response
        exchange = _exchange(request, response)
        loop = asyncio.get_running_loop()
        try:
            record = await loop.run_in_executor(self._thread, self.series.append, exchange)
        except OSError as error:  # disk full, directory gone: the crawl goes on, unarchived
            self.stats.inc_value("warta/archive/errors")
            logger.error("not archived (%s): %s", error, response.url)
            return response
        request.meta[ARCHIVE_META] = record_meta(record)
        self.stats.inc_value("warta/archive/records")
        self.stats.inc_value("warta/archive/body_bytes", len(response.body))
        return response

    def close(self) -> None:
        self._thread.submit(self.series.close).result()
        self._thread.shutdown(wait=True)
        self.stats.set_value("warta/archive/files", len(self.series.files))


def record_meta(record: ArchivedRecord) -> dict[str, Any]:
    return {
        "file": record.file,
        "offset": record.offset,
        "record_id": record.record_id,
        "fetched_at": record.fetched_at.isoformat(),
    }


def archived_record(meta: dict[str, Any]) -> ArchivedRecord | None:
    """The ArchivedRecord a response's meta carries (None: archiving is off)."""
    value = meta.get(ARCHIVE_META)
    if not value:
        return None
    return ArchivedRecord(
        file=value["file"],
        offset=int(value["offset"]),
        record_id=value["record_id"],
        fetched_at=datetime.fromisoformat(value["fetched_at"]),
    )


def _exchange(request: Request, response: Response) -> Exchange:
    return Exchange(
        url=response.url,
        method=request.method,
        request_headers=_headers(request.headers),
        request_body=request.body,
        status=response.status,
        response_headers=_headers(response.headers),
        body=response.body,
        protocol=response.protocol or "HTTP/1.1",
        ip_address=str(response.ip_address) if response.ip_address else None,
    )


def _headers(headers: Any) -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]
