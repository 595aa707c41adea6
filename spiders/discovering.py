"""The discovery walk shared by outlet and ad-hoc site spiders.

Feeds and sitemaps first (robots.txt `Sitemap:` lines included); listing pages only when
those name no article. Every discovered URL is normalised (tracking parameters dropped)
before it is requested, so one article met under several URLs is fetched once where the
URLs differ only in such noise.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import Response

from crawler.discovery import (
    Listed,
    feeds_from_html,
    links_from_html,
    parse_feed,
    parse_sitemap,
    sitemaps_from_robots,
)
from crawler.urls import normalise_url
from spiders.base import WartaSpider, parse_max_articles, parse_since

#: Pagination links on listing pages: WordPress /page/N/, ?page=N, ?paged=N.
PAGINATION = re.compile(r"/page/\d+/?$|[?&](page|paged)=\d+$")


class DiscoveringSpider(WartaSpider):
    """Walks an outlet's feeds, sitemaps and (as fallback) listing pages to its articles.

    Subclasses set `origin` (public base URL), `feed_paths`, `sitemap_paths`,
    `listing_paths` and implement `is_article(url)`.
    """

    origin: str = ""
    feed_paths: tuple[str, ...] = ()
    sitemap_paths: tuple[str, ...] = ()
    listing_paths: tuple[str, ...] = ("/",)
    #: listing pages followed through pagination, per listing path (setting WARTA_LISTING_MAX_PAGES)
    listing_max_pages = 3

    def __init__(
        self, *args: Any, since: str | None = None, max_articles: str | None = None, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.since: date | None = parse_since(since)
        self.max_articles: int | None = parse_max_articles(max_articles)
        self._pending_discovery = 0
        self._articles_requested = 0
        self._listed = (
            0  #: articles (or sitemaps of old articles) discovery named, before `since` and skips
        )
        self._listing_started = False
        self._requested: set[str] = set()

    # -- hooks -----------------------------------------------------------------------------
    def is_article(self, url: str) -> bool:
        raise NotImplementedError

    def article_url(self, url: str) -> str:
        """The URL to request for an article (outlets with multi-page articles want the whole)."""
        return url

    def should_fetch(self, url: str) -> bool:
        """Whether an article URL is worth a request (incremental crawls say no to stored ones)."""
        return True

    # -- start -----------------------------------------------------------------------------
    async def start(self) -> Any:
        for request in self.discovery_requests():
            yield request

    def discovery_requests(self) -> Iterator[scrapy.Request]:
        yield from self._discovery(self.url("/robots.txt"), self.parse_robots)
        for path in self.feed_paths:
            yield from self._discovery(self.url(path), self.parse_feed)
        for path in self.sitemap_paths:
            yield from self._discovery(self.url(path), self.parse_sitemap)

    def url(self, path: str) -> str:
        return urljoin(self.origin.rstrip("/") + "/", path.lstrip("/"))

    def _discovery(self, url: str, callback: Any) -> Iterator[scrapy.Request]:
        """A feed/sitemap request, once per URL: the fallback waits for every one to answer."""
        if url in self._requested:
            return
        self._requested.add(url)
        self._pending_discovery += 1
        yield scrapy.Request(
            url, callback=callback, errback=self.on_discovery_error, dont_filter=True
        )

    # -- discovery callbacks ---------------------------------------------------------------
    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        for sitemap in sitemaps_from_robots(response.body, response.url):
            if self._same_site(sitemap):
                yield from self._discovery(sitemap, self.parse_sitemap)
        yield from self._discovery_finished()

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        entries = parse_feed(response.body, response.url)
        self.count("discovered/feed_entries", len(entries))
        if not entries:  # empty, or unreadable (malformed, an entity bomb): worth a look either way
            self.count("discovered/empty_feeds")
        yield from self.article_requests(entries, via="feed")
        yield from self._discovery_finished()

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        document = parse_sitemap(response.body, response.url)
        if document is None:
            self.count("discovered/unreadable_sitemaps")
        elif document.is_index:
            for entry in document.entries:
                # a looping index is cut by _discovery's once-per-URL rule; off-site ones skipped
                if not self._same_site(entry.url):
                    continue
                if self._before_since(entry.published_at):
                    self._listed += 1  # a sitemap of old articles: discovery works, nothing new
                    continue
                yield from self._discovery(entry.url, self.parse_sitemap)
        else:
            self.count("discovered/sitemap_entries", len(document.entries))
            yield from self.article_requests(document.entries, via="sitemap")
        yield from self._discovery_finished()

    def on_discovery_error(self, failure: Any) -> Iterator[scrapy.Request]:
        self.on_error(failure)
        yield from self._discovery_finished()

    def _discovery_finished(self) -> Iterator[scrapy.Request]:
        """After the last feed/sitemap answered: fall back to listing pages if none named articles.

        Articles that were listed but skipped (older than `since`, already stored) mean the
        discovery works and there is simply nothing new: no fallback then.
        """
        self._pending_discovery -= 1
        if self._pending_discovery == 0 and self._listed == 0 and not self._listing_started:
            self._listing_started = True
            self.logger.info("no article found in feeds or sitemaps; reading listing pages")
            for path in self.listing_paths:
                yield self.request(self.url(path), self.parse_listing, depth=1)

    def parse_listing(self, response: Response, depth: int) -> Iterator[scrapy.Request]:
        links = links_from_html(response.text, response.url) if hasattr(response, "text") else []
        for feed in feeds_from_html(response.text, response.url) if depth == 1 else []:
            if self._same_site(feed):
                yield self.request(feed, self.parse_listed_feed)
        yield from self.article_requests((Listed(link) for link in links), via="listing")
        if depth < self.listing_max_pages:
            for link in links:
                if self._same_site(link) and PAGINATION.search(link):
                    yield self.request(normalise_url(link), self.parse_listing, depth=depth + 1)

    def parse_listed_feed(self, response: Response) -> Iterator[scrapy.Request]:
        yield from self.article_requests(parse_feed(response.body, response.url), via="feed")

    # -- articles --------------------------------------------------------------------------
    def article_requests(self, entries: Iterable[Listed], *, via: str) -> Iterator[scrapy.Request]:
        for entry in entries:
            key = normalise_url(entry.url)
            if not self._same_site(key) or not self.is_article(key):
                continue
            url = self.article_url(_with_listed_slash(key, entry.url))
            key = self.article_url(key)
            self._listed += 1
            if self._before_since(entry.published_at):
                self.count("skipped/before_since")
                continue
            if self.max_articles is not None and self._articles_requested >= self.max_articles:
                return
            if key in self._requested:
                continue
            if not self.should_fetch(key):
                self.count("skipped/already_stored")
                continue
            self._requested.add(key)
            self._articles_requested += 1
            yield self.request(
                url,
                self.parse_article,
                article=True,
                discovered_via=via,
                listed_published_at=entry.published_at,
            )

    def parse_article(
        self, response: Response, discovered_via: str, listed_published_at: datetime | None
    ) -> Iterator[Any]:
        item = self.page_item(
            response,
            source=self.source_key,
            discovered_via=discovered_via,
            listed_published_at=listed_published_at,
        )
        if item is not None:
            yield item

    # -- helpers ---------------------------------------------------------------------------
    def _same_site(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        return host == (urlsplit(self.origin).hostname or "").removeprefix("www.")

    def _before_since(self, published_at: datetime | None) -> bool:
        return bool(self.since and published_at and published_at.date() < self.since)


def _with_listed_slash(normalised: str, listed: str) -> str:
    """The normalised URL with the trailing slash the site itself used.

    Normalisation drops it (one key for `/slug` and `/slug/`), but requesting the unslashed form
    of a WordPress permalink costs a redirect back: a third of all downloads, measured.
    """
    parts = urlsplit(normalised)
    if urlsplit(listed).path.endswith("/") and not parts.path.endswith("/"):
        return parts._replace(path=parts.path + "/").geturl()
    return normalised
