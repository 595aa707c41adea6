"""The replay web over real HTTP on 127.0.0.1: sites, feeds, sitemaps, themes, faults, the CLI.

Most tests serve a small corpus written into a temporary directory (so they do not depend on the
packaged corpus, which is edited separately); one test checks the packaged corpus loads and its
URLs fit the registry. Nothing is mocked: urllib and http.client talk to the running servers.
"""

from __future__ import annotations

import gzip
import html
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import defusedxml.ElementTree as SafeET
import pytest

from crawler.sources import load_sources
from replayweb import faults as faults_module
from replayweb.corpus import DEFAULT_CORPUS, load_corpus, seed_articles
from replayweb.generate import generate_corpus
from replayweb.outlets import registry_origins
from replayweb.server import ExpectedArticle, ReplayWeb
from tests.replayweb_support import OUTLETS, SM, get, sitemap_urls, text_of, write_corpus

REGISTRY = Path(__file__).resolve().parent.parent / "crawler" / "sources.toml"
@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def web(corpus_dir: Path) -> Iterator[ReplayWeb]:
    with ReplayWeb(corpus_dir) as running:
        yield running



def expected_by_outlet(web: ReplayWeb) -> dict[str, list[ExpectedArticle]]:
    grouped: dict[str, list[ExpectedArticle]] = {}
    for article in web.expected_articles():
        grouped.setdefault(article.outlet, []).append(article)
    return grouped


def listed_path(article: ExpectedArticle) -> str:
    """The URL feeds and sitemaps name: the canonical, except tribun's plain page 1."""
    return article.url.removesuffix("?page=all")


# -- corpus --------------------------------------------------------------------------------------
def test_load_corpus_reads_events_and_rejects(corpus_dir: Path) -> None:
    corpus = load_corpus(corpus_dir)
    assert len(corpus.events) == 4
    assert len(corpus.articles) == 4 * 12 + 1
    reject = corpus.article("zonasultra-0999")
    assert reject.expect == "too_short" and reject.event is None
    assert corpus.article("indeks-0002").paragraphs[1].startswith("“Kita harus")


