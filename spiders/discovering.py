"""The discovery walk shared by outlet and ad-hoc site spiders.

Feeds and sitemaps first (robots.txt `Sitemap:` lines included); listing pages only when
those name no article. A site is trusted where it says what is an article: feed items and the
entries of a posts or news sitemap are requested whatever their slug; the spider's own article
test (the outlet's pattern, the ad-hoc slug heuristic) judges links on listing pages and the
entries of other sitemaps. Each article is requested as the site listed it (less tracking
parameters); its storage key (crawler.urls.normalise_url) makes it fetched once however many
URLs name it.
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
    lists_posts_only,
    parse_feed,
    parse_sitemap,
    sitemaps_from_robots,
)
from crawler.middlewares import ROBOTS_META
from crawler.urls import normalise_url, without_tracking
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

    def key_of(self, url: str) -> str:
        """The storage key of a discovered URL (outlets map their mobile hosts home)."""
        return normalise_url(url)

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
        """robots.txt alone first: the robots middleware obeys this copy (read once per run)."""
        yield from self._discovery(
            self.url("/robots.txt"),
            self.parse_robots,
            meta={ROBOTS_META: True, "dont_obey_robotstxt": True},
            errback=self.on_robots_error,
        )

    def listed_discovery_requests(self) -> Iterator[scrapy.Request]:
        """The outlet's feeds and sitemaps, once robots.txt has answered (or failed)."""
        for path in self.feed_paths:
            yield from self._discovery(self.url(path), self.parse_feed)
        for path in self.sitemap_paths:
            yield from self._discovery(self.url(path), self.parse_sitemap)

    def url(self, path: str) -> str:
        return urljoin(self.origin.rstrip("/") + "/", path.lstrip("/"))

    def _discovery(
        self,
        url: str,
        callback: Any,
        *,
        meta: dict[str, Any] | None = None,
        errback: Any = None,
    ) -> Iterator[scrapy.Request]:
        """A feed/sitemap request, once per URL: the fallback waits for every one to answer."""
        if url in self._requested:
            return
        self._requested.add(url)
        self._pending_discovery += 1
        yield scrapy.Request(
            url,
            callback=callback,
            errback=errback or self.on_discovery_error,
            dont_filter=True,
            meta=meta or {},
        )

    # -- discovery callbacks ---------------------------------------------------------------
    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        yield from self.listed_discovery_requests()
        for sitemap in sitemaps_from_robots(response.body, response.url):
            if self._same_site(sitemap):
                yield from self._discovery(sitemap, self.parse_sitemap)
        yield from self._discovery_finished()

    def on_robots_error(self, failure: Any) -> Iterator[scrapy.Request]:
        yield from self.listed_discovery_requests()
        yield from self.on_discovery_error(failure)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        entries = parse_feed(response.body, response.url)
        self.count("discovered/feed_entries", len(entries))
        if not entries:  # empty, or unreadable (malformed, an entity bomb): worth a look either way
            self.count("discovered/empty_feeds")
        yield from self.article_requests(entries, via="feed", trusted=True)
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
            trusted = lists_posts_only(response.url, document)
            yield from self.article_requests(document.entries, via="sitemap", trusted=trusted)
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
                    yield self.request(without_tracking(link), self.parse_listing, depth=depth + 1)

    def parse_listed_feed(self, response: Response) -> Iterator[scrapy.Request]:
        entries = parse_feed(response.body, response.url)
        yield from self.article_requests(entries, via="feed", trusted=True)

    # -- articles --------------------------------------------------------------------------
    def article_requests(
        self, entries: Iterable[Listed], *, via: str, trusted: bool = False
    ) -> Iterator[scrapy.Request]:
        """Requests for the articles among `entries`; `trusted`: the site says all are articles."""
        for entry in entries:
            key = self.key_of(entry.url)
            listed = without_tracking(entry.url)
            if not self._same_site(key):
                continue
            if trusted:
                if _is_home_page(key):
                    continue  # a home page listed in a posts sitemap is still no article
            elif not (self.is_article(key) or self.is_article(listed)):
                continue
            url = self.article_url(listed)
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


def _is_home_page(url: str) -> bool:
    """The site root itself (`/?p=N` is an article, not the home page)."""
    parts = urlsplit(url)
    return parts.path in {"", "/"} and not parts.query
