"""One outlet's website: routes a request path to a rendered page, feed, sitemap or error.

Pages are rendered on request (nothing is cached), so a 10k-article generated corpus costs
only its articles' memory. Links are absolute under `origin`, which is the replay server's own
base URL unless the caller wants pages to name the real host (a base-URL-rewriting crawler).

Deterministic link variety, by an article's position `i` in the outlet (oldest first):
  - i % 3 == 0: listings also link it with `?utm_source=...` (a duplicate URL, answered 200);
  - i % 4 == 2: listings link the trailing-slash variant, which answers 301 to the canonical;
  - telisik, i % 3 == 1: listings link only the AMP copy `/amp/detail/<slug>`.
The home page also links `BROKEN_404` and `BROKEN_500` article-looking URLs.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

from replayweb import feeds, replies
from replayweb.corpus import WITA, Article
from replayweb.outlets import Scheme
from replayweb.page_parts import ArticleView, Chrome, ListingView
from replayweb.replies import Reply
from replayweb.themes import render_article, render_listing

PER_PAGE = 10
SITEMAP_CHUNK = 2000  # WordPress core's wp-sitemap page size
UTM = "utm_source=beranda&utm_medium=thumbnail&utm_campaign=terkini"
TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid)$")
BROKEN_DAY = datetime(2024, 1, 2, 9, tzinfo=WITA)

#: Topic categories by keyword, first match wins; every article is also in "daerah".
TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("politik", ("pilkada", "pemilu", "kpu", "bawaslu", "pemilih", "kampanye", "dprd", "partai")),
    ("hukum", ("polres", "polda", "polisi", "narkoba", "tersangka", "kejati", "kejari", "sidang")),
    ("ekonomi", ("ekonomi", "harga", "pasar", "umkm", "inflasi", "nikel", "tambang", "investasi")),
    ("pendidikan", ("sekolah", "pendidikan", "siswa", "kampus", "guru", "mahasiswa")),
    ("kesehatan", ("kesehatan", "rumah sakit", "stunting", "puskesmas", "dbd", "vaksin")),
    ("olahraga", ("olahraga", "sepak bola", "porprov", "atlet", "turnamen")),
)  # fmt: skip


def topic_of(article: Article) -> str:
    text = f"{article.title} {article.slug}".lower()
    for name, words in TOPICS:
        if any(word in text for word in words):
            return name
    return "daerah"


def with_query(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}"


def toggle_slash(path: str) -> str | None:
    """The trailing-slash twin of a path, or None where a real site would not have one."""
    if "?" in path or path == "/" or path.endswith((".html", ".xml", ".txt")):
        return None
    return path[:-1] if path.endswith("/") else path + "/"


@dataclass(frozen=True)
class Placement:
    """Where one article lives on its site."""

    article: Article
    index: int
    number: int
    path: str  # the page listings and feeds link (tribun: page 1 of 2)
    topic: str


class Site:
    """The routes of one outlet. `respond(target)` never raises for a well-formed request target."""

    def __init__(self, key: str, scheme: Scheme, articles: Sequence[Article], origin: str) -> None:
        self.key = key
        self.scheme = scheme
        self.origin = origin.rstrip("/")
        ordered = sorted(articles, key=lambda a: (a.published, a.id))
        self.placements: list[Placement] = []
        self._by_path: dict[str, Placement] = {}
        self._by_amp: dict[str, Placement] = {}
        for index, article in enumerate(ordered):
            number = scheme.first_number + index * scheme.number_step
            path = scheme.permalink(article.slug, article.published, number)
            placement = Placement(article, index, number, path, topic_of(article))
            if path in self._by_path:
                raise ValueError(f"{key}: two articles at {path}")
            self.placements.append(placement)
            self._by_path[path] = placement
            if scheme.amp:
                self._by_amp[scheme.amp.format(article.slug)] = placement
        self.newest = list(reversed(self.placements))
        self._by_topic: dict[str, list[Placement]] = {}
        for placement in self.placements:
            self._by_topic.setdefault(placement.topic, []).append(placement)
        self.topics = sorted({p.topic for p in self.placements} | {"daerah"})
        self.broken_404 = scheme.permalink("berita-sudah-dihapus", BROKEN_DAY, 404)
        self.broken_500 = scheme.permalink("berita-galat-server", BROKEN_DAY, 500)
        self.chrome = Chrome(
            site_name=scheme.name,
            home=self.origin,
            menu=[(self.url(self.category_path(t)), t.title()) for t in self.topics],
            feed=self.url(scheme.feeds[0]) if scheme.feeds else None,
            popular=[(self.url(self.listed_path(p)), p.article.title) for p in self.newest[:5]],
        )

    # -- URLs ---------------------------------------------------------------------------------
    def url(self, path: str) -> str:
        return self.origin + path

    def category_path(self, topic: str) -> str:
        return self.scheme.category.format(topic)

    def canonical_path(self, placement: Placement) -> str:
        """Where the whole text lives: tribun's `?page=all` for a multi-page article."""
        if self.scheme.paged and self.page_count(placement) > 1:
            return placement.path + "?page=all"
        return placement.path

    def amp_path(self, placement: Placement) -> str | None:
        return self.scheme.amp.format(placement.article.slug) if self.scheme.amp else None

    def listed_path(self, placement: Placement) -> str:
        """The URL a listing uses for this article (AMP-only or slash-variant for some)."""
        amp = self.amp_path(placement)
        if amp and placement.index % 3 == 1:
            return amp
        twin = toggle_slash(placement.path) if self.scheme.slash_twins else None
        if twin and placement.index % 4 == 2:
            return twin
        return placement.path

    def utm_path(self, placement: Placement) -> str | None:
        return with_query(placement.path, UTM) if placement.index % 3 == 0 else None

    def page_count(self, placement: Placement) -> int:
        return 2 if len(placement.article.paragraphs) > 1 else 1

    def listing_bases(self) -> list[str]:
        bases = ["/"] if self.scheme.listing == "/" else ["/", self.scheme.listing]
        return bases + [self.category_path(topic) for topic in self.topics]

    def sitemap_urls(self) -> list[str]:
        """Absolute URLs of the documents listing every post (the targets of the sitemap index)."""
        if not self.scheme.wordpress:
            return [self.url("/sitemap-posts.xml")]
        chunks = max(1, -(-len(self.placements) // SITEMAP_CHUNK))
        return [self.url(f"/wp-sitemap-posts-post-{n}.xml") for n in range(1, chunks + 1)]

    # -- routing ------------------------------------------------------------------------------
    def respond(self, target: str) -> Reply:
        parts = urlsplit(target)
        path = parts.path or "/"
        params = [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not TRACKING.match(k)
        ]
        query = dict(params)
        if path == "/robots.txt":
            return Reply(200, feeds.robots([self.url(self.scheme.sitemap)]).encode(), replies.TEXT)
        if path in self.scheme.feeds:
            return self.feed(path)
        sitemap = self.sitemap(path)
        if sitemap is not None:
            return sitemap
        key = f"/?p={query['p']}" if path == "/" and "p" in query else path
        if key in (self.broken_500, self.broken_500.rstrip("/")):
            return replies.server_error(500)
        if key in self._by_path:
            return self.article_page(self._by_path[key], query.get("page"))
        if key in self._by_amp:
            return self.article_page(self._by_amp[key], None, amp=True)
        listing = self.listing(path, query)
        if listing is not None:
            return listing
        twin = toggle_slash(path) if self.scheme.slash_twins else None
        if twin and (twin in self._by_path or self.listing(twin, query) is not None):
            return replies.redirect(self.url(twin if not parts.query else f"{twin}?{parts.query}"))
        return replies.not_found()

    # -- pages --------------------------------------------------------------------------------
    def article_page(self, placement: Placement, page: str | None, amp: bool = False) -> Reply:
        article = placement.article
        paragraphs = article.paragraphs
        neighbours = [p for p in self._by_topic[placement.topic][-4:] if p is not placement]
        other = self.placements[placement.index - 1] if placement.index else None
        if other is None and len(self.placements) > 1:
            other = self.placements[1]
        view = dict(
            chrome=self.chrome,
            article=article,
            url=self.url(placement.path),
            paragraphs=paragraphs,
            category=(self.url(self.category_path(placement.topic)), placement.topic.title()),
            read_also=(self.url(other.path), other.article.title) if other else None,
            related=[(self.url(p.path), p.article.title) for p in neighbours[-3:]],
            tags=[
                (self.url(self.category_path(placement.topic)), placement.topic.title()),
                (self.url(self.category_path("daerah")), "Sultra"),
            ],
            views=100 + zlib.crc32(article.id.encode()) % 4900,
            amp_url=self.url(amp_path) if (amp_path := self.amp_path(placement)) else None,
        )
        if amp:
            return replies.html(render_article("amp", ArticleView(**view)))  # type: ignore[arg-type]
        if self.scheme.paged and self.page_count(placement) > 1:
            view.update(self.paging(placement, page))
        return replies.html(render_article(self.scheme.theme, ArticleView(**view)))  # type: ignore[arg-type]

    def paging(self, placement: Placement, page: str | None) -> dict[str, object]:
        """Tribun: page 1 shows the first half, `?page=2` the rest, `?page=all` everything."""
        paragraphs = placement.article.paragraphs
        half = (len(paragraphs) + 1) // 2
        base = self.url(placement.path)
        pages = [(base, "1"), (f"{base}?page=2", "2"), (f"{base}?page=all", "Tampilkan Semua")]
        if page == "all":
            return {"url": f"{base}?page=all", "pages": pages}
        if page == "2":
            return {
                "url": f"{base}?page=2",
                "paragraphs": paragraphs[half:],
                "pages": pages,
                "page_label": "Halaman 2/2",
                "first_page": False,
            }
        return {
            "paragraphs": paragraphs[:half],
            "pages": pages,
            "page_label": "Halaman 1/2",
            "last_page": False,
        }

    def listing(self, path: str, query: dict[str, str]) -> Reply | None:
        """Home, the listing path and category pages, `PER_PAGE` newest first; None if not one."""
        base, page = path, 1
        match = re.fullmatch(r"(.*?/)page/(\d+)/?", path)
        if self.scheme.wordpress and match:
            base, page = match.group(1), int(match.group(2))
        elif not self.scheme.wordpress and query.get("page", "").isdigit():
            page = int(query["page"])
        if base not in self.listing_bases() or set(query) - {"page"}:
            return None
        topic = next((t for t in self.topics if self.category_path(t) == base), None)
        chosen = [p for p in self.newest if topic in (None, "daerah", p.topic)]
        last = max(1, -(-len(chosen) // PER_PAGE))
        if page < 1 or page > last:
            return replies.not_found()
        shown = chosen[(page - 1) * PER_PAGE : page * PER_PAGE]
        items = [
            (
                (self.url(self.listed_path(p)), p.article.title),
                p.article.published,
                " ".join(p.article.paragraphs[0].split()[:30]),
                self.url(utm) if (utm := self.utm_path(p)) else None,
            )
            for p in shown
        ]
        window = range(max(1, page - 2), min(last, page + 2) + 1)
        view = ListingView(
            chrome=self.chrome,
            heading=topic.title() if topic else "Berita Terkini",
            url=self.url(self.scheme.listing_page(base, page)),
            items=items,
            pages=[(self.url(self.scheme.listing_page(base, n)), str(n)) for n in window],
            next_url=self.url(self.scheme.listing_page(base, page + 1)) if page < last else None,
            extra=[
                (self.url(self.broken_404), "Pemkot Kendari Gelar Rapat Evaluasi Program"),
                (self.url(self.broken_500), "Pemprov Sultra Salurkan Bantuan Bencana"),
            ]
            if base == "/" and page == 1
            else (),
        )
        return replies.html(render_listing(self.scheme.theme, view))

    def feed(self, path: str) -> Reply:
        count = 10 if self.scheme.wordpress else 20
        items = [
            feeds.FeedItem(
                url=self.url(p.path),
                title=p.article.title,
                published=p.article.published,
                author=p.article.author,
                category=p.topic.title(),
                excerpt=" ".join(p.article.paragraphs[0].split()[:40]),
                guid=self.url(f"/?p={p.number}"),
            )
            for p in self.newest[:count]
        ]
        return replies.xml(
            feeds.rss(self.scheme.name, self.origin + "/", self.url(path), items), replies.RSS
        )

    def sitemap(self, path: str) -> Reply | None:
        entries = [(self.url(p.path), p.article.published) for p in self.placements]
        if (
            path == self.scheme.sitemap
            and not self.scheme.wordpress
            or path == "/sitemap-posts.xml"
        ):
            return replies.xml(feeds.urlset(entries))
        if not self.scheme.wordpress:
            return None
        if path == "/sitemap.xml":
            return replies.redirect(self.url("/wp-sitemap.xml"))
        if path == "/wp-sitemap.xml":
            newest = self.newest[0].article.published if self.newest else None
            listed = [(url, newest) for url in self.sitemap_urls()]
            listed.append((self.url("/wp-sitemap-taxonomies-category-1.xml"), None))
            return replies.xml(feeds.sitemap_index(listed))
        if path == "/wp-sitemap-taxonomies-category-1.xml":
            return replies.xml(
                feeds.urlset((self.url(self.category_path(t)), None) for t in self.topics)
            )
        match = re.fullmatch(r"/wp-sitemap-posts-post-(\d+)\.xml", path)
        if match and 1 <= int(match.group(1)) <= len(self.sitemap_urls()):
            start = (int(match.group(1)) - 1) * SITEMAP_CHUNK
            return replies.xml(feeds.urlset(entries[start : start + SITEMAP_CHUNK]))
        return None
