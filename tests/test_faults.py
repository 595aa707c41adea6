"""Faults: the middlewares on their own (fake crawler), then real crawls of the faulty replay web.

The first layer pins the policy of crawler.middlewares (which redirect is refused and why, how
long a retry waits). The second crawls the replay web in fault mode in a subprocess, one fault
at a time, and compares the database with a crawl of the healthy replay web: every article the
healthy crawl stores is stored once, nothing else, and the fault is counted in the crawl stats.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from crawler.items import ARTICLE_META
from crawler.middlewares import (
    BackoffRetryMiddleware,
    RedirectGuardMiddleware,
    RedirectTargetGuardMiddleware,
    RefusedRequest,
    parse_retry_after,
)


class SiteSpider(Spider):
    name = "faults_site"
    origin = "https://telisik.id"


class AdhocSpider(Spider):
    name = "faults_adhoc"


def crawler_for(spidercls: type[Spider], **settings: Any) -> Any:
    crawler = get_crawler(spidercls, settings)
    crawler.spider = crawler._create_spider()
    return crawler


def guard(spidercls: type[Spider] = SiteSpider, **settings: Any) -> RedirectGuardMiddleware:
    return RedirectGuardMiddleware.from_crawler(crawler_for(spidercls, **settings))


def target_guard(**settings: Any) -> RedirectTargetGuardMiddleware:
    return RedirectTargetGuardMiddleware.from_crawler(crawler_for(AdhocSpider, **settings))


def redirect(
    url: str, location: str, *, article: bool = True, status: int = 301
) -> tuple[Request, Response]:
    request = Request(url, meta={ARTICLE_META: True} if article else {})
    return request, Response(url, status=status, headers={"Location": location}, request=request)


def refusal(
    middleware: RedirectGuardMiddleware, request: Request, response: Response
) -> str | None:
    try:
        middleware.process_response(request=request, response=response)
    except RefusedRequest as refused:
        return refused.reason
    return None


@pytest.mark.parametrize(
    "location",
    [
        "file:///etc/passwd",
        "ftp://telisik.id/x",
        "data:text/html,<p>x</p>",
        "javascript:alert(1)",
        "gopher://telisik.id/",
    ],
)
def test_redirect_to_a_non_http_scheme_is_refused_and_counted(location: str) -> None:
    middleware = guard()
    assert refusal(middleware, *redirect("https://telisik.id/news/a", location)) == "scheme"
    assert middleware.stats.get_value("warta/refused/scheme") == 1


def test_redirect_loop_is_refused_before_the_duplicate_filter_drops_it() -> None:
    middleware = guard()
    request, response = redirect("https://telisik.id/news/a", "/news/b")
    assert refusal(middleware, request, response) is None
    second = request.replace(url="https://telisik.id/news/b")
    second.meta["redirect_urls"] = ["https://telisik.id/news/a"]
    back = Response(second.url, status=302, headers={"Location": "/news/a#top"}, request=second)
    assert refusal(middleware, second, back) == "redirect_loop"
    assert (
        refusal(middleware, *redirect("https://telisik.id/x", "https://telisik.id/x"))
        == "redirect_loop"
    )


def test_off_site_redirect_of_an_article_is_refused_but_not_of_discovery_or_ad_hoc() -> None:
    middleware = guard()
    assert refusal(
        middleware, *redirect("https://telisik.id/news/a", "https://spam.example/a")
    ) == ("off_site_redirect")
    assert middleware.stats.get_value("warta/refused/off_site_redirect") == 1
    # same site: www., m., http→https
    for location in (
        "https://www.telisik.id/news/a2",
        "https://m.telisik.id/news/a2",
        "http://telisik.id/b",
    ):
        assert refusal(middleware, *redirect("https://telisik.id/news/a", location)) is None
    # a feed that moved to another host is followed (its entries are filtered by site anyway)
    assert (
        refusal(
            middleware,
            *redirect("https://telisik.id/feed", "https://feeds.example/t", article=False),
        )
        is None
    )
    # the article spider has no site: its URL is the user's, a redirect elsewhere is followed
    assert (
        refusal(guard(AdhocSpider), *redirect("https://t.co/x", "https://telisik.id/news/a"))
        is None
    )
    assert (
        refusal(
            guard(WARTA_REFUSE_OFF_SITE_REDIRECTS=False),
            *redirect("https://telisik.id/news/a", "https://spam.example/a"),
        )
        is None
    )


def test_non_redirect_responses_pass_untouched() -> None:
    middleware = guard()
    request = Request("https://telisik.id/news/a")
    response = HtmlResponse(request.url, body=b"<p>x</p>", request=request)
    assert middleware.process_response(request=request, response=response) is response
    no_location = Response(request.url, status=301, request=request)
    assert middleware.process_response(request=request, response=no_location) is no_location


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:8080/a",
        "http://localhost/a",
        "http://[::1]/a",
        "http://10.1.2.3/a",
        "http://169.254.169.254/latest/meta-data/",
        "http://2130706433/a",
    ],
)
def test_redirect_to_a_private_address_is_refused_unless_allowed(target: str) -> None:
    request = Request(target, meta={"redirect_urls": ["https://telisik.id/news/a"]})
    middleware = target_guard()
    with pytest.raises(RefusedRequest) as refused:
        asyncio.run(middleware.process_request(request=request))
    assert refused.value.reason == "private_address"
    assert middleware.stats.get_value("warta/refused/private_address") == 1
    allowed = target_guard(WARTA_ALLOW_PRIVATE_ADDRESSES=True)
    assert asyncio.run(allowed.process_request(request=request)) is None


def test_requests_that_were_not_redirected_are_not_resolved() -> None:
    # the spiders check their own URLs; only redirect targets are the guard's business
    request = Request("http://127.0.0.1:8080/a")
    assert asyncio.run(target_guard().process_request(request=request)) is None


def test_the_request_half_runs_before_robots_txt_is_fetched_for_the_target() -> None:
    from crawler.settings import DOWNLOADER_MIDDLEWARES as order

    assert order["crawler.middlewares.RedirectTargetGuardMiddleware"] < 100  # RobotsTxtMiddleware
    assert order["crawler.middlewares.RedirectGuardMiddleware"] > 600  # RedirectMiddleware


# -- retry with backoff ------------------------------------------------------------------------
def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2024, 8, 1, 12, 0, tzinfo=UTC)
    assert parse_retry_after(b"7") == 7.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now) == 0.0
    for unreadable in (None, b"", b"soon", b"-5", b"1.5e9x"):
        assert parse_retry_after(unreadable) is None


def retry_middleware(**settings: Any) -> BackoffRetryMiddleware:
    return BackoffRetryMiddleware.from_crawler(crawler_for(AdhocSpider, **settings))


def test_backoff_honours_retry_after_up_to_the_cap_else_grows_exponentially_with_jitter() -> None:
    middleware = retry_middleware(
        WARTA_RETRY_AFTER_MAX=10, WARTA_RETRY_BACKOFF_BASE=1, WARTA_RETRY_BACKOFF_MAX=6
    )
    url = "https://telisik.id/news/a"
    asked = Response(url, status=429, headers={"Retry-After": "3"})
    assert middleware.delay(1, asked) == ("retry_after", 3.0)
    too_long = Response(url, status=503, headers={"Retry-After": "3600"})
    assert middleware.delay(1, too_long) == ("retry_after", 10.0)
    # Retry-After on a 500 is not a promise the protocol makes: exponential
    assert (
        middleware.delay(1, Response(url, status=500, headers={"Retry-After": "3"}))[0]
        == "exponential"
    )
    for attempt, nominal in ((1, 1.0), (2, 2.0), (3, 4.0), (4, 6.0), (9, 6.0)):
        waits = {middleware.delay(attempt, Response(url, status=503))[1] for _ in range(50)}
        assert all(0.5 * nominal <= wait < 1.5 * nominal for wait in waits)
        assert len(waits) > 1, "jitter: retries of many requests must not come back in step"


def test_a_429_is_retried_after_its_wait_and_holds_the_host() -> None:
    middleware = retry_middleware(RETRY_TIMES=2, WARTA_RETRY_AFTER_MAX=10)
    request = Request("https://telisik.id/news/a")
    response = Response(request.url, status=429, headers={"Retry-After": "1"}, request=request)

    async def scenario() -> tuple[Any, float, float]:
        started = time.monotonic()
        retry = await middleware.process_response(request=request, response=response)
        waited = time.monotonic() - started
        # a request to the same host arriving now waits for nothing: the hold has passed
        started = time.monotonic()
        await middleware.process_request(request=Request("https://telisik.id/news/b"))
        return retry, waited, time.monotonic() - started

    retry, waited, second_wait = asyncio.run(scenario())
    assert isinstance(retry, Request) and retry.meta["retry_times"] == 1
    assert 0.95 <= waited < 2.0 and second_wait < 0.1
    stats = middleware.crawler.stats
    assert stats.get_value("warta/backoff/retry_after") == 1
    assert stats.get_value("retry/count") == 1


def test_other_requests_to_a_held_host_wait_for_the_hold() -> None:
    middleware = retry_middleware(WARTA_RETRY_AFTER_MAX=10)
    request = Request("https://telisik.id/news/a")
    response = Response(request.url, status=503, headers={"Retry-After": "1"}, request=request)

    async def scenario() -> float:
        retrying = asyncio.ensure_future(
            middleware.process_response(request=request, response=response)
        )
        await asyncio.sleep(0.1)
        started = time.monotonic()
        await middleware.process_request(request=Request("https://telisik.id/news/b"))
        held = time.monotonic() - started
        other_host = time.monotonic()
        await middleware.process_request(request=Request("https://zonasultra.id/x.html"))
        assert time.monotonic() - other_host < 0.05
        await retrying
        return held

    assert 0.8 <= asyncio.run(scenario()) < 1.5


def test_retries_give_up_after_retry_times_and_hand_the_response_on() -> None:
    middleware = retry_middleware(RETRY_TIMES=1, WARTA_RETRY_BACKOFF_BASE=0)
    request = Request("https://telisik.id/news/a", meta={"retry_times": 1})
    response = Response(request.url, status=500, request=request)
    assert asyncio.run(middleware.process_response(request=request, response=response)) is response
    assert middleware.crawler.stats.get_value("retry/max_reached") == 1


def test_exceptions_are_retried_with_backoff() -> None:
    from scrapy.exceptions import DownloadTimeoutError

    middleware = retry_middleware(WARTA_RETRY_BACKOFF_BASE=0.01)
    request = Request("https://telisik.id/news/a")
    retry = asyncio.run(
        middleware.process_exception(request=request, exception=DownloadTimeoutError("t"))
    )
    assert isinstance(retry, Request) and retry.meta["retry_times"] == 1
    assert middleware.crawler.stats.get_value("warta/backoff/exponential") == 1


def test_negative_backoff_settings_are_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="WARTA_RETRY"):
        retry_middleware(WARTA_RETRY_BACKOFF_MAX=-1)
