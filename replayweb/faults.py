"""Fault mode: deterministic misbehaviour the crawler must survive (issue 6).

Select faults per outlet or for every outlet: `ReplayWeb(faults={"http_503", "telisik:reset"})`,
a mapping `{"telisik": {"reset"}, "*": {"http_503"}}`, or `--faults http_503,telisik:reset`;
`all` means every fault except `robots_disallow_all` (which would hide the whole outlet).

Which URL misbehaves, and how often, is fixed:

Transient faults hit real corpus articles. The k-th selected transient fault (in the order
below) hits the outlet's k-th newest article (wrapping); faults sharing an article take turns
(the first one's failures, then the next one's). After its failures the article is served
normally, so with Scrapy's default `RETRY_TIMES = 2` every article still arrives.
  http_500              500, no Retry-After, twice, then 200.
  http_500_retry_after  500 with `Retry-After: 1`, once, then 200.
  http_503              503, no Retry-After, twice, then 200.
  http_503_retry_after  503 with `Retry-After: 1`, twice, then 200.
  http_429              429 with `Retry-After: 1`, twice, then 200.
  stall                 headers and half the body, a `STALL_SECONDS` pause, then the rest; once.
  reset                 TCP reset (RST) before any byte of the answer, twice, then 200.

Page faults each get their own article-looking page (slug `gangguan-<name>`, published an hour
after the outlet's newest article so the home page, feed and sitemap list it); it misbehaves on
every request. `fault_urls()` on the server lists them.
  truncated                 the HTML cut at 55% of its bytes (honest Content-Length).
  charset_cp1252_as_utf8    windows-1252 bytes, labelled UTF-8 (header and meta).
  charset_utf8_as_cp1252    UTF-8 bytes, labelled windows-1252 (header and meta).
  oversized                 a page padded with hidden paragraphs to `OVERSIZED_BYTES` (> 8 MiB).
  gzip_bomb                 `Content-Encoding: gzip`, ~130 KB sent, `BOMB_BYTES` (128 MiB) inflated.
  redirect_loop             302 to `?loop=1`, which 302s back: a two-URL loop.
  redirect_offsite          301 to `http://offsite.invalid/...`, another host.
  pdf / image / json        a PDF, a PNG, a JSON document at the article URL.
  js_shell                  an HTML shell whose text is rendered by JavaScript: no article text.

Discovery faults hit the outlet's first feed (sibernas, which has none: its posts sitemap), its
sitemap (`/wp-sitemap.xml` or `/sitemap.xml`) or robots.txt, on every request. Faults sharing a
document compose (a huge, bomb-carrying, cut-off feed).
  feed_malformed            the feed cut mid-item with an unescaped `&`: not well-formed XML.
  feed_huge                 the feed's entries repeated to `HUGE_FEED_ITEMS` (same URLs, ~4 MB).
  xml_bomb                  the feed carries a "billion laughs" entity-expansion DOCTYPE.
  sitemap_loop              the sitemap becomes an index listing itself and the posts sitemap.
  xml_external_entity       the sitemap carries external entities (file:///etc/passwd, a URL).
  robots_disallow_all       robots.txt says `Disallow: /` (not part of `all`).

Outlet-wide faults (outlet_down, new_theme, feed_empty) are in replayweb.outages; not in `all`.
"""

from __future__ import annotations

import functools
import gzip
import io
import random
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from replayweb import feeds, replies
from replayweb.corpus import Article
from replayweb.generate import compose_body
from replayweb.outages import OUTAGES, FaultRequest
from replayweb.replies import Reply
from replayweb.site import Site, with_query

STALL_SECONDS = 3.0
OVERSIZED_BYTES = 9 * 1024 * 1024
BOMB_BYTES = 128 * 1024 * 1024
HUGE_FEED_ITEMS = 6000