def test_load_corpus_names_the_bad_file(tmp_path: Path) -> None:
    (tmp_path / "events").mkdir()
    bad = tmp_path / "events" / "bad.toml"
    bad.write_text('[event]\nlabel = "x"\ndate = 2024-01-01\nplace = "p"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.toml.*summary"):
        load_corpus(tmp_path)
    bad.write_text("[event\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.toml.*TOML"):
        load_corpus(tmp_path)


def test_packaged_corpus_urls_fit_the_registry() -> None:
    if not any((DEFAULT_CORPUS / "events").glob("*.toml")):
        pytest.skip("packaged corpus not written yet")
    sources = load_sources()
    with ReplayWeb() as web:
        for article in web.expected_articles():
            assert article.outlet in sources, article.id
            assert_article_urls_fit(sources, article)


def assert_article_urls_fit(sources: dict, article: ExpectedArticle) -> None:  # type: ignore[type-arg]
    source = sources[article.outlet]
    for url in (
        article.url,
        listed_path(article),
        *[a for a in article.aliases if "utm_" not in a],
    ):
        parts = urlsplit(url)
        assert source.is_article_path(parts.path + (f"?{parts.query}" if parts.query else "")), url


# -- the sites -------------------------------------------------------------------------------------
def test_one_origin_per_outlet(web: ReplayWeb) -> None:
    assert sorted(web.base_urls) == sorted(OUTLETS)
    assert len({urlsplit(url).port for url in web.base_urls.values()}) == len(OUTLETS)


def test_article_urls_follow_the_registry(web: ReplayWeb) -> None:
    sources = load_sources()
    expected = web.expected_articles()
    assert len(expected) == 4 * 12 + 1
    for article in expected:
        assert_article_urls_fit(sources, article)
    paths = {a.outlet: urlsplit(a.url) for a in expected}
    assert re.fullmatch(r"p=\d+", paths["sibernas"].query)
    assert re.fullmatch(r"/berita/\d+/rakor-pilkada-kendari-\d+", paths["antarasultra"].path)
    assert paths["telisik"].path.startswith("/news/")
    assert paths["zonasultra"].path.endswith(".html")
    assert re.fullmatch(r"/2024/07/\d\d/[a-z0-9-]+", paths["tribunsultra"].path)
    assert paths["tribunsultra"].query == "page=all"
    assert re.fullmatch(r"/2024/07/\d\d/[a-z0-9-]+/", paths["kendaripos"].path)
    assert re.fullmatch(r"/rakor-pilkada-kendari-\d+/", paths["indeks"].path)


def test_robots_txt(web: ReplayWeb) -> None:
    sources = load_sources()
    for outlet, base in web.base_urls.items():
        status, headers, body = get(base + "/robots.txt")
        robots = body.decode()
        assert status == 200 and headers["content-type"].startswith("text/plain")
        assert "Disallow: /wp-json/" in robots and "Disallow: /wp-admin/" in robots
        sitemap = re.search(r"^Sitemap: (\S+)$", robots, re.M)
        assert sitemap and sitemap.group(1) == base + sources[outlet].sitemaps[0]


def test_feeds_parse_and_list_the_newest_articles(web: ReplayWeb) -> None:
    sources = load_sources()
    expected = expected_by_outlet(web)
    for outlet, base in web.base_urls.items():
        for path in sources[outlet].feeds:
            status, headers, body = get(base + path)
            assert status == 200 and "xml" in headers["content-type"], (outlet, path)
            channel = SafeET.fromstring(body).find("channel")
            assert channel is not None
            links = [item.findtext("link") for item in channel.iter("item")]
            assert links and len(links) == len(set(links))
            assert set(links) <= {listed_path(a) for a in expected[outlet]}
            for item in channel.iter("item"):
                assert re.fullmatch(
                    r"\w{3}, \d\d \w{3} 2024 \d\d:\d\d:\d\d \+0800", item.findtext("pubDate") or ""
                )
    assert get(web.base_urls["sibernas"] + "/feed")[0] == 404


def test_sitemaps_list_every_article(web: ReplayWeb) -> None:
    sources = load_sources()
    for outlet, articles in expected_by_outlet(web).items():
        base = web.base_urls[outlet]
        found: set[str] = set()
        for path in sources[outlet].sitemaps:
            if get(base + path)[0] != 404:
                found |= sitemap_urls(base + path)
        assert {listed_path(a) for a in articles} <= found, outlet
    index = SafeET.fromstring(get(web.base_urls["indeks"] + "/wp-sitemap.xml")[2])
    assert index.tag == f"{SM}sitemapindex"
    assert any(loc.text.endswith("/wp-sitemap-posts-post-1.xml") for loc in index.iter(f"{SM}loc"))


THEME_BOILERPLATE = {
    "indeks": [
        "BACA JUGA", "Sebarkan artikel ini", "Listen to this article", "×",
        "Redaksi/Publizher : ", "Tinggalkan Balasan", "Ruas yang wajib ditandai *",
        "DILARANG MENCOPY/PLAGIAT DAPAT DI PIDANA", "error: Content is protected !!",
    ],
    "sibernas": [
        "Baca juga:", "Editor: Andi Nurfadillah", "Ikuti berita terkini di Google News",
        "Artikel Terkait", "Berita Terpopuler", "Tinggalkan Balasan", "Beranda",
    ],
    "chanetujuh": [
        "Komentar", "Bagikan", "Baca Juga:", "(Red)", "Google News", "Tinggalkan Balasan",
    ],
    "antarasultra": [
        "Baca juga:", "Pewarta: Arman Jaya", "Editor: Andi Nurfadillah", "COPYRIGHT © ANTARA",
        "Bagikan",
    ],
    "tribunsultra": [
        "Laporan Wartawan TribunnewsSultra.com, Arman Jaya", "Baca juga:", "Google News",
    ],
}  # fmt: skip


@pytest.mark.parametrize("outlet", OUTLETS)
def test_article_page_metadata_and_body(web: ReplayWeb, outlet: str) -> None:
    article = expected_by_outlet(web)[outlet][0]
    status, headers, body = get(article.url)
    page = body.decode("utf-8")
    assert status == 200 and headers["content-type"] == "text/html; charset=UTF-8"
    assert f'<link rel="canonical" href="{html.escape(article.url)}">' in page
    assert f'<meta property="og:title" content="{html.escape(article.title)}">' in page
    assert f'content="{article.published.isoformat()}"' in page  # article:published_time, +08:00
    assert "&lt;pengamanan&gt;" in page and "KPU &amp; Bawaslu" in page  # corpus text escaped
    text = text_of(body)
    for paragraph in article.text.split("\n\n"):
        assert paragraph in text
    for phrase in THEME_BOILERPLATE.get(outlet, []):
        assert phrase in text, (outlet, phrase)
    if outlet in ("sibernas", "antarasultra", "tribunsultra"):
        ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', page)
        assert ld and json.loads(ld.group(1))["@type"] == "NewsArticle"


def test_telisik_amp_copies_point_back(web: ReplayWeb) -> None:
    articles = expected_by_outlet(web)["telisik"]
    for article in articles:
        amp = next(a for a in article.aliases if "/amp/detail/" in a)
        status, _, body = get(amp)
        assert status == 200 and b"<html \xe2\x9a\xa1" in body
        assert f'<link rel="canonical" href="{article.url}">'.encode() in body
    home = get(web.base_urls["telisik"] + "/")[2].decode()
    amp_only = [a for a in articles if a.url not in home and a.aliases[0] in home]
    assert amp_only, "some articles are linked only through their AMP copy"


def test_tribun_page_all_has_the_whole_text(web: ReplayWeb) -> None:
    article = expected_by_outlet(web)["tribunsultra"][0]
    plain = listed_path(article)
    first = text_of(get(plain)[2])
    whole_body = get(article.url)[2]
    whole = text_of(whole_body)
    paragraphs = article.text.split("\n\n")
    assert all(p in whole for p in paragraphs)
    assert paragraphs[0] in first and paragraphs[-1] not in first and "Halaman 1/2" in first
    assert f'<link rel="canonical" href="{html.escape(article.url)}">'.encode() in whole_body
    second = text_of(get(plain + "?page=2")[2])
    assert paragraphs[-1] in second and paragraphs[0] not in second


def test_listing_pagination_and_duplicate_links(web: ReplayWeb) -> None:
    base = web.base_urls["indeks"]
    first = get(base + "/")[2].decode()
    assert f'href="{base}/page/2/"' in first and "Berikutnya" in first
    second = get(base + "/page/2/")[2].decode()
    assert get(base + "/page/3/")[0] == 404
    articles = expected_by_outlet(web)["indeks"]
    listed = first + second
    assert all(a.url in listed or a.redirects[0] in listed for a in articles)
    assert "utm_source=" in listed
    slash_variant = next(a.redirects[0] for a in articles if f'href="{a.redirects[0]}"' in listed)
    status, headers, _ = get(slash_variant)
    assert (
        status == 301 and headers["location"].endswith("/") and headers["location"].startswith(base)
    )
    category = get(base + "/category/daerah/")
    assert category[0] == 200 and b"rakor-pilkada-kendari" in category[2]
    antara = web.base_urls["antarasultra"]
    assert get(antara + "/terkini")[0] == 200 and get(antara + "/terkini?page=2")[0] == 404
    sibernas = get(web.base_urls["sibernas"] + "/category/daerah/")
    assert sibernas[0] == 200 and b"/?p=" in sibernas[2]


def test_aliases_serve_the_article_and_broken_links_fail(web: ReplayWeb) -> None:
    for article in web.expected_articles():
        for alias in article.aliases:
            status, _, body = get(alias)
            assert status == 200 and article.title.encode() in html.unescape(body.decode()).encode()
    for outlet, broken in web.broken_urls().items():
        home = get(web.base_urls[outlet] + "/")[2].decode()
        assert broken[404] in home and broken[500] in home
        assert get(broken[404])[0] == 404 and get(broken[500])[0] == 500


def test_serves_concurrent_crawls_quickly(web: ReplayWeb) -> None:
    urls = [u for a in web.expected_articles() for u in (a.url, *a.aliases)][:80]
    started = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda url: urllib.request.urlopen(url, timeout=10).status, urls))
    assert statuses == [200] * len(urls)
    assert time.perf_counter() - started < 10


