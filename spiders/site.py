"""`scrapy crawl site -a url=https://any-outlet.example/`: an outlet that is not registered yet.

Finds feeds and sitemaps by itself (robots.txt `Sitemap:` lines, /feed, /wp-sitemap.xml,
/sitemap.xml, `<link rel=alternate>` on the home page) and falls back to the home page's links.
Non-http(s) URLs, and private or loopback hosts unless WARTA_ALLOW_PRIVATE_ADDRESSES is set,
are refused.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import Crawler

from crawler.sources import adhoc_key
from spiders.discovering import DiscoveringSpider

#: Paths that are listings or machinery, never articles, on WordPress and most CMSs.
NOT_ARTICLE = re.compile(
    r"^/(category|tag|author|page|feed|wp-[a-z]+|search|amp/?$|index\.php$|about|kontak|contact|"
    r"redaksi|pedoman|privacy|kebijakan|disclaimer)(/|$)|/feed/?$|/page/\d+/?$",
    re.IGNORECASE,
)
#: Shapes of article URLs common on Indonesian news sites (slug with words, ?p=ID, /berita/ID/...).
ARTICLE_SHAPES = re.compile(
    r"^/\?p=\d+$|^/(?:[^/]+/)*[a-z0-9]+(?:-[a-z0-9]+){2,}(?:\.html?)?/?$|/\d{4,}/[a-z0-9-]+/?$",
    re.IGNORECASE,
)


class SiteSpider(DiscoveringSpider):
    name = "site"
    start_url: str
    feed_paths = ("/feed", "/feed/rss", "/rss")
    sitemap_paths = ("/wp-sitemap.xml", "/sitemap.xml", "/sitemap_index.xml")
    listing_paths = ("/",)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SiteSpider:
        url = kwargs.pop("url", None)
        if not url:
            raise ValueError("the site spider needs -a url=https://outlet.example/")
        spider = super().from_crawler(crawler, *args, **kwargs)
        parts = urlsplit(url)
        spider.origin = f"{parts.scheme}://{parts.netloc}"
        spider.source_key = adhoc_key(url)
        spider.start_url = url
        return spider

    async def start(self) -> Any:
        if not self.fetchable([self.start_url]):
            return
        async for request in super().start():
            yield request

    def is_article(self, url: str) -> bool:
        return looks_like_article(url)


def looks_like_article(url: str) -> bool:
    """The ad-hoc judgement of a site with no pattern: an article-shaped, non-listing path."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return not NOT_ARTICLE.search(parts.path) and bool(ARTICLE_SHAPES.search(path))
