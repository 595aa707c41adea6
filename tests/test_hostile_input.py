"""Hostile input: URLs, redirects, XML, HTML and page text written to hurt, and bad configuration.

Everything runs for real: the spiders in a `scrapy crawl` subprocess, a local site serving the
hostile pages and redirects, the `warta` CLI on a real database, Datasette in process.
"""

from __future__ import annotations

import http.server
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import lxml.etree
import pytest

from crawler.discovery import links_from_html
from crawler.extraction.extract import ExtractionOptions, extract_article
from tests.reliability import PROJECT_ROOT, VENV_BIN, articles_in, run_stats, scrapy_crawl, warta

#: Page text that would act on a terminal or on rich if printed raw.
CONTROL = "\x1b[31mMERAH\x1b[0m \x1b]8;;http://evil.example/\x1b\\klik\x1b]8;;\x1b\\ \x07\x08"
MARKUP = "[bold red]Pilkada[/bold red] [link=file:///etc/passwd]berkas[/link]"
HTML_TEXT = "<script>alert('xss')</script><img src=x onerror=alert(1)>"
PARAGRAPHS = [
    "KENDARI – Pemerintah Kota Kendari menggelar rapat koordinasi pengamanan Pilkada bersama "
    "Polresta Kendari, KPU dan Bawaslu di aula kantor wali kota, Selasa (9/7/2024).",
    "Dalam rapat tersebut, seluruh pihak sepakat memperkuat pengawasan di tempat pemungutan suara "
    "serta meningkatkan patroli di wilayah yang dinilai rawan konflik menjelang hari pencoblosan.",
    "Kepala Kesbangpol Kota Kendari mengatakan koordinasi lintas sektor menjadi kunci agar tahapan "
    "pemilihan berjalan aman, damai dan lancar tanpa gangguan keamanan yang berarti bagi warga.",
]
ARTICLE_PATH = "/berita/rapat-koordinasi-pengamanan-pilkada-kendari"


def hostile_page() -> bytes:
    # markup and script text are HTML-escaped, so they are page *text*; the script element is real
    from html import escape

    body = "".join(f"<p>{escape(p)}</p>" for p in PARAGRAPHS)
    return (
        '<!DOCTYPE html><html lang="id"><head><meta charset="UTF-8">'
        f"<title>Rapat {escape(MARKUP)} {escape(HTML_TEXT)}</title>"
        "<script>document.write('<p>DISUNTIK</p>'); fetch('http://127.0.0.1:9/exfil')</script>"
        '</head><body onload="alert(2)"><article>'
        f"<h1>Rapat {escape(MARKUP)} {escape(HTML_TEXT)}</h1>{body}"
        f"<p>{escape(MARKUP)} {escape(HTML_TEXT)} selesai digelar dengan tertib dan aman.</p>"
        "</article></body></html>"
    ).encode()


