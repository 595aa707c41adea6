"""Downloader middlewares: the redirect guard, the retry with backoff, the truncation count,
robots.txt read once.

Spiders check the URLs they are given (crawler.urls.check_fetchable_url); a server then decides
where a request really goes, by redirecting it. `RedirectGuardMiddleware` (on the 3xx) and
`RedirectTargetGuardMiddleware` (on the redirected request) apply the same policy to every
redirect target, so a page cannot send the crawler to `file://`, to a private address
or, for article pages, to another site. `BackoffRetryMiddleware` is Scrapy's retry with a wait
before each retry: the server's Retry-After on 429/503 (capped), else exponential backoff with
jitter, so a struggling outlet is not hammered. `TruncatedHtmlMiddleware` counts article pages
whose HTML stops before its end (honest Content-Length, so no download error says so).
`OnceRobotsTxtMiddleware` obeys robots.txt from the copy the spider itself fetched for its
`Sitemap:` lines, instead of fetching it a second time. All count what they do under `warta/`.
"""

from __future__ import annotations

import logging
import random
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.statscollectors import StatsCollector
from scrapy.utils.asyncio import run_in_thread, sleep
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.response import response_status_message
from w3lib.url import safe_url_string

from crawler.items import ARTICLE_META
from crawler.urls import FETCHABLE_SCHEMES, UnsafeURL, check_fetchable_url

logger = logging.getLogger(__name__)

#: Statuses whose Location header RedirectMiddleware follows.
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: Statuses that mean "too much, slow down": they honour Retry-After and hold the whole host.
BACKOFF_STATUSES = frozenset({429, 503})
#: Request meta key of the spider's own robots.txt request (spiders.discovering): its response
#: is the copy OnceRobotsTxtMiddleware obeys.
ROBOTS_META = "warta_robots"


class RefusedRequest(IgnoreRequest):
    """A request the redirect guard refused; `reason` names the stat `warta/refused/<reason>`."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def _site(url: str) -> str:
    """Host without `www.`/`m.`: an outlet's desktop, bare and mobile hosts are one site."""
    return (urlsplit(url).hostname or "").lower().removeprefix("www.").removeprefix("m.")


