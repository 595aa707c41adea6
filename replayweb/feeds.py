"""Machine-readable listings: RSS 2.0 feeds, sitemaps and sitemap indexes, robots.txt.

Shaped like WordPress output (the format most Sultra outlets serve); all text is XML-escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from replayweb.corpus import WITA


@dataclass(frozen=True)
class FeedItem:
    url: str
    title: str
    published: datetime
    author: str | None
    category: str
    excerpt: str
    guid: str


def rss(title: str, home: str, self_url: str, items: Sequence[FeedItem]) -> str:
    """An RSS 2.0 channel; `pubDate` in RFC 822 as WordPress writes it."""
    built = max((item.published for item in items), default=datetime(2024, 1, 1, tzinfo=WITA))
    entries = "".join(
        "<item>"
        f"<title>{escape(item.title)}</title>"
        f"<link>{escape(item.url)}</link>"
        f'<guid isPermaLink="false">{escape(item.guid)}</guid>'
        f"<pubDate>{format_datetime(item.published.astimezone(WITA))}</pubDate>"
        + (f"<dc:creator><![CDATA[{_cdata(item.author)}]]></dc:creator>" if item.author else "")
        + f"<category><![CDATA[{_cdata(item.category)}]]></category>"
        f"<description><![CDATA[{_cdata(item.excerpt)} [&#8230;]]]></description>"
        "</item>"
        for item in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">'
        f"<channel><title>{escape(title)}</title>"
        f'<atom:link href="{escape(self_url)}" rel="self" type="application/rss+xml" />'
        f"<link>{escape(home)}</link><description>Berita terkini {escape(title)}</description>"
        f"<lastBuildDate>{format_datetime(built.astimezone(WITA))}</lastBuildDate>"
        f"<language>id-ID</language>{entries}</channel></rss>\n"
    )


def _cdata(text: str) -> str:
    """CDATA cannot hold `]]>`; split it the standard way."""
    return text.replace("]]>", "]]]]><![CDATA[>")


def urlset(entries: Iterable[tuple[str, datetime | None]]) -> str:
    """A sitemap; `lastmod` in W3C datetime (ISO 8601 with the +08:00 offset)."""
    rows = "".join(
        f"<url><loc>{escape(url)}</loc>"
        + (f"<lastmod>{lastmod.astimezone(WITA).isoformat()}</lastmod>" if lastmod else "")
        + "</url>"
        for url, lastmod in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>\n'
    )


def sitemap_index(sitemaps: Iterable[tuple[str, datetime | None]]) -> str:
    rows = "".join(
        f"<sitemap><loc>{escape(url)}</loc>"
        + (f"<lastmod>{lastmod.astimezone(WITA).isoformat()}</lastmod>" if lastmod else "")
        + "</sitemap>"
        for url, lastmod in sitemaps
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</sitemapindex>\n'
    )


def robots(sitemaps: Iterable[str]) -> str:
    """WordPress-style robots.txt; telisik, sibernas and sultratv add the `/wp-json/` rule."""
    lines = [
        "User-agent: *",
        "Disallow: /wp-admin/",
        "Allow: /wp-admin/admin-ajax.php",
        "Disallow: /wp-json/",
        "Disallow: /?s=",
        "",
    ]
    lines += [f"Sitemap: {url}" for url in sitemaps]
    return "\n".join(lines) + "\n"
