"""Feeds, sitemaps and page heads as the spiders read them, hostile ones included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from scrapy.utils.test import get_crawler

from crawler.discovery import (
    Listed,
    feeds_from_html,
    links_from_html,
    lists_posts_only,
    parse_datetime,
    parse_feed,
    parse_sitemap,
    sitemaps_from_robots,
)
from spiders.site import SiteSpider

WITA = timezone(timedelta(hours=8))

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Kabar</title>
<item><title>Rakor</title><link>https://kabarsultra.id/rakor-pilkada/</link>
<pubDate>Tue, 09 Jul 2024 15:20:00 +0800</pubDate></item>
<item><title>Banjir</title><link>/banjir-konawe/</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">
<entry><link href="https://x.id/a"/><published>2024-07-09T07:00:00Z</published></entry></feed>"""


def test_rss_entries_with_dates_and_relative_links() -> None:
    assert parse_feed(RSS, "https://kabarsultra.id/feed") == [
        _listed("https://kabarsultra.id/rakor-pilkada/", datetime(2024, 7, 9, 15, 20, tzinfo=WITA)),
        _listed("https://kabarsultra.id/banjir-konawe/", None),
    ]


def test_atom_entries() -> None:
    (entry,) = parse_feed(ATOM, "https://x.id/feed")
    assert entry.url == "https://x.id/a"
    assert entry.published_at == datetime(2024, 7, 9, 7, tzinfo=UTC)


def test_broken_feeds_give_nothing_and_never_raise() -> None:
    for body in (b"", b"<html><body>not a feed", b"\x00\xff\xfe", b"<rss><channel><item><link>"):
        assert parse_feed(body, "https://x.id/feed") == []


def test_entities_are_not_expanded() -> None:
    laughs = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">
    <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
    <rss><channel><item><link>https://x.id/&c;</link></item></channel></rss>"""
    entries = parse_feed(laughs, "https://x.id/feed")
    assert all("aaaaaaaaaa" not in entry.url for entry in entries)
    external = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/hostname">]>
    <rss><channel><item><link>https://x.id/&x;</link></item></channel></rss>"""
    hostname = open("/etc/hostname").read().strip()
    assert all(hostname not in entry.url for entry in parse_feed(external, "https://x.id/feed"))


def test_sitemap_and_index() -> None:
    urlset = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url><loc>https://x.id/a/</loc><lastmod>2024-07-09T10:00:00+08:00</lastmod></url>
    <url><loc>https://x.id/b/</loc></url></urlset>"""
    document = parse_sitemap(urlset, "https://x.id/sitemap.xml")
    assert document is not None and not document.is_index
    assert [entry.url for entry in document.entries] == ["https://x.id/a/", "https://x.id/b/"]
    assert document.entries[0].published_at == datetime(2024, 7, 9, 10, tzinfo=WITA)
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>https://x.id/wp-sitemap-posts-post-1.xml</loc></sitemap></sitemapindex>"""
    document = parse_sitemap(index, "https://x.id/wp-sitemap.xml")
    assert document is not None and document.is_index
    assert parse_sitemap(b"<html>no</html>", "https://x.id/sitemap.xml") is None
    assert parse_sitemap(b"", "https://x.id/sitemap.xml") is None


def test_robots_sitemap_lines() -> None:
    robots = (
        b"User-agent: *\nDisallow: /wp-json/\n"
        b"Sitemap: https://x.id/wp-sitemap.xml\nsitemap: /news.xml\n"
    )
    assert sitemaps_from_robots(robots, "https://x.id/robots.txt") == [
        "https://x.id/wp-sitemap.xml",
        "https://x.id/news.xml",
    ]


def test_page_heads_and_links() -> None:
    html = """<html><head><link rel="alternate" type="application/rss+xml" href="/feed/">
    </head><body><a href="/a/">A</a><a href="#top">top</a><a href="mailto:r@x.id">m</a>
    <a href="javascript:void(0)">j</a><a href="https://other.id/b">b</a></body></html>"""
    assert feeds_from_html(html, "https://x.id/") == ["https://x.id/feed/"]
    assert links_from_html(html, "https://x.id/") == ["https://x.id/a/", "https://other.id/b"]
    assert links_from_html("", "https://x.id/") == []


def test_dates_in_listing_formats() -> None:
    assert parse_datetime("Tue, 09 Jul 2024 15:20:00 +0800") == datetime(
        2024, 7, 9, 15, 20, tzinfo=WITA
    )
    assert parse_datetime("2024-07-09") == datetime(2024, 7, 9, tzinfo=UTC)
    assert parse_datetime("kemarin") is None
    assert parse_datetime(None) is None


def _listed(url: str, published_at: datetime | None):
    from crawler.discovery import Listed

    return Listed(url, published_at)


def test_posts_and_news_sitemaps_say_their_urls_are_articles() -> None:
    urlset = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url><loc>https://x.id/a</loc></url></urlset>"""
    news = urlset.replace(
        b"</loc>", b"</loc><news:news><news:title>T</news:title></news:news>"
    ).replace(b'0.9">', b'0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">')
    plain = parse_sitemap(urlset, "https://x.id/")
    assert plain is not None and not plain.news
    for name in ("wp-sitemap-posts-post-2.xml", "post-sitemap.xml", "post-sitemap3.xml",
                 "sitemap-posts.xml", "news-sitemap.xml", "sitemap-news.xml"):  # fmt: skip
        assert lists_posts_only(f"https://x.id/{name}", plain), name
    for name in ("wp-sitemap-posts-page-1.xml", "page-sitemap.xml", "sitemap.xml",
                 "wp-sitemap-taxonomies-category-1.xml", "category-sitemap.xml"):  # fmt: skip
        assert not lists_posts_only(f"https://x.id/{name}", plain), name
    document = parse_sitemap(news, "https://x.id/")
    assert document is not None and lists_posts_only("https://x.id/sitemap.xml", document)


def test_trusted_listings_are_articles_whatever_their_slug() -> None:
    listed = [
        Listed(url)
        for url in (
            "https://sultra.example/?p=12",
            "https://sultra.example/2024/01/01/berita-r00/",
            "https://sultra.example/",
            "https://lain.example/2024/01/01/berita-r01/",
            "https://sultra.example/berita-r02/?utm_source=beranda",
        )
    ]

    def requested(trusted: bool) -> list[str]:
        spider = SiteSpider.from_crawler(get_crawler(SiteSpider), url="https://sultra.example/")
        return [r.url for r in spider.article_requests(listed, via="sitemap", trusted=trusted)]

    # as listed (slash kept, tracking dropped); the home page and other sites never
    assert requested(True) == [
        "https://sultra.example/?p=12",
        "https://sultra.example/2024/01/01/berita-r00/",
        "https://sultra.example/berita-r02/",
    ]
    assert requested(False) == ["https://sultra.example/?p=12"]  # the slug heuristic alone