def refusal_reason(
    url: str, allow_private: bool, resolve_timeout: float = 2.0
) -> tuple[str, str] | None:
    """(reason, message) when `url` must not be fetched, else None: the ad-hoc URL policy."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as error:
        return "malformed", f"malformed URL: {error}"
    if parts.scheme.lower() not in FETCHABLE_SCHEMES:
        return "scheme", f"scheme {parts.scheme or '(none)'!r} is not http or https"
    if not host:
        return "malformed", "URL has no host"
    try:
        check_fetchable_url(url, allow_private=allow_private, resolve_timeout=resolve_timeout)
    except UnsafeURL as error:
        return "private_address", str(error)
    return None


class _Guard:
    """What both halves of the redirect guard share: the policy settings and the refusal."""

    def __init__(
        self,
        stats: StatsCollector,
        *,
        allow_private: bool,
        refuse_off_site: bool = True,
        resolve_timeout: float = 2.0,
    ):
        self.stats = stats
        self.allow_private = allow_private
        self.refuse_off_site = refuse_off_site
        self.resolve_timeout = resolve_timeout
        self.crawler: Crawler | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        settings = crawler.settings
        if not settings.getbool("WARTA_REDIRECT_GUARD_ENABLED", True):
            raise NotConfigured
        assert crawler.stats is not None
        guard = cls(
            crawler.stats,
            allow_private=settings.getbool("WARTA_ALLOW_PRIVATE_ADDRESSES"),
            refuse_off_site=settings.getbool("WARTA_REFUSE_OFF_SITE_REDIRECTS", True),
            resolve_timeout=settings.getfloat("WARTA_RESOLVE_TIMEOUT", 2.0),
        )
        guard.crawler = crawler
        return guard

    def refuse(self, request: Request, target: str, reason: str, message: str) -> None:
        self.stats.inc_value(f"warta/refused/{reason}")
        first = request.meta.get("redirect_urls", [request.url])[0]
        logger.warning("refused redirect (%s): %s -> %s: %s", reason, first, target, message)
        raise RefusedRequest(reason, f"refused ({reason}): {message}")


class RedirectGuardMiddleware(_Guard):
    """Refuses a 3xx whose target breaks the policy, before RedirectMiddleware follows it.

    Priority 610 (> RedirectMiddleware's 600): it sees the 3xx first. Refused here: non-http(s)
    targets (which Scrapy would hand to the spider as a bare 3xx), loops (which the duplicate
    filter would otherwise drop without a trace) and off-site targets of article requests of
    spiders that crawl one site.
    """

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get(b"Location")
        if response.status not in REDIRECT_STATUSES or not location:
            return response
        if request.meta.get("dont_redirect"):
            return response
        target = urljoin(request.url, safe_url_string(location))
        if location.startswith(b"//"):
            target = f"{urlsplit(request.url).scheme}:{safe_url_string(location)}"
        scheme = urlsplit(target).scheme.lower()
        if scheme not in FETCHABLE_SCHEMES:
            message = f"scheme {scheme or '(none)'!r} is not http or https"
            self.refuse(request, target, "scheme", message)
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if _without_fragment(target) in {_without_fragment(url) for url in chain}:
            self.refuse(request, target, "redirect_loop", f"redirect loop back to {target}")
        off_site = _site(target) != _site(chain[0])
        if off_site and self.refuse_off_site and self._is_site_article(request):
            message = f"article redirected off site to {target}"
            self.refuse(request, target, "off_site_redirect", message)
        return response

    def _is_site_article(self, request: Request) -> bool:
        """Article requests of a spider that crawls one site (discovering spiders have `origin`)."""
        spider = self.crawler.spider if self.crawler is not None else None
        return bool(request.meta.get(ARTICLE_META)) and bool(getattr(spider, "origin", ""))


class RedirectTargetGuardMiddleware(_Guard):
    """Refuses a request that came through a redirect (HTTP or meta refresh) to a private host.

    Priority 90, before RobotsTxtMiddleware (100): otherwise the robots.txt of the private
    host would be fetched before the target is refused. Resolving the host may take up to
    WARTA_RESOLVE_TIMEOUT, so it runs off the reactor thread.
    """

    async def process_request(self, request: Request) -> None:
        if not request.meta.get("redirect_urls"):
            return None
        refusal = await run_in_thread(
            refusal_reason, request.url, self.allow_private, self.resolve_timeout
        )
        if refusal is not None:
            self.refuse(request, request.url, *refusal)
        return None


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]


def parse_retry_after(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or HTTP-date); None if unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware (same settings, stats and give-up) that waits before retrying.

    The wait is the server's Retry-After on 429/503, capped at WARTA_RETRY_AFTER_MAX; otherwise
    WARTA_RETRY_BACKOFF_BASE · 2^(attempt-1), capped at WARTA_RETRY_BACKOFF_MAX, times a random
    factor in [0.5, 1.5) so that many failed requests do not return in step. A 429/503 also
    holds the whole host for the wait: other requests to it wait too.
    """

    def __init__(self, settings: BaseSettings, seed: int | None = None):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("WARTA_RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("WARTA_RETRY_BACKOFF_MAX", 30.0)
        self.retry_after_max = settings.getfloat("WARTA_RETRY_AFTER_MAX", 120.0)
        if min(self.backoff_base, self.backoff_max, self.retry_after_max) < 0:
            raise ValueError("WARTA_RETRY_BACKOFF_BASE, _BACKOFF_MAX and _AFTER_MAX must be >= 0")
        self.random = random.Random(seed)
        self._held_until: dict[str, float] = {}

    def delay(self, attempt: int, response: Response | None = None) -> tuple[str, float]:
        """(kind, seconds) to wait before retry number `attempt` (1 for the first retry)."""
        if response is not None and response.status in BACKOFF_STATUSES:
            asked = parse_retry_after(response.headers.get(b"Retry-After"))
            if asked is not None:
                return "retry_after", min(asked, self.retry_after_max)
        exponential = min(self.backoff_base * 2 ** max(attempt - 1, 0), self.backoff_max)
        return "exponential", exponential * self.random.uniform(0.5, 1.5)

    async def process_request(self, request: Request) -> None:
        wait = self._held_until.get(self._host(request), 0.0) - time.monotonic()
        if wait > 0:
            await sleep(wait)
        return None

    # async overrides of Scrapy's sync methods: Scrapy awaits either form
    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        kind, seconds = self.delay(retry.meta["retry_times"], response)
        if response.status in BACKOFF_STATUSES:
            host = self._host(request)
            until = time.monotonic() + seconds
            self._held_until[host] = max(self._held_until.get(host, 0.0), until)
        await self._wait(kind, seconds, request)
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        retry = super().process_exception(request=request, exception=exception)
        if isinstance(retry, Request):
            kind, seconds = self.delay(retry.meta["retry_times"])
            await self._wait(kind, seconds, request)
        return retry

    async def _wait(self, kind: str, seconds: float, request: Request) -> None:
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value(f"warta/backoff/{kind}")
            stats.max_value("warta/backoff/max_wait_ms", int(seconds * 1000))
        logger.debug("waiting %.2f s (%s) before retrying %s", seconds, kind, request.url)
        if seconds > 0:
            await sleep(seconds)

    @staticmethod
    def _host(request: Request) -> str:
        return urlsplit(request.url).netloc.lower()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        return middleware


class TruncatedHtmlMiddleware:
    """Counts (`warta/truncated_html`) and logs article pages whose HTML never closes.

    A body cut short with an honest Content-Length downloads without error; whatever article
    text it holds is still extracted and stored (the cut is usually in the footer), but the
    count makes a site that truncates visible in the crawl stats. Sits below
    HttpCompressionMiddleware (585 < 590) so it reads the decompressed body.
    """

    #: A page that closes neither </body> nor </html> in its last bytes was cut short.
    TAIL_BYTES = 64 * 1024

    def __init__(self, stats: StatsCollector):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TruncatedHtmlMiddleware:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status != 200 or not request.meta.get(ARTICLE_META):
            return response
        content_type = (response.headers.get(b"Content-Type") or b"").lower()
        if b"html" not in content_type:
            return response
        tail = response.body[-self.TAIL_BYTES :].lower()
        if b"</html" not in tail and b"</body" not in tail:
            self.stats.inc_value("warta/truncated_html")
            logger.warning("truncated HTML (no </body> or </html>): %s", request.url)
        return response


class OnceRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, fed by the spider's own robots.txt response.

    Discovering spiders read robots.txt themselves (for its `Sitemap:` lines) before any other
    request to the site; Scrapy's middleware would fetch it again for the first request it
    checks. Here the spider's response (meta ROBOTS_META, not itself checked) becomes the
    middleware's parser for that host, so robots.txt is read once per outlet and run. A host
    whose robots.txt the spider could not read is fetched by the middleware as before.
    """

    def process_response(self, request: Request, response: Response) -> Response:
        netloc = urlparse_cached(request).netloc
        if request.meta.get(ROBOTS_META) and netloc not in self._parsers:
            # as RobotsTxtMiddleware parses its own download, whatever the status
            self._parsers[netloc] = build_from_crawler(
                self._parserimpl, self.crawler, response.body
            )
            self._stats.inc_value("robotstxt/request_count")
            self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        return response
