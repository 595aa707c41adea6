"""What every Warta spider shares: turning a response into a PageItem, counting failures.

Spiders stay thin: they discover URLs and yield requests and `PageItem`s; extraction,
language, deduplication and storage happen in the pipelines.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure

from crawler.items import PageItem

logger = logging.getLogger(__name__)

#: Failure kinds as counted in the crawl stats (`warta/errors/<kind>`).
FAILURE_KINDS: tuple[tuple[type[BaseException], str], ...] = (
    (HttpError, "http"),
    (DNSLookupError, "dns"),
    (TimeoutError, "timeout"),
    (TCPTimedOutError, "timeout"),
    (ConnectionRefusedError, "connection_refused"),
    (ConnectionLost, "connection_lost"),
)
HTML_TYPES = (b"text/html", b"application/xhtml+xml")
#: Request meta key set on article-page requests (middlewares treat them apart from discovery).
ARTICLE_META = "warta_article"


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
        content_type = response.headers.get(b"Content-Type", b"").split(b";")[0].strip().lower()
        if not isinstance(response, TextResponse) or (content_type and content_type not in HTML_TYPES):
            self.count("skipped/not_html")
            logger.info("not an HTML page (%s): %s", content_type.decode("latin-1") or "?", response.url)
            return None
        redirects = response.request.meta.get("redirect_urls", []) if response.request else []
        return PageItem(
            url=response.url,
            requested_url=redirects[0] if redirects else response.url,
            source=source,
            html=response.text,
            fetched_at=datetime.now(UTC),
            discovered_via=discovered_via,
            listed_published_at=listed_published_at,
        )

    def count(self, stat: str, amount: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"warta/{stat}", amount)

    def on_error(self, failure: Failure) -> None:
        """Count and log a failed request; the crawl goes on."""
        kind = next((name for error, name in FAILURE_KINDS if failure.check(error)), "other")
        if kind == "http":
            kind = f"http_{failure.value.response.status}"
        self.count(f"errors/{kind}")
        request = getattr(failure, "request", None)
        logger.warning("request failed (%s): %s: %s", kind, getattr(request, "url", "?"), failure.value)

    def request(self, url: str, callback: Any, *, article: bool = False, **cb_kwargs: Any) -> scrapy.Request:
        """A request whose failure is counted; `article` marks article pages (see ARTICLE_META)."""
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_error,
            cb_kwargs=cb_kwargs,
            meta={ARTICLE_META: True} if article else {},
        )
