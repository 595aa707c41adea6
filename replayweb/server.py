"""The replay web: one HTTP server per outlet on 127.0.0.1, each its own origin and robots.txt.

    with ReplayWeb(load_corpus(), faults={"http_503"}) as web:
        web.base_urls            # {"telisik": "http://127.0.0.1:40123", ...}
        web.expected_articles()  # what a correct crawl stores

Spiders reach it through their base-URL override (`WARTA_BASE_URLS`), so tests and the offline
demo crawl through exactly the production code path. Servers run in daemon threads
(`ThreadingHTTPServer`, HTTP/1.1 keep-alive) and render pages on request.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from replayweb import replies
from replayweb.corpus import Article, Corpus, load_corpus
from replayweb.faults import SiteFaults, fault_pages, parse_faults, selected
from replayweb.outlets import scheme_for
from replayweb.site import Site, toggle_slash


@dataclass(frozen=True)
class ExpectedArticle:
    """One corpus article as a correct crawl should store it."""

    id: str
    outlet: str
    url: str  # canonical, absolute
    aliases: tuple[str, ...]  # other URLs answering 200 with this article (AMP, utm, tribun page 1)
    redirects: tuple[str, ...]  # URLs answering 301 to `url` (trailing-slash twins)
    title: str
    author: str | None
    editor: str | None
    published: datetime
    text: str  # the clean body, paragraphs separated by a blank line
    event: str | None
    kind: str
    republished_from: str | None
    expect: str  # "stored", "rejected_language" or "too_short"


@dataclass(frozen=True)
class FaultURL:
    outlet: str
    url: str
    fault: str


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""
    timeout = 30  # an idle keep-alive connection frees its thread after this
    server: _OutletServer

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def _serve(self, send_body: bool) -> None:
        target = self.path
        if not target.startswith("/"):  # absolute-form request target
            parts = urlsplit(target)
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        with self.server.hits_lock:
            self.server.hits[target] += 1
        moved_to = self.server.moved_to
        reply = (
            replies.redirect(moved_to + target) if moved_to else self.server.faults.respond(target)
        )
        if reply.reset:
            # SO_LINGER 0 makes close() send RST: the peer sees "connection reset by peer".
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        if not send_body:
            return
        if reply.stall_at is not None:
            self.wfile.write(reply.body[: reply.stall_at])
            self.wfile.flush()
            time.sleep(reply.stall_seconds)
            self.wfile.write(reply.body[reply.stall_at :])
        else:
            self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a crawl of thousands of pages would drown the test output."""


