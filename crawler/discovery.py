"""Reading the places where outlets list their articles: RSS/Atom feeds, sitemaps, HTML heads.

Plain functions over bytes, used by the spiders. XML is parsed without entity expansion or
network access (hostile feeds exist); sitemaps go through Scrapy's own hardened parser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from io import BytesIO
from urllib.parse import urljoin

import lxml.etree
import lxml.html
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

#: Feed documents larger than this are not read past it (a huge feed is a fault, not news).
MAX_FEED_ENTRIES = 5000
#: Sitemaps that list posts only, by their names: WordPress core (`wp-sitemap-posts-post-N`;
#: not `-page-N`, the static pages), Yoast and Rank Math (`post-sitemapN`), news sitemaps and
#: the common `sitemap-posts` / `sitemap-news`. What they list are articles, whatever the slug.
POSTS_SITEMAP = re.compile(
    r"(?:^|/)(?:wp-sitemap-posts-post-\d+|post-sitemap\d*|sitemap-posts?(?:-\d+)?"
    r"|news-sitemap\d*|sitemap-news\d*|sitemap_news)\.xml$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Listed:
    """A URL some listing names, with the date the listing gives for it (if any)."""

    url: str
    published_at: datetime | None = None


@dataclass(frozen=True)
class SitemapDocument:
    is_index: bool
    entries: list[Listed]
    #: the document is a Google News sitemap (`<news:news>` entries): it lists articles only
    news: bool = False


def lists_posts_only(sitemap_url: str, document: SitemapDocument) -> bool:
    """Whether a sitemap says its URLs are articles: a posts sitemap by name, or news entries."""
    path = sitemap_url.split("?", 1)[0]
    return document.news or bool(POSTS_SITEMAP.search(path))


def parse_datetime(value: str | None) -> datetime | None:
    """RFC 822 (RSS) or ISO 8601 (Atom, sitemaps) into an aware datetime; None when unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def parse_feed(body: bytes, base_url: str) -> list[Listed]:
    """Entries of an RSS 2.0, RSS 1.0 or Atom feed; an unreadable feed gives an empty list."""
    parser_events = lxml.etree.iterparse(
        BytesIO(body),
        events=("end",),
        recover=True,
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        remove_pis=True,
    )
    entries: list[Listed] = []
    try:
        for _, element in parser_events:
            if _local(element.tag) not in {"item", "entry"}:
                continue
            link, published = _feed_entry(element)
            if link:
                entries.append(Listed(urljoin(base_url, link), parse_datetime(published)))
                if len(entries) >= MAX_FEED_ENTRIES:
                    break
            element.clear()
    except lxml.etree.XMLSyntaxError:
        pass  # recover=True still raises on documents with no root; what was read is kept
    return entries


def _feed_entry(element: lxml.etree._Element) -> tuple[str | None, str | None]:
    link = published = None
    for child in element:
        name = _local(child.tag)
        if name == "link":
            link = child.get("href") or (child.text or "").strip() or link
        elif name in {"pubdate", "published", "updated", "date"} and not published:
            published = child.text
    return link, published


def parse_sitemap(body: bytes, base_url: str) -> SitemapDocument | None:
    """A sitemap or sitemap index; None when the body is not one."""
    try:
        sitemap = Sitemap(body)
    except (lxml.etree.XMLSyntaxError, StopIteration):
        return None
    if sitemap.type not in {"urlset", "sitemapindex"}:
        return None
    entries = []
    news = False
    for entry in _bounded(iter(sitemap)):
        loc = entry.get("loc")
        if loc:
            entries.append(Listed(urljoin(base_url, loc), parse_datetime(entry.get("lastmod"))))
            news = news or "news" in entry
    return SitemapDocument(is_index=sitemap.type == "sitemapindex", entries=entries, news=news)


def _bounded(entries: Iterator[dict[str, str]]) -> Iterator[dict[str, str]]:
    for count, entry in enumerate(entries):
        if count >= 50_000:  # the sitemap protocol's own limit per file
            return
        yield entry


def sitemaps_from_robots(body: bytes, base_url: str) -> list[str]:
    return list(sitemap_urls_from_robots(body, base_url=base_url))


def feeds_from_html(html: str, base_url: str) -> list[str]:
    """`<link rel="alternate" type="application/rss+xml">` feeds a page advertises."""
    document = _html_document(html)
    if document is None:
        return []
    found = []
    for link in document.iterfind(".//link"):
        rel = (link.get("rel") or "").lower()
        kind = (link.get("type") or "").lower()
        if "alternate" in rel and ("rss" in kind or "atom" in kind) and link.get("href"):
            found.append(urljoin(base_url, link.get("href")))
    return found


def links_from_html(html: str, base_url: str) -> list[str]:
    """Absolute http(s) targets of a page's `<a href>` links, in page order."""
    document = _html_document(html)
    if document is None:
        return []
    links = []
    for anchor in document.iterfind(".//a"):
        href = (anchor.get("href") or "").strip()
        if href and not href.startswith(("#", "mailto:", "javascript:", "tel:")):
            absolute = urljoin(base_url, href)
            if absolute.startswith(("http://", "https://")):
                links.append(absolute)
    return links


def _html_document(html: str) -> lxml.html.HtmlElement | None:
    if not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return None
