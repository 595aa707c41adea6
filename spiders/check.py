"""The `check` spider: one outlet looked at live, within a fixed budget (`warta sources check`).

robots.txt first (obeyed from that copy, as every Warta spider does), then the home page, the
outlet's feeds, sitemaps and listing pages; then the newest articles they name, fetched and
extracted. Everything seen goes into an `OutletProbe` (crawler/health/probe.py); the verdict is
judged elsewhere. Nothing is stored by the pipelines: the spider yields no items.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from protego import Protego
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.discovery import (
    POSTS_SITEMAP,
    Listed,
    links_from_html,
    lists_posts_only,
    parse_feed,
    parse_sitemap,
    sitemaps_from_robots,
)
from crawler.extraction.extract import ExtractionOptions, decode_html, extract_article
from crawler.extraction.language import LanguageDetector
from crawler.health.probe import Budget, Fetch, Listing, OutletProbe, Sample
from crawler.middlewares import ROBOTS_META
from crawler.sources import Source
from crawler.urls import without_tracking
from spiders.base import WartaSpider, declared_charset, failure_kind
from spiders.site import looks_like_article


class CheckSpider(WartaSpider):
    name = "check"

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> CheckSpider:
        if not isinstance(kwargs.get("probe"), OutletProbe):
            # its settings (no pipeline, no archive) and its verdicts come from the command
            raise ValueError("the check spider runs through `warta sources check [KEY]...`")
        return super().from_crawler(crawler, *args, **kwargs)

    def __init__(
        self,
        *args: Any,
        source: Source,
        probe: OutletProbe,
        budget: Budget,
        adhoc: bool = False,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.source = source
        self.source_key = source.key
        self.probe = probe
        self.budget = budget
        #: a site not registered yet: judged by the `site` spider's slug rule, not a pattern
        self.adhoc = adhoc
        self._pending = 0
        self._asked: set[str] = set()
        self._detector: LanguageDetector | None = None
        #: article key → the URL as the outlet first listed it (what a sample requests)
        self._as_listed: dict[str, str] = {}

    # -- judging URLs ----------------------------------------------------------------------
    def is_article(self, url: str) -> bool:
        if self.adhoc:
            return looks_like_article(url)
        key = urlsplit(self.source.key_of(url))
        return self.source.is_article_path(key.path + (f"?{key.query}" if key.query else ""))

    def _same_site(self, url: str) -> bool:
        bare = (urlsplit(url).hostname or "").removeprefix("www.").removeprefix("m.")
        return bare == self.source.host.split(":")[0].removeprefix("www.")

    def _key(self, url: str) -> str:
        """The article's key (one sample per article however many URLs name it)."""
        key = self.source.key_of(url)
        self._as_listed.setdefault(key, without_tracking(url))
        return key

    def url(self, path: str) -> str:
        return urljoin(self.source.base_url.rstrip("/") + "/", path.lstrip("/"))

    # -- requests --------------------------------------------------------------------------
    async def start(self) -> Any:
        fetch = Fetch(self.url("/robots.txt"))
        self.probe.robots = fetch
        yield scrapy.Request(
            fetch.url,
            callback=self.parse_robots,
            errback=self.robots_failed,
            dont_filter=True,
            meta={ROBOTS_META: True, "dont_obey_robotstxt": True},
            cb_kwargs={"fetch": fetch},
        )

    def _ask(self, url: str, callback: Any, fetch: Fetch, **cb_kwargs: Any) -> Iterator[Any]:
        """One discovery document, once: the sample waits until every one has answered."""
        if url in self._asked:
            return
        self._asked.add(url)
        self._pending += 1
        yield scrapy.Request(
            url,
            callback=callback,
            errback=self.document_failed,
            dont_filter=True,
            cb_kwargs={"fetch": fetch, **cb_kwargs},
        )

    def _listing(self, url: str, kind: str, callback: Any) -> Iterator[Any]:
        listing = Listing(Fetch(url), kind)
        self.probe.listings.append(listing)
        yield from self._ask(url, callback, listing.fetch, listing=listing)

    def discovery(self, robots_body: bytes = b"") -> Iterator[Any]:
        home = Fetch(self.url("/"))
        self.probe.home = home
        home_listing = Listing(home, "listing")
        self.probe.listings.append(home_listing)
        yield from self._ask(home.url, self.parse_listing, home, listing=home_listing)
        for path in self.source.feeds[: self.budget.feeds]:
            yield from self._listing(self.url(path), "feed", self.parse_feed)
        sitemaps = [self.url(path) for path in self.source.sitemaps]
        sitemaps += [url for url in sitemaps_from_robots(robots_body, self.url("/"))
                     if self._same_site(url)]  # fmt: skip
        for url in list(dict.fromkeys(sitemaps))[: self.budget.sitemaps]:
            yield from self._listing(url, "sitemap", self.parse_sitemap)
        others = [self.url(path) for path in self.source.listing if path.strip("/")]
        for url in others[: max(self.budget.listings - 1, 0)]:
            yield from self._listing(url, "listing", self.parse_listing)

    # -- callbacks -------------------------------------------------------------------------
    def parse_robots(self, response: Response, fetch: Fetch) -> Iterator[Any]:
        _answered(fetch, response)
        user_agent = self.crawler.settings.get("USER_AGENT") or "*"
        rules = Protego.parse(response.text if isinstance(response, TextResponse) else "")
        self.probe.robots_disallows_all = not rules.can_fetch(self.url("/"), user_agent)
        yield from self.discovery(response.body)

    def robots_failed(self, failure: Failure) -> Iterator[Any]:
        _failed(self.probe.robots, failure)  # a missing robots.txt allows everything
        yield from self.discovery()

    def parse_feed(self, response: Response, fetch: Fetch, listing: Listing) -> Iterator[Any]:
        _answered(fetch, response)
        entries = parse_feed(response.body, response.url)
        listing.parsed = bool(entries) or b"<rss" in response.body or b"<feed" in response.body
        self._listed(listing, entries, trusted=True)
        yield from self._done()

    def parse_sitemap(
        self, response: Response, fetch: Fetch, listing: Listing, child: bool = False
    ) -> Iterator[Any]:
        _answered(fetch, response)
        document = parse_sitemap(response.body, response.url)
        listing.parsed = document is not None
        if document is not None and document.is_index and not child:
            same_site = [entry for entry in document.entries if self._same_site(entry.url)]
            children = sorted(enumerate(same_site), key=_newest_posts_first)
            for _, entry in children[: self.budget.sitemap_children]:
                yield from self._ask(entry.url, self.parse_sitemap, fetch, listing=listing,
                                     child=True)  # fmt: skip
        elif document is not None:
            self._listed(listing, document.entries, lists_posts_only(response.url, document))
        yield from self._done()

    def parse_listing(self, response: Response, fetch: Fetch, listing: Listing) -> Iterator[Any]:
        _answered(fetch, response)
        html = response.text if isinstance(response, TextResponse) else ""
        links = [link for link in links_from_html(html, response.url) if self._same_site(link)]
        listing.parsed = bool(html)
        listing.entries = len(links)
        for link in dict.fromkeys(links):
            taken = self.is_article(link)
            if taken or looks_like_article(link):
                listing.judged[self._key(link)] = taken
        yield from self._done()

    def document_failed(self, failure: Failure) -> Iterator[Any]:
        _failed(failure.request.cb_kwargs["fetch"], failure)  # type: ignore[attr-defined]
        yield from self._done()

    def _listed(self, listing: Listing, entries: list[Listed], trusted: bool) -> None:
        """Entries of a feed or sitemap: `trusted` when the outlet says they are articles."""
        listing.entries += len(entries)
        dates = [entry.published_at for entry in entries if entry.published_at]
        if dates:
            listing.newest = max([*dates, *([listing.newest] if listing.newest else [])])
        for entry in entries:
            taken = self.is_article(entry.url)
            if trusted or taken:
                key = self._key(entry.url)
                listing.judged[key] = taken
                listing.dated[key] = entry.published_at

    # -- the sample ------------------------------------------------------------------------
    def _done(self) -> Iterator[Any]:
        self._pending -= 1
        if self._pending:
            return
        named: dict[str, datetime | None] = {}
        for listing in self.probe.listings:
            for url, taken in listing.judged.items():
                if taken or listing.kind != "listing":
                    named.setdefault(url, listing.dated.get(url))
        newest = sorted(named.items(), key=lambda item: _newest_first(Listed(*item)))
        for key, _ in newest[: self.budget.sample_articles]:
            url = self._as_listed.get(key, key)
            sample = Sample(Fetch(url))
            self.probe.samples.append(sample)
            yield scrapy.Request(
                url,
                callback=self.parse_sample,
                errback=self.sample_failed,
                cb_kwargs={"sample": sample},
            )

    def parse_sample(self, response: Response, sample: Sample) -> None:
        _answered(sample.fetch, response)
        html = decode_html(response.body, declared_charset(response))
        article = extract_article(html, response.url, ExtractionOptions(min_text_chars=0),
                                  self.source.name)  # fmt: skip
        if article is None:
            return
        sample.title = article.title or ""
        sample.published = article.published_at
        sample.text_chars = len(article.text)
        if self._detector is None:
            self._detector = LanguageDetector.from_settings(self.crawler.settings)
        detection = self._detector.detect(article.text)
        sample.language, sample.language_kept = detection.language, detection.allowed

    def sample_failed(self, failure: Failure) -> None:
        _failed(failure.request.cb_kwargs["sample"].fetch, failure)  # type: ignore[attr-defined]

    def closed(self, reason: str) -> None:
        stats = self.crawler.stats
        self.probe.requests = int(stats.get_value("downloader/request_count", 0)) if stats else 0


def _answered(fetch: Fetch | None, response: Response) -> None:
    if fetch is not None:
        fetch.final_url = response.url
        fetch.status = response.status


def _failed(fetch: Fetch | None, failure: Failure) -> None:
    if fetch is None:
        return
    fetch.error = failure_kind(failure)
    response = getattr(failure.value, "response", None)
    if response is not None:
        fetch.status = response.status
        fetch.final_url = response.url


def _newest_posts_first(numbered: tuple[int, Listed]) -> tuple[bool, bool, float, int]:
    """Children of a sitemap index: posts sitemaps first (by name), newest, then the last
    listed (WordPress numbers its posts sitemaps oldest first and gives them no date)."""
    index, entry = numbered
    posts = bool(POSTS_SITEMAP.search(entry.url.split("?", 1)[0]))
    return (not posts, *_newest_first(entry), -index)


def _newest_first(entry: Listed) -> tuple[bool, float]:
    when = entry.published_at
    return (when is None, -(when or datetime.min.replace(tzinfo=UTC)).timestamp())
