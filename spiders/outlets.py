"""One spider per registered outlet, generated from crawler/sources.toml.

`scrapy list` shows them; `scrapy crawl telisik [-a since=2024-07-01] [-a max_articles=50]
[-a base_url=http://127.0.0.1:8001]` crawls one. `base_url` overrides where the outlet is
fetched from (the replay web, a mirror); stored URLs stay the outlet's public ones.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import Crawler

from crawler.sources import Source, load_sources
from spiders.discovering import DiscoveringSpider


class OutletSpider(DiscoveringSpider):
    """Crawls one outlet of the registry; subclasses only name it."""

    source: Source

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> OutletSpider:
        sources = load_sources(crawler.settings.get("WARTA_SOURCES_FILE"))
        if cls.source_key not in sources:
            raise ValueError(f"source {cls.source_key!r} is not in the registry")
        base_url = kwargs.pop("base_url", None)
        if base_url:
            overrides = dict(crawler.settings.getdict("WARTA_BASE_URLS"))
            overrides[cls.source_key] = base_url
            crawler.settings.set("WARTA_BASE_URLS", overrides, priority="spider")
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.source = sources[cls.source_key]
        spider.origin = spider.source.base_url
        spider.feed_paths = spider.source.feeds
        spider.sitemap_paths = spider.source.sitemaps
        spider.listing_paths = spider.source.listing
        spider.listing_max_pages = crawler.settings.getint("WARTA_LISTING_MAX_PAGES", 3)
        return spider

    def key_of(self, url: str) -> str:
        return self.source.key_of(url)

    def article_url(self, url: str) -> str:
        """Page 1 of a page-N link, with the outlet's whole-text query."""
        return self.source.full_text_url(self.source.page_one(url))

    def is_article(self, url: str) -> bool:
        parts = urlsplit(url)
        return self.source.is_article_path(parts.path + (f"?{parts.query}" if parts.query else ""))


def _spider_class(source: Source) -> type[OutletSpider]:
    name = "".join(part.title() for part in source.key.split("_")) + "Spider"
    return type(
        name,
        (OutletSpider,),
        {"name": source.key, "source_key": source.key, "__doc__": source.notes},
    )


for _source in load_sources().values():
    _class = _spider_class(_source)
    globals()[_class.__name__] = _class
del _source, _class  # module-level names would list the last spider twice
