"""Base-URL overrides: fetch an outlet's real URLs from another origin (the replay web, a mirror).

Spiders, items and the database only ever see an outlet's public URLs (https://telisik.id/...).
`OriginMap` knows which public origin is served from which transport origin; the download
handler below applies it at the last moment, like a proxy, so every spider runs exactly the
code path it runs against the real sites, and a replayed crawl stores the real URLs (a second
replay on other ports therefore finds the same articles).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future

from crawler.sources import Source, load_sources


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _swap_origin(url: str, origin: str) -> str:
    parts, target = urlsplit(url), urlsplit(origin)
    return urlunsplit((target.scheme, target.netloc, parts.path, parts.query, parts.fragment))


class OriginMap:
    """Public origin ⇄ transport origin, for the outlets whose base URL is overridden."""

    def __init__(self, public_to_transport: Mapping[str, str]):
        self._to_transport = {
            origin_of(public): origin_of(transport)
            for public, transport in public_to_transport.items()
        }
        self._to_public = {transport: public for public, transport in self._to_transport.items()}

    @classmethod
    def from_overrides(
        cls, sources: Mapping[str, Source], overrides: Mapping[str, str]
    ) -> OriginMap:
        """Build from WARTA_BASE_URLS ({source key: base URL}); unknown keys are an error."""
        unknown = sorted(set(overrides) - set(sources))
        if unknown:
            raise ValueError(f"WARTA_BASE_URLS names unknown sources: {', '.join(unknown)}")
        return cls({sources[key].base_url: url for key, url in overrides.items()})

    def __bool__(self) -> bool:
        return bool(self._to_transport)

    def to_transport(self, url: str) -> str:
        transport = self._to_transport.get(origin_of(url))
        return _swap_origin(url, transport) if transport else url

    def to_public(self, url: str) -> str:
        public = self._to_public.get(origin_of(url))
        return _swap_origin(url, public) if public else url


def origin_map_from_settings(settings: Mapping[str, object]) -> OriginMap:
    overrides = settings.get("WARTA_BASE_URLS") or {}
    if isinstance(overrides, str):  # `-s WARTA_BASE_URLS='{"telisik": "http://..."}'`
        try:
            overrides = json.loads(overrides)
        except json.JSONDecodeError as error:
            raise ValueError(f"WARTA_BASE_URLS is not JSON: {error}") from None
    if not isinstance(overrides, Mapping):
        raise ValueError("WARTA_BASE_URLS must be a mapping of source key to base URL")
    sources = load_sources(settings.get("WARTA_SOURCES_FILE"))  # type: ignore[arg-type]
    return OriginMap.from_overrides(sources, {str(k): str(v) for k, v in overrides.items()})


class OriginOverrideDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, sending requests for overridden origins to their transport."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.origins = origin_map_from_settings(crawler.settings)

    async def download_request(self, request: Request) -> Response:
        transport_url = self.origins.to_transport(request.url)
        if transport_url == request.url:
            return await super().download_request(request)
        response = await super().download_request(request.replace(url=transport_url))
        location = response.headers.get(b"Location")
        if location:
            public = self.origins.to_public(location.decode("latin-1"))
            response.headers[b"Location"] = public.encode("latin-1")
        return response.replace(url=request.url)

    async def close(self) -> None:
        """Scrapy's close, minus a race: its disconnect timer may fire on an already-fired
        Deferred (AlreadyCalledError) when many crawlers stop together, as in `warta crawl`."""
        from twisted.internet import reactor as installed

        reactor: Any = installed  # typed through zope interfaces, which mypy cannot follow
        closed = self._pool.closeCachedConnections()
        timer = reactor.callLater(
            self._disconnect_timeout, lambda: None if closed.called else closed.callback(None)
        )
        try:
            await maybe_deferred_to_future(closed)
        finally:
            if timer.active():
                timer.cancel()