def test_extra_articles_serve_the_seeds(corpus_dir: Path, seeds_dir: Path) -> None:
    seeds = seed_articles(seeds_dir)
    with ReplayWeb(corpus_dir, extra_articles=seeds) as web:
        served = {a.id: a for a in web.expected_articles()}
        for seed in seeds:
            assert seed.id in served
            assert seed.paragraphs[-1] in text_of(get(served[seed.id].url)[2])


def test_generated_corpus_is_deterministic_and_large() -> None:
    corpus = generate_corpus(4400, ["indeks", "telisik"], seed=3)
    assert corpus == generate_corpus(4400, ["indeks", "telisik"], seed=3)
    assert len(corpus.articles) == 4400 and len(corpus.events) > 1000
    assert any(a.kind == "republished" for a in corpus.articles)
    with ReplayWeb(corpus) as web:
        base = web.base_urls["indeks"]
        found = sitemap_urls(base + "/wp-sitemap.xml")
        indeks = [a for a in web.expected_articles() if a.outlet == "indeks"]
        assert len(indeks) > 2000 and {a.url for a in indeks} <= found  # two posts sitemaps
        assert get(base + "/wp-sitemap-posts-post-2.xml")[0] == 200


# -- the CLI ---------------------------------------------------------------------------------------
def test_cli_serves_until_sigterm(corpus_dir: Path, tmp_path: Path) -> None:
    port_file = tmp_path / "ports.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "replayweb", "serve", "--corpus", str(corpus_dir),
         "--faults", "telisik:reset", "--port-file", str(port_file), "--registry", str(REGISTRY)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        line = process.stdout.readline() if process.stdout else b""
        bases = json.loads(line)
        assert json.loads(port_file.read_text()) == bases and sorted(bases) == sorted(OUTLETS)
        assert b"Sitemap: https://indeks.co.id/" in get(bases["indeks"] + "/robots.txt")[2]
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    command = [sys.executable, "-m", "replayweb", "serve", "--corpus", str(corpus_dir)]
    bad = subprocess.run([*command, "--faults", "nope"], capture_output=True, timeout=30)
    assert bad.returncode == 2 and b"unknown fault" in bad.stderr