@dataclass(frozen=True)
class Fault:
    name: str
    target: str  # "article" | "page" | "feed" | "sitemap" | "robots" | "outlet" (every path)
    apply: Callable[[FaultRequest], Reply]
    times: int | None = None  # failures before normal service; None: every request


# -- the faults: one small function (or one factory) each ------------------------------------
def status(code: int, retry_after: int | None) -> Callable[[FaultRequest], Reply]:
    def fail(request: FaultRequest) -> Reply:
        reply = replies.server_error(code)
        return reply.with_headers(("Retry-After", str(retry_after))) if retry_after else reply

    return fail


def stall(request: FaultRequest) -> Reply:
    reply = request.normal()
    return replace(reply, stall_at=len(reply.body) // 2, stall_seconds=STALL_SECONDS)


def reset(request: FaultRequest) -> Reply:
    return Reply(reset=True)


def truncated(request: FaultRequest) -> Reply:
    reply = request.normal()
    return replace(reply, body=reply.body[: len(reply.body) * 55 // 100])


def mislabelled(encoding: str, label: str) -> Callable[[FaultRequest], Reply]:
    """Bytes in `encoding`, declared as `label` in the header and the meta tag."""

    def fault(request: FaultRequest) -> Reply:
        text = (
            request.normal()
            .body.decode("utf-8")
            .replace('<meta charset="UTF-8">', f'<meta charset="{label}">')
        )
        return Reply(200, text.encode(encoding, errors="replace"), f"text/html; charset={label}")

    return fault


def oversized(request: FaultRequest) -> Reply:
    reply = request.normal()
    filler = b"<p>" + b"Informasi ini diperbarui secara berkala oleh tim redaksi. " * 16 + b"</p>"
    padding = filler * (OVERSIZED_BYTES // len(filler) + 1)
    body = reply.body.replace(
        b"</body>", b'<div style="display:none">' + padding + b"</div></body>", 1
    )
    return replace(reply, body=body)


@functools.cache
def bomb_payload() -> bytes:
    """An HTML start then `BOMB_BYTES` of spaces, gzipped once per process (~130 KB)."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0) as archive:
        archive.write(b"<!DOCTYPE html><html><head><title>Berita</title></head><body><p>")
        chunk = b" " * (1024 * 1024)
        for _ in range(BOMB_BYTES // len(chunk)):
            archive.write(chunk)
        archive.write(b"</p></body></html>")
    return buffer.getvalue()


def gzip_bomb(request: FaultRequest) -> Reply:
    return Reply(200, bomb_payload(), replies.HTML, (("Content-Encoding", "gzip"),))


def redirect_loop(request: FaultRequest) -> Reply:
    parts = urlsplit(request.url)
    base = f"{parts.scheme}://{parts.netloc}{parts.path}"
    return replies.redirect(base if "loop=1" in parts.query else with_query(base, "loop=1"), 302)


def redirect_offsite(request: FaultRequest) -> Reply:
    return replies.redirect("http://offsite.invalid" + urlsplit(request.url).path)


def non_html(content_type: str, payload: bytes) -> Callable[[FaultRequest], Reply]:
    return lambda request: Reply(200, payload, content_type)


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count "
    b"0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
JSON = b'{"status": "ok", "data": {"id": 1, "title": "Berita", "content": null}}'


def js_shell(request: FaultRequest) -> Reply:
    return replies.html(
        '<!DOCTYPE html><html lang="id"><head><meta charset="UTF-8"><title>Memuat...</title>'
        '<script src="/static/js/chunk-vendors.js" defer></script><script '
        'src="/static/js/app.js" defer></script>'
        "</head><body><noscript>Aktifkan JavaScript untuk membuka halaman ini.</noscript>"
        '<div id="app"></div></body></html>'
    )


def feed_malformed(request: FaultRequest) -> Reply:
    reply = request.normal()
    return replace(
        reply, body=reply.body[: len(reply.body) * 6 // 10] + b"<item><title>Rapat & evaluasi"
    )


def feed_huge(request: FaultRequest) -> Reply:
    reply = request.normal()
    text = reply.body.decode("utf-8")
    items = [m.group(0) for m in re.finditer(r"<(item|url)>.*?</\1>", text, flags=re.S)]
    if not items:
        return reply
    block = "".join(items)
    repeated = block * (HUGE_FEED_ITEMS // len(items) + 1)
    return replace(reply, body=text.replace(block, repeated, 1).encode("utf-8"))


LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
        for n in range(1, 10)
    )
    + "]>"
)
EXTERNAL = (
    '<!DOCTYPE data [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
    '<!ENTITY remote SYSTEM "http://127.0.0.1:9/xxe.dtd">]>'
)


def with_doctype(doctype: str, reference: str) -> Callable[[FaultRequest], Reply]:
    """A DOCTYPE after the XML declaration and an element using its entity after the root tag."""

    def fault(request: FaultRequest) -> Reply:
        reply = request.normal()
        text = reply.body.decode("utf-8")
        declaration_end = text.index("?>") + 2 if text.startswith("<?xml") else 0
        root = re.compile(r"<(rss|urlset|sitemapindex)\b[^>]*>").search(text, declaration_end)
        if root is None:
            return reply
        text = (
            text[:declaration_end] + doctype + text[declaration_end : root.end()]
            + f"<x-note>{reference}</x-note>" + text[root.end() :]
        )  # fmt: skip
        return replace(reply, body=text.encode("utf-8"))

    return fault


def sitemap_loop(request: FaultRequest) -> Reply:
    listed = [request.url, *request.site.sitemap_urls()]
    return replies.xml(feeds.sitemap_index((url, None) for url in listed))


def robots_disallow_all(request: FaultRequest) -> Reply:
    return Reply(200, b"User-agent: *\nDisallow: /\n", replies.TEXT)


FAULTS: dict[str, Fault] = {
    fault.name: fault
    for fault in (
        Fault("http_500", "article", status(500, None), 2),
        Fault("http_500_retry_after", "article", status(500, 1), 1),
        Fault("http_503", "article", status(503, None), 2),
        Fault("http_503_retry_after", "article", status(503, 1), 2),
        Fault("http_429", "article", status(429, 1), 2),
        Fault("stall", "article", stall, 1),
        Fault("reset", "article", reset, 2),
        Fault("truncated", "page", truncated),
        Fault("charset_cp1252_as_utf8", "page", mislabelled("cp1252", "UTF-8")),
        Fault("charset_utf8_as_cp1252", "page", mislabelled("utf-8", "windows-1252")),
        Fault("oversized", "page", oversized),
        Fault("gzip_bomb", "page", gzip_bomb),
        Fault("redirect_loop", "page", redirect_loop),
        Fault("redirect_offsite", "page", redirect_offsite),
        Fault("pdf", "page", non_html("application/pdf", PDF)),
        Fault("image", "page", non_html("image/png", PNG)),
        Fault("json", "page", non_html("application/json", JSON)),
        Fault("js_shell", "page", js_shell),
        # Faults sharing a document wrap each other in this order: replace, grow, declare, cut.
        Fault("sitemap_loop", "sitemap", sitemap_loop),
        Fault("feed_huge", "feed", feed_huge),
        Fault("xml_bomb", "feed", with_doctype(LAUGHS, "&lol9;")),
        Fault("xml_external_entity", "sitemap", with_doctype(EXTERNAL, "&xxe;&remote;")),
        Fault("feed_malformed", "feed", feed_malformed),
        Fault("robots_disallow_all", "robots", robots_disallow_all),
        *(Fault(name, target, apply) for name, (target, apply) in OUTAGES.items()),
    )
}
ALL = tuple(name for name in FAULTS if name != "robots_disallow_all" and name not in OUTAGES)


def parse_faults(
    spec: Iterable[str] | Mapping[str, Iterable[str]] | None,
) -> dict[str, frozenset[str]]:
    """`{"outlet" or "*": names}` from a set of `name` / `outlet:name` strings or such a mapping."""
    if spec is None:
        return {}
    pairs: list[tuple[str, str]] = []
    if isinstance(spec, Mapping):
        pairs = [(outlet, name) for outlet, names in spec.items() for name in names]
    else:
        for item in spec:
            outlet, _, name = item.strip().rpartition(":")
            pairs.append((outlet or "*", name))
    selection: dict[str, set[str]] = {}
    for outlet, name in pairs:
        names = ALL if name == "all" else (name,)
        unknown = [n for n in names if n not in FAULTS]
        if unknown:
            raise ValueError(f"unknown fault {unknown[0]!r}; known: all, {', '.join(FAULTS)}")
        selection.setdefault(outlet, set()).update(names)
    return {outlet: frozenset(names) for outlet, names in selection.items()}


def selected(selection: Mapping[str, frozenset[str]], outlet: str) -> list[str]:
    """The faults one outlet gets, in `FAULTS` order (which fixes their targets)."""
    names = selection.get("*", frozenset()) | selection.get(outlet, frozenset())
    return [name for name in FAULTS if name in names]


def fault_pages(outlet: str, names: Iterable[str], after: datetime) -> list[Article]:
    """The article-looking pages the page faults are served at, an hour after `after`."""
    pages = []
    for name in names:
        if FAULTS[name].target != "page":
            continue
        rng = random.Random(f"{outlet}/{name}")
        title, body = compose_body(rng)
        pages.append(
            Article(
                id=f"fault-{outlet}-{name}",
                outlet=outlet,
                slug="gangguan-" + name.replace("_", "-"),
                title=title,
                published=after + timedelta(hours=1),
                body=body
                + "\n\n“Kami berharap kegiatan ini berjalan lancar – tanpa kendala,” ujarnya.",
                expect="stored",
            )
        )
    return pages


class SiteFaults:
    """One outlet's faults bound to its paths, with thread-safe per-URL request counters."""

    def __init__(self, site: Site, names: Iterable[str]) -> None:
        self.site = site
        self._by_path: dict[str, list[Fault]] = {}
        real = [p for p in site.newest if not p.article.id.startswith("fault-")]
        pages = {p.article.id: p.path for p in site.placements}
        scheme = site.scheme
        transient = 0
        for name in names:
            fault = FAULTS[name]
            if fault.target == "article":
                if not real:
                    continue
                path = real[transient % len(real)].path
                transient += 1
            elif fault.target == "page":
                path = pages[f"fault-{site.key}-{name}"]
            elif fault.target == "feed":
                path = scheme.feeds[0] if scheme.feeds else urlsplit(site.sitemap_urls()[0]).path
            elif fault.target == "sitemap":
                path = scheme.sitemap
            elif fault.target == "outlet":
                path = "*"
            else:
                path = "/robots.txt"
            self._by_path.setdefault(path, []).append(fault)
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def urls(self) -> list[tuple[str, str]]:
        """(absolute URL, fault name) for every misbehaving URL."""
        return [
            (self.site.url(path), f.name) for path, faults in self._by_path.items() for f in faults
        ]

    def respond(self, target: str) -> Reply:
        parts = urlsplit(target)
        key = parts.path
        if key == "/" and parts.query.startswith("p="):
            key = "/?" + parts.query.split("&", 1)[0]
        faults = self._by_path.get(key, []) + self._by_path.get("*", [])
        if not faults:
            return self.site.respond(target)
        with self._lock:
            count = self._counts[target] = self._counts.get(target, 0) + 1
        url = self.site.url(target)
        produce: Callable[[], Reply] = functools.partial(self.site.respond, target)
        for fault in faults:
            if fault.times is None:
                produce = functools.partial(
                    fault.apply, FaultRequest(url, count, produce, self.site)
                )
            elif count <= fault.times:
                return fault.apply(FaultRequest(url, count, produce, self.site))
            else:
                count -= fault.times
        return produce()
