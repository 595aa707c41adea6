"""`scrapy crawl article -a url=URL[,URL...]`: fetch given article pages, nothing else.

Each URL is requested as given (a site that serves `/slug/` may answer `/slug` with a 404);
its normalised form is only the storage key. The source is the registered outlet of the URL's
host, or an ad-hoc key made from the host. Refuses non-http(s) URLs and, unless
WARTA_ALLOW_PRIVATE_ADDRESSES, private hosts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.crawler import Crawler
from scrapy.http import Response

from crawler.sources import Source, adhoc_key, load_sources, source_for_url
from spiders.base import WartaSpider


class ArticleSpider(WartaSpider):
    name = "article"
    urls: list[str]
    sources: dict[str, Source]

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ArticleSpider:
        raw = ",".join(filter(None, [kwargs.pop("url", ""), kwargs.pop("urls", "")]))
        urls = [part.strip() for part in raw.split(",") if part.strip()]
        if not urls:
            raise ValueError("the article spider needs -a url=https://outlet.example/article")
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.urls = urls
        spider.sources = load_sources(crawler.settings.get("WARTA_SOURCES_FILE"))
        return spider

    async def start(self) -> Any:
        for url in self.fetchable(self.urls):
            yield self.request(url, self.parse_article, article=True)

    def parse_article(self, response: Response) -> Iterator[Any]:
        source = source_for_url(response.url, self.sources)
        item = self.page_item(
            response,
            source=source.key if source else adhoc_key(response.url),
            discovered_via="argument",
        )
        if item is not None:
            yield item
