"""What every Warta spider shares: turning a response into a PageItem, counting failures.

Spiders stay thin: they discover URLs and yield requests and `PageItem`s; extraction,
language, deduplication and storage happen in the pipelines.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import Any

import scrapy
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionDone,
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure
from w3lib.encoding import http_content_type_encoding

from crawler.archive.middleware import archived_record
from crawler.extraction.extract import decode_html
from crawler.items import ARTICLE_META, PageItem
from crawler.middlewares import RefusedRequest
from crawler.urls import UnsafeURL, check_fetchable_url

logger = logging.getLogger(__name__)

#: Failure kinds as counted in the crawl stats (`warta/errors/<kind>`).
#: Scrapy >= 2.14 download handlers raise scrapy.exceptions; the Twisted ones are kept for others.
FAILURE_KINDS: tuple[tuple[type[BaseException], str], ...] = (
    (HttpError, "http"),
    (CannotResolveHostError, "dns"),
    (DNSLookupError, "dns"),
    (DownloadTimeoutError, "timeout"),
    (TimeoutError, "timeout"),
    (TCPTimedOutError, "timeout"),
    (DownloadConnectionRefusedError, "connection_refused"),
    (ConnectionRefusedError, "connection_refused"),
    (ResponseDataLossError, "data_loss"),
    (DownloadCancelledError, "cancelled"),
    (DownloadFailedError, "connection_lost"),
    (ConnectionLost, "connection_lost"),
    (ConnectionDone, "connection_lost"),
    (IgnoreRequest, "ignored"),
)
#: IgnoreRequest and cancellations told apart by their message (Scrapy gives them no subclasses).
IGNORED_KINDS: tuple[tuple[str, str], ...] = (
    ("robots.txt", "robots_disallowed"),
    ("max redirections", "redirect_limit"),
    ("DOWNLOAD_MAXSIZE", "too_large"),
    ("max size", "too_large"),
)
HTML_TYPES = (b"text/html", b"application/xhtml+xml")


def parse_since(value: str | date | None) -> date | None:
    """`-a since=YYYY-MM-DD`; a wrong value is a configuration error, said in one line."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"since={value!r}: expected a date as YYYY-MM-DD") from None


def parse_max_articles(value: str | int | None) -> int | None:
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"max_articles={value!r}: expected a whole number") from None
    if number < 1:
        raise ValueError(f"max_articles={value!r}: must be at least 1")
    return number


def declared_charset(response: Response) -> str | None:
    """The charset of the Content-Type header (decode_html falls back to <meta>, then sniffs)."""
    value = response.headers.get(b"Content-Type")
    return http_content_type_encoding(value.decode("latin-1")) if value else None


def failure_kind(failure: Failure) -> str:
    """What went wrong with a request, as counted: "dns", "http_503", "robots_disallowed", ..."""
    if failure.check(RefusedRequest):
        return f"refused_{failure.value.reason}"
    kind = next((name for error, name in FAILURE_KINDS if failure.check(error)), "other")
    if kind == "http":
        return f"http_{failure.value.response.status}"
    if kind in {"ignored", "cancelled"}:
        message = str(failure.value)
        return next((name for text, name in IGNORED_KINDS if text in message), kind)
    return kind


class WartaSpider(scrapy.Spider):
    """Base of Warta's spiders: response → PageItem, errback that counts failures by kind."""

    #: registry key stored with each article ("adhoc" spiders compute theirs per host)
    source_key = "adhoc"

    def page_item(
        self,
        response: Response,
        *,
        source: str,
        discovered_via: str,
        listed_published_at: datetime | None = None,
    ) -> PageItem | None:
        """The page as an item, or None (counted) when it is not an HTML page."""
        header = response.headers.get(b"Content-Type") or b""
        content_type = header.split(b";")[0].strip().lower()
        if not isinstance(response, TextResponse) or (
            content_type and content_type not in HTML_TYPES
        ):
            self.count("skipped/not_html")
            logger.info(
                "not an HTML page (%s): %s", content_type.decode("latin-1") or "?", response.url
            )
            return None
        meta = response.request.meta if response.request else {}
        redirects = meta.get("redirect_urls", [])
        archived = archived_record(meta)
        return PageItem(
            url=response.url,
            requested_url=redirects[0] if redirects else response.url,
            source=source,
            # the declared charset is often wrong (cp1252 bytes labelled UTF-8 and the reverse)
            html=decode_html(response.body, declared_charset(response)),
            fetched_at=archived.fetched_at if archived else datetime.now(UTC),
            discovered_via=discovered_via,
            listed_published_at=listed_published_at,
            archived=archived,
        )

    def fetchable(self, urls: list[str]) -> list[str]:
        """The ad-hoc URLs that may be fetched; each refused one is logged with its reason.

        A refusal ends nothing abruptly: the crawl just has fewer (or no) start URLs, and the
        refusal is counted as `warta/refused/unsafe_url`.
        """
        allow_private = self.crawler.settings.getbool("WARTA_ALLOW_PRIVATE_ADDRESSES")
        allowed = []
        for url in urls:
            try:
                check_fetchable_url(url, allow_private=allow_private)
            except UnsafeURL as refusal:
                self.count("refused/unsafe_url")
                logger.error("refused %s: %s", url, refusal)
            else:
                allowed.append(url)
        return allowed

    def count(self, stat: str, amount: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"warta/{stat}", amount)

    def on_error(self, failure: Failure) -> None:
        """Count and log a failed request; the crawl goes on."""
        if failure.check(RefusedRequest):
            return  # counted (`warta/refused/<reason>`) and logged by the redirect guard
        kind = failure_kind(failure)
        self.count(f"errors/{kind}")
        request = getattr(failure, "request", None)
        logger.warning(
            "request failed (%s): %s: %s", kind, getattr(request, "url", "?"), failure.value
        )

    def request(
        self, url: str, callback: Any, *, article: bool = False, **cb_kwargs: Any
    ) -> scrapy.Request:
        """A request whose failure is counted; `article` marks article pages (see ARTICLE_META)."""
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_error,
            cb_kwargs=cb_kwargs,
            meta={ARTICLE_META: True} if article else {},
        )
