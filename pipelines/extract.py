"""Extract stage: HTML → title, author, date, clean text (crawler.extraction.extract), in the
worker pool.

Drops pages with no article text (`warta/dropped/no_article`). The canonical URL is the page's
own declaration when it points at the same site (AMP → canonical, ?page=all), otherwise the
fetched URL: a syndicated copy that names another outlet as canonical stays its own row.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from crawler.extraction.extract import ExtractionOptions, extract_article
from crawler.items import PageItem, RejectedPage
from crawler.operations.workers import WorkerPool
from crawler.origins import OriginMap, origin_map_from_settings
from crawler.sources import load_sources
from crawler.urls import normalise_url


class ExtractPipeline:
    def __init__(
        self,
        options: ExtractionOptions,
        origins: OriginMap,
        workers: WorkerPool,
        stats: StatsCollector,
        outlet_names: dict[str, str] | None = None,
    ):
        self.options = workers.share(options)
        self.origins = origins
        #: registry key → outlet name, a clue for the site's name in page titles
        self.outlet_names = outlet_names or {}
        self.workers = workers
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        return cls(
            ExtractionOptions.from_settings(crawler.settings),
            origin_map_from_settings(crawler.settings),
            WorkerPool.for_crawler(crawler),
            crawler.stats,
            {
                key: source.name
                for key, source in load_sources(crawler.settings.get("WARTA_SOURCES_FILE")).items()
            },
        )

    async def process_item(self, item: PageItem) -> PageItem:
        article = await self.workers.run(
            extract_article, item.html, item.url, self.options, self.outlet_names.get(item.source)
        )
        if article is None:
            self.stats.inc_value("warta/dropped/no_article")
            raise RejectedPage("no_article", f"no article text: {item.url}")
        item.html = ""  # hashed and parsed; not carried further
        item.html_sha256 = article.html_sha256
        item.canonical_url = self.canonical_url(item.url, article.canonical_url)
        item.title = article.title
        item.author = article.author
        item.editor = article.editor
        item.published_at = article.published_at or item.listed_published_at
        item.site_name = article.site_name
        item.text = article.text
        item.removed_boilerplate = list(article.removed)
        for name in article.removed:
            self.stats.inc_value(f"warta/boilerplate/{name}")
        return item

    def canonical_url(self, page_url: str, declared: str | None) -> str:
        if declared:
            declared = self.origins.to_public(declared)
            if _host(declared) == _host(page_url):
                return normalise_url(declared)
        return normalise_url(page_url)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.").removeprefix("m.")
