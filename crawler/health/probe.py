"""What a live check of one outlet saw: plain records the `check` spider fills in.

No Scrapy here: the spider (spiders/check.py) writes, the verdict (crawler/health/verdict.py)
and the storage read.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

THRESHOLDS_FILE = Path(__file__).with_name("thresholds.toml")


@dataclass(frozen=True)
class Budget:
    """How much one outlet's check may fetch (thresholds.toml [budget])."""

    feeds: int = 2
    sitemaps: int = 2
    sitemap_children: int = 1
    listings: int = 2
    sample_articles: int = 3
    retry_times: int = 1
    redirect_max_times: int = 3

    @property
    def documents(self) -> int:
        """Documents at most: robots.txt, home page, feeds, sitemaps (each index with its
        children), listings, the sample."""
        sitemaps = self.sitemaps * (1 + self.sitemap_children)
        return 2 + self.feeds + sitemaps + self.listings + self.sample_articles

    @property
    def max_requests(self) -> int:
        """Requests at most: every document tried retry_times + 1 times, each with its redirects."""
        return self.documents * (self.retry_times + 1) * (self.redirect_max_times + 1)


@dataclass(frozen=True)
class Limits:
    """When a working outlet is degraded (thresholds.toml [degraded])."""

    max_refused_share: float = 0.5
    max_undated_share: float = 0.5
    min_text_chars: int = 250
    max_short_share: float = 0.5
    max_foreign_share: float = 0.5


@dataclass(frozen=True)
class Thresholds:
    budget: Budget
    limits: Limits

    @classmethod
    def load(cls, path: Path | str | None = None) -> Thresholds:
        with Path(path or THRESHOLDS_FILE).open("rb") as handle:
            data = tomllib.load(handle)
        try:
            return cls(Budget(**data.get("budget", {})), Limits(**data.get("degraded", {})))
        except TypeError as error:
            raise ValueError(f"{path or THRESHOLDS_FILE}: {error}") from None


@dataclass
class Fetch:
    """One document asked for: where it ended (after redirects), its status, or its error."""

    url: str
    final_url: str = ""
    status: int | None = None
    error: str = ""  # failure kind (spiders.base.failure_kind): "dns", "http_503", ...

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300 and not self.error


@dataclass
class Listing:
    """A feed, sitemap or listing page: the article URLs it names, and their newest date."""

    fetch: Fetch
    kind: str  # "feed" | "sitemap" | "listing"
    parsed: bool = False
    entries: int = 0
    #: article URLs the outlet names here and whether its pattern takes each (feeds and posts
    #: sitemaps name articles whatever their shape; listing pages name every link)
    judged: dict[str, bool] = field(default_factory=dict)
    #: the date the document gives each of those URLs (feeds and sitemaps)
    dated: dict[str, datetime | None] = field(default_factory=dict)
    newest: datetime | None = None


@dataclass
class Sample:
    """One of the newest articles, fetched and extracted."""

    fetch: Fetch
    title: str = ""
    published: datetime | None = None
    text_chars: int = 0
    language: str = ""
    #: the language stage would keep it (WARTA_LANGUAGES, WARTA_LANGUAGE_MIN_PROBABILITY)
    language_kept: bool = True


@dataclass
class OutletProbe:
    """Everything one check of one outlet saw."""

    key: str
    base_url: str
    robots: Fetch | None = None
    robots_disallows_all: bool = False
    home: Fetch | None = None
    listings: list[Listing] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    requests: int = 0

    def of_kind(self, kind: str) -> list[Listing]:
        return [listing for listing in self.listings if listing.kind == kind]

    def summary(self) -> dict[str, Any]:
        """The figures stored with the verdict (JSON-ready)."""

        def listed(kind: str) -> dict[str, Any]:
            found = [item for item in self.of_kind(kind) if item.fetch.ok and item.parsed]
            dates = [item.newest for item in found if item.newest]
            return {
                "found": len(found),
                "tried": len(self.of_kind(kind)),
                "entries": sum(item.entries for item in found),
                "articles_taken": sum(sum(item.judged.values()) for item in found),
                "articles_refused": sum(
                    sum(not taken for taken in item.judged.values()) for item in found
                ),
                "newest": max(dates).isoformat() if dates else None,
            }

        return {
            "robots": _fetch_summary(self.robots),
            "home": _fetch_summary(self.home),
            "feeds": listed("feed"),
            "sitemaps": listed("sitemap"),
            "listings": listed("listing"),
            "sample": [
                {
                    "url": sample.fetch.url,
                    "status": sample.fetch.status,
                    "error": sample.fetch.error,
                    "title": sample.title,
                    "published": sample.published.isoformat() if sample.published else None,
                    "text_chars": sample.text_chars,
                    "language": sample.language,
                }
                for sample in self.samples
            ],
            "requests": self.requests,
        }


def _fetch_summary(fetch: Fetch | None) -> dict[str, Any] | None:
    if fetch is None:
        return None
    return {"url": fetch.url, "final_url": fetch.final_url, "status": fetch.status,
            "error": fetch.error}  # fmt: skip
