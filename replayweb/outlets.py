"""Each outlet's URL scheme and theme, mirroring the real site so `crawler/sources.toml` paths work.

The replay web may import only the standard library, so the schemes are declared here rather
than read from the registry; `tests/test_replayweb.py` checks every article URL against the
registry's `article_pattern`. An outlet missing from `SCHEMES` gets the WordPress defaults.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

#: (slug, published, number) -> path; `number` is the outlet's post id for that article.
PathRule = Callable[[str, datetime, int], str]


def slash_permalink(slug: str, published: datetime, number: int) -> str:
    return f"/{slug}/"


def query_permalink(slug: str, published: datetime, number: int) -> str:
    """WordPress "plain" permalinks, as sibernas.id uses."""
    return f"/?p={number}"


def antara_permalink(slug: str, published: datetime, number: int) -> str:
    return f"/berita/{number}/{slug}"


def news_permalink(slug: str, published: datetime, number: int) -> str:
    return f"/news/{slug}"


def html_permalink(slug: str, published: datetime, number: int) -> str:
    return f"/{slug}.html"


def dated_permalink(slug: str, published: datetime, number: int) -> str:
    return f"/{published:%Y/%m/%d}/{slug}"


def dated_slash_permalink(slug: str, published: datetime, number: int) -> str:
    return dated_permalink(slug, published, number) + "/"


@dataclass(frozen=True)
class Scheme:
    """How one outlet lays out its site: permalinks, feeds, sitemaps, listings and the theme."""

    name: str
    theme: str
    permalink: PathRule
    feeds: tuple[str, ...] = ("/feed",)
    #: WordPress: `/wp-sitemap.xml` indexes `/wp-sitemap-posts-post-N.xml`; others: one urlset.
    wordpress: bool = True
    #: Non-WordPress listing: the path whose `?page=N` pages list every article.
    listing: str = "/"
    #: Category listing path for a category slug.
    category: str = "/category/{}/"
    #: Telisik-style AMP copies at this path (with `{}` for the slug).
    amp: str | None = None
    #: Tribun-style articles split in two pages, whole text at `?page=all`.
    paged: bool = False
    #: First post id; ids then step by `number_step` in publication order.
    first_number: int = 1000
    number_step: int = 7
    #: The other trailing-slash form of a page answers 301 to it; False: 404, as some sites do.
    slash_twins: bool = True

    @property
    def sitemap(self) -> str:
        return "/wp-sitemap.xml" if self.wordpress else "/sitemap.xml"

    def listing_page(self, base: str, page: int) -> str:
        """Page N of a listing path: `/page/N/` on WordPress, `?page=N` elsewhere."""
        if page <= 1:
            return base
        if self.wordpress:
            return f"{base.rstrip('/')}/page/{page}/"
        return f"{base}?page={page}"


SCHEMES: dict[str, Scheme] = {
    "sibernas": Scheme("Sibernas", "mh", query_permalink, feeds=(), first_number=41230),
    "indeks": Scheme("Indeks.co.id", "jnews", slash_permalink, first_number=18400),
    "kabarsultra": Scheme("Kabar Sultra", "mh", slash_permalink, first_number=22010),
    "chanetujuh": Scheme("ChaneTujuh.com", "soledad", slash_permalink, first_number=9120),
    "antarasultra": Scheme(
        "ANTARA Sultra",
        "antara",
        antara_permalink,
        feeds=("/rss/terkini.xml",),
        wordpress=False,
        listing="/terkini",
        category="/{}",
        first_number=4021117,
        number_step=13,
    ),
    "telisik": Scheme(
        "Telisik.id",
        "soledad",
        news_permalink,
        feeds=("/feed/rss",),
        wordpress=False,
        category="/kanal/{}",
        amp="/amp/detail/{}",
    ),
    "zonasultra": Scheme("ZonaSultra", "mh", html_permalink, wordpress=False),
    "tribunsultra": Scheme(
        "Tribun Sultra",
        "tribun",
        dated_permalink,
        feeds=("/rss",),
        wordpress=False,
        category="/topic/{}",
        paged=True,
    ),
    "kendaripos": Scheme("Kendari Pos", "jnews", dated_slash_permalink, first_number=301500),
    # Not in the packaged corpus: tests give it articles with short slugs ("berita-r00"), which
    # no slug heuristic takes for articles, on a site that does not redirect slash twins.
    "singkat": Scheme("Warta Singkat", "soledad", dated_slash_permalink, slash_twins=False),
}


def registry_origins(path: Path | str) -> dict[str, str]:
    """{key: base_url} of a registry file (`crawler/sources.toml`), for pages that name real hosts.

    Read as data with tomllib: the replay web imports nothing from the crawler.
    """
    with Path(path).open("rb") as handle:
        data = tomllib.load(handle)
    return {entry["key"]: entry["base_url"].rstrip("/") for entry in data.get("source", [])}


def scheme_for(outlet: str) -> Scheme:
    """The outlet's scheme; unknown outlets are plain WordPress sites in the soledad theme."""
    default = Scheme(outlet.replace("_", " ").title(), "soledad", slash_permalink)
    return SCHEMES.get(outlet, default)