class HostileSite(http.server.BaseHTTPRequestHandler):
    """The hostile article, redirects to forbidden targets, and a counter of forbidden hits."""

    secret_port = 0
    secret_hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path == ARTICLE_PATH:
            self._answer(200, hostile_page(), "text/html; charset=UTF-8")
        elif self.path == "/redirect-file":
            self._answer(302, b"", "text/html", location="file:///etc/passwd")
        elif self.path == "/redirect-loopback":
            self._answer(
                302, b"", "text/html", location=f"http://127.0.0.1:{self.secret_port}/rahasia"
            )
        elif self.path == "/redirect-metadata":
            self._answer(302, b"", "text/html", location="http://169.254.169.254/latest/meta-data/")
        elif self.path == "/robots.txt":
            self._answer(200, b"User-agent: *\nAllow: /\n", "text/plain")
        else:
            self._answer(404, b"not found", "text/plain")

    def _answer(
        self, status: int, body: bytes, content_type: str, location: str | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if location:
            self.send_header("Location", location)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class Secret(http.server.BaseHTTPRequestHandler):
    """A loopback service that must never be reached by a refused URL."""

    def do_GET(self) -> None:  # noqa: N802
        HostileSite.secret_hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(handler: type[http.server.BaseHTTPRequestHandler]) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def sites() -> Iterator[tuple[str, int]]:
    secret = serve(Secret)
    HostileSite.secret_port = secret.server_port
    site = serve(HostileSite)
    yield f"http://127.0.0.1:{site.server_port}", secret.server_port
    site.shutdown()
    secret.shutdown()


# -- ad-hoc URLs -------------------------------------------------------------------------------
REFUSED_URLS = [
    ("site", "file:///etc/passwd", "scheme 'file'"),
    ("site", "ftp://ftp.example.org/berita", "scheme 'ftp'"),
    ("site", "data:text/html,<p>berita</p>", "scheme 'data'"),
    ("article", "file:///etc/passwd", "scheme 'file'"),
    ("article", "javascript:alert(1)", "scheme 'javascript'"),
    ("article", "http://127.0.0.1:{secret}/rahasia", "private or loopback"),
    ("site", "http://localhost:{secret}/", "loopback name"),
    ("article", "http://[::1]:{secret}/rahasia", "private or loopback"),
    ("article", "http://2130706433:{secret}/rahasia", "private or loopback"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("spider", "url", "reason"), REFUSED_URLS)
def test_ad_hoc_spiders_refuse_unsafe_urls(
    sites: tuple[str, int], tmp_path: Path, spider: str, url: str, reason: str
) -> None:
    _, secret = sites
    database = tmp_path / "w.db"
    before = len(HostileSite.secret_hits)
    result = scrapy_crawl(
        spider,
        {},
        f"sqlite:///{database}",
        arguments=["-a", f"url={url.format(secret=secret)}"],
        WARTA_ALLOW_PRIVATE_ADDRESSES="0",
        timeout=120,
    )
    # a refusal is a clean close: one ERROR line with the reason, counted, nothing fetched
    assert result.returncode == 0, result.log[-2000:]
    lines = result.log.splitlines()
    refusal = [line for line in lines if "ERROR: refused" in line and reason in line]
    assert len(refusal) == 1, result.log[-2000:]
    assert "'warta/refused/unsafe_url': 1" in result.log
    assert "Traceback" not in result.log
    assert articles_in(database) == 0
    assert len(HostileSite.secret_hits) == before


@pytest.mark.slow
def test_redirects_to_forbidden_targets_are_refused_counted_and_nothing_is_stored(
    sites: tuple[str, int], tmp_path: Path
) -> None:
    base, _ = sites
    database = f"sqlite:///{tmp_path / 'w.db'}"
    before = len(HostileSite.secret_hits)
    urls = ",".join(
        f"https://telisik.id{path}"
        for path in ("/redirect-file", "/redirect-loopback", "/redirect-metadata")
    )
    # telisik's public origin is served by the hostile site; the ad-hoc policy is on (no private)
    result = scrapy_crawl(
        "article",
        {"telisik": base},
        database,
        arguments=["-a", f"urls={urls}"],
        WARTA_ALLOW_PRIVATE_ADDRESSES="0",
    )
    assert result.returncode == 0, result.log[-3000:]
    stats = run_stats(database)["article"]
    assert stats.get("warta/refused/scheme") == 1
    assert stats.get("warta/refused/private_address") == 2
    assert stats.get("warta/articles/new") is None
    assert len(HostileSite.secret_hits) == before
    refusals = [line for line in result.log.splitlines() if "refused redirect" in line]
    assert len(refusals) == 3 and all("->" in line for line in refusals)


@pytest.mark.parametrize("option", ["file:///etc/passwd", "ftp://x.example/a", "data:text/html,x"])
def test_warta_extract_refuses_a_non_http_base_url(tmp_path: Path, option: str) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(hostile_page())
    done = warta("extract", str(page), "--base-url", option)
    assert done.returncode == 2
    assert "is not an http(s) URL" in done.stderr


# -- HTML (hostile XML: tests/test_hostile_xml.py) ----------------------------------------
def test_html_never_executes_scripts_and_script_text_is_not_article_text() -> None:
    options = ExtractionOptions()
    article = extract_article(hostile_page().decode(), "https://telisik.id" + ARTICLE_PATH, options)
    assert article is not None
    assert (
        "DISUNTIK" not in article.text
        and "exfil" not in article.text
        and "alert(2)" not in article.text
    )
    links = links_from_html(
        '<a href="javascript:alert(1)">x</a><a href="data:text/html,x">y</a>'
        '<a href="/berita/a">z</a>',
        "https://telisik.id/",
    )
    assert links == ["https://telisik.id/berita/a"]
    # lxml parses; nothing in the parsing stack runs JavaScript or fetches resources
    assert lxml.etree.LIBXML_VERSION >= (2, 9, 0)


# -- page text shown escaped -------------------------------------------------------------------
@pytest.fixture(scope="module")
def hostile_database(sites: tuple[str, int], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding the hostile article, crawled for real, then given raw control characters
    (a page can hold them as numeric references the extractor drops; another path may not)."""
    base, _ = sites
    path = tmp_path_factory.mktemp("hostile") / "w.db"
    result = scrapy_crawl(
        "article", {}, f"sqlite:///{path}", arguments=["-a", f"url={base}{ARTICLE_PATH}"]
    )
    assert result.returncode == 0, result.log[-3000:]
    with sqlite3.connect(path) as connection:
        assert connection.execute("select count(*) from articles").fetchone()[0] == 1
        hostile = f"Rapat {CONTROL} {MARKUP} {HTML_TEXT}"
        connection.execute(
            "update articles set title = ?, text = text || ?", (hostile, "\n" + hostile)
        )
        connection.execute(
            "update events set title = ?, place = ?", (hostile, f"Kendari {CONTROL} {MARKUP}")
        )
    return path


def shown(*arguments: str, color: bool) -> subprocess.CompletedProcess[str]:
    import os

    # wide enough that no cell folds inside the markup (the events table has a region column)
    env = (
        dict(os.environ, FORCE_COLOR="1", COLUMNS="280")
        if color
        else dict(os.environ, COLUMNS="280")
    )
    env.pop("NO_COLOR", None)
    return subprocess.run(
        [str(VENV_BIN / "warta"), *arguments],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.parametrize("color", [False, True])
@pytest.mark.parametrize(
    "command", [["events"], ["articles"], ["event", "1"], ["articles", "--format", "csv"]]
)
def test_page_text_is_shown_escaped_in_the_cli(
    hostile_database: Path, command: list[str], color: bool
) -> None:
    done = shown(*command, "--database", str(hostile_database), color=color)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for raw in ("\x1b[31m", "\x1b]8;;", "\x07", "\x08"):
        assert raw not in out, f"{command}: raw control sequence {raw!r} reached the terminal"
    if "csv" not in command:
        assert "[bold red]Pilkada[/bold red]" in out, f"{command}: rich markup was interpreted"


@pytest.mark.slow
def test_page_text_is_escaped_in_the_web_view(hostile_database: Path) -> None:
    import asyncio

    from crawler.commands.serve import make_datasette

    async def pages() -> list[str]:
        datasette = make_datasette(hostile_database)
        name = hostile_database.stem
        bodies = []
        for path in (
            f"/{name}/articles/1",
            f"/{name}/articles",
            f"/{name}/events",
            f"/{name}/event_summary",
        ):
            response = await datasette.client.get(path)
            if response.status_code == 200:
                bodies.append(response.text)
        return bodies

    bodies = asyncio.run(pages())
    assert bodies, "the web view showed none of the pages"
    for body in bodies:
        assert "<script>alert('xss')</script>" not in body
        assert "<img src=x onerror" not in body
        assert "&lt;script&gt;" in body or "&lt;img" in body or "/articles/1" not in body


# -- queries and configuration -----------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize(
    "term", ["it's", '"; DROP TABLE articles; --', "' OR 1=1 --", "%", "_", "a\\b"]
)
def test_a_quote_in_a_search_term_is_a_search_term(hostile_database: Path, term: str) -> None:
    for command in (
        ["events", "--query", term],
        ["articles", "--query", term],
        ["events", "--place", term],
    ):
        done = warta(*command, "--database", str(hostile_database))
        assert done.returncode in (0, 2), done.stderr
        assert "Traceback" not in done.stderr
        if done.returncode == 2:
            assert len(done.stderr.strip().splitlines()) == 1
        if term.startswith(("'", '"')) and done.returncode == 0:
            assert "Rapat" not in done.stdout, f"{command}: {term!r} matched everything"
    with sqlite3.connect(hostile_database) as connection:
        assert connection.execute("select count(*) from articles").fetchone()[0] == 1