class _OutletServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    faults: SiteFaults
    #: the origin this outlet moved to: every request answers 301 to it (replayweb.outages)
    moved_to: str | None = None

    def __init__(self, address: tuple[str, int], handler: type[_Handler]) -> None:
        super().__init__(address, handler)
        #: requests served, by request target: what a crawl asked for (tests count them)
        self.hits: Counter[str] = Counter()
        self.hits_lock = threading.Lock()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up (timeouts, size limits, resets) are expected here, not errors."""


class ReplayWeb:
    """Serve a corpus as a mini-web of outlet sites; use as a context manager.

    `corpus`: a `Corpus`, a corpus directory, or None for the packaged one. `faults`: fault
    names (`"http_503"`, `"telisik:reset"`, `"all"`) or `{outlet or "*": names}`; see
    `replayweb.faults`. `extra_articles` are served too (e.g. `corpus.seed_articles(dir)`).
    `origins` maps an outlet to the origin its pages link to (default: its own server), for
    crawlers that rewrite the real hosts onto the replay web. `moved` maps an outlet to the
    origin it moved to: its server answers every request with a 301 there.
    """

    def __init__(
        self,
        corpus: Corpus | Path | str | None = None,
        host: str = "127.0.0.1",
        faults: Iterable[str] | Mapping[str, Iterable[str]] | None = None,
        extra_articles: Iterable[Article] = (),
        origins: Mapping[str, str] | None = None,
        moved: Mapping[str, str] | None = None,
    ) -> None:
        loaded = corpus if isinstance(corpus, Corpus) else load_corpus(corpus)
        self.corpus = loaded.with_articles(extra_articles)
        self.host = host
        self.faults = parse_faults(faults)
        self.origins = dict(origins or {})
        self.moved = {key: origin.rstrip("/") for key, origin in (moved or {}).items()}
        self._servers: dict[str, _OutletServer] = {}
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> ReplayWeb:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        if self._servers:
            raise RuntimeError("ReplayWeb is already running")
        try:
            for outlet, articles in self.corpus.by_outlet().items():
                self._servers[outlet] = self._serve(outlet, articles)
        except BaseException:
            self.stop()
            raise

    def _serve(self, outlet: str, articles: list[Article]) -> _OutletServer:
        server = _OutletServer((self.host, 0), _Handler)
        base = f"http://{self.host}:{server.server_port}"
        names = selected(self.faults, outlet)
        pages = fault_pages(outlet, names, after=articles[-1].published)
        site = Site(outlet, scheme_for(outlet), [*articles, *pages], self.origins.get(outlet, base))
        server.faults = SiteFaults(site, names)
        server.moved_to = self.moved.get(outlet)
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"replayweb-{outlet}",
            daemon=True,
        )
        thread.start()
        self._threads.append(thread)
        return server

    def stop(self) -> None:
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()

    # -- what is served ---------------------------------------------------------------------
    def _running(self) -> dict[str, _OutletServer]:
        if not self._servers:
            raise RuntimeError("ReplayWeb is not running: use `with ReplayWeb(...) as web:`")
        return self._servers

    @property
    def base_urls(self) -> dict[str, str]:
        """{outlet key: "http://127.0.0.1:PORT"}: the override each spider gets."""
        return {key: f"http://{self.host}:{s.server_port}" for key, s in self._running().items()}

    def site(self, outlet: str) -> Site:
        return self._running()[outlet].faults.site

    def hits(self, outlet: str) -> Counter[str]:
        """How often each request target of the outlet was requested so far."""
        server = self._running()[outlet]
        with server.hits_lock:
            return Counter(server.hits)

    def expected_articles(self) -> list[ExpectedArticle]:
        """Every corpus article (rejects and extras too, fault pages not), by outlet then date."""
        expected = []
        for server in self._running().values():
            site = server.faults.site
            for placement in site.placements:
                article = placement.article
                if article.id.startswith("fault-"):
                    continue
                canonical = site.canonical_path(placement)
                aliases = [site.amp_path(placement), site.utm_path(placement)]
                if canonical != placement.path:
                    aliases.insert(0, placement.path)
                twin = toggle_slash(placement.path) if site.scheme.slash_twins else None
                expected.append(
                    ExpectedArticle(
                        id=article.id,
                        outlet=article.outlet,
                        url=site.url(canonical),
                        aliases=tuple(site.url(a) for a in aliases if a),
                        redirects=(site.url(twin),) if twin else (),
                        title=article.title,
                        author=article.author,
                        editor=article.editor,
                        published=article.published,
                        text="\n\n".join(article.paragraphs),
                        event=article.event,
                        kind=article.kind,
                        republished_from=article.republished_from,
                        expect=article.expect,
                    )
                )
        return expected

    def fault_urls(self) -> list[FaultURL]:
        """Every URL that misbehaves under the selected faults."""
        return [
            FaultURL(outlet, url, name)
            for outlet, server in self._running().items()
            for url, name in server.faults.urls()
        ]

    def broken_urls(self) -> dict[str, dict[int, str]]:
        """{outlet: {404: url, 500: url}}: the broken links every home page carries."""
        return {
            key: {
                404: server.faults.site.url(server.faults.site.broken_404),
                500: server.faults.site.url(server.faults.site.broken_500),
            }
            for key, server in self._running().items()
        }
