"""The item that travels spider → extract → language → dedupe → store.

Spiders fill the fetch fields; each pipeline stage fills its own block and the store stage
writes the result. The raw HTML is carried only until extraction has hashed and parsed it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from scrapy.exceptions import DropItem

from storage.warc import ArchivedRecord

#: Request meta key set on article-page requests (middlewares treat them apart from discovery).
ARTICLE_META = "warta_article"


@dataclass
class PageItem:
    # -- filled by the spider --------------------------------------------------------------
    url: str  #: URL of the response (after redirects)
    source: str  #: registry key of the outlet, or "adhoc" for `site`/`article` spiders
    html: str = field(repr=False)  #: decoded body; cleared by the extract stage once parsed
    fetched_at: datetime
    requested_url: str = ""  #: URL as discovered, before redirects
    discovered_via: str = ""  #: "feed", "sitemap", "listing" or "argument"
    listed_published_at: datetime | None = None  #: date the feed/sitemap gave, if any
    #: the page's WARC record (crawler.archive.middleware), if archiving is on
    archived: ArchivedRecord | None = None

    # -- extract stage ---------------------------------------------------------------------
    html_sha256: str | None = None
    canonical_url: str | None = None
    title: str | None = None
    author: str | None = None
    editor: str | None = None
    published_at: datetime | None = None
    site_name: str | None = None
    text: str | None = field(default=None, repr=False)
    removed_boilerplate: list[str] = field(default_factory=list)

    # -- language stage --------------------------------------------------------------------
    language: str | None = None
    language_probability: float | None = None

    # -- dedupe stage ----------------------------------------------------------------------
    signature: bytes | None = field(
        default=None, repr=False
    )  #: serialised MinHash (dedupe.signatures)
    features: dict[str, Any] | None = field(default=None, repr=False)  #: event features, JSON-ready
    #: people, organisations and places named (dedupe.mentions), JSON-ready
    mentions: dict[str, Any] | None = field(default=None, repr=False)


class RejectedPage(DropItem):
    """A page that is no article (no text) or not in an allowed language: dropped, counted and
    remembered (storage.rejected) so that later runs do not fetch it again."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