def test_pages_can_name_the_real_hosts(corpus_dir: Path) -> None:
    origins = registry_origins(REGISTRY)
    with ReplayWeb(corpus_dir, origins=origins) as web:
        article = next(a for a in web.expected_articles() if a.outlet == "telisik")
        assert article.url.startswith("https://telisik.id/news/")
        transport = web.base_urls["telisik"] + urlsplit(article.url).path
        assert f'<link rel="canonical" href="{article.url}">'.encode() in get(transport)[2]
        robots = get(web.base_urls["telisik"] + "/robots.txt")[2]
        assert b"Sitemap: https://telisik.id/sitemap.xml" in robots


def test_gzip_bomb_is_small_on_the_wire() -> None:
    payload = faults_module.bomb_payload()
    assert len(payload) < 512 * 1024
    with gzip.GzipFile(fileobj=__import__("io").BytesIO(payload)) as archive:
        assert archive.read(64).startswith(b"<!DOCTYPE html>")


def test_urlopen_follows_slash_redirects(web: ReplayWeb) -> None:
    article = expected_by_outlet(web)["kendaripos"][0]
    with urllib.request.urlopen(article.redirects[0], timeout=10) as response:
        assert response.url == article.url
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(web.base_urls["kendaripos"] + "/wp-json/wp/v2/posts", timeout=10)
