"""The replay web's faults: transient statuses, resets, stalls, broken pages and feeds, on cue."""

from __future__ import annotations

import http.client
import json
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import defusedxml.ElementTree as SafeET
import pytest
from defusedxml import EntitiesForbidden

from replayweb import faults as faults_module
from replayweb.faults import FAULTS, parse_faults
from replayweb.outages import OUTAGES
from replayweb.server import ReplayWeb
from tests.replayweb_support import SM, get, sitemap_urls, write_corpus


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def faulty(corpus_dir: Path) -> Iterator[ReplayWeb]:
    selection = {"*": ["all"], "zonasultra": ["robots_disallow_all"]}
    with ReplayWeb(corpus_dir, faults=selection) as running:
        yield running


def fault_url(web: ReplayWeb, outlet: str, name: str) -> str:
    return next(f.url for f in web.fault_urls() if f.outlet == outlet and f.fault == name)


TRANSIENT = [(name, fault.times) for name, fault in FAULTS.items() if fault.target == "article"]


@pytest.mark.parametrize(
    ("name", "times"), [t for t in TRANSIENT if t[0] not in ("stall", "reset")]
)
def test_transient_status_faults_then_200(faulty: ReplayWeb, name: str, times: int) -> None:
    url = fault_url(faulty, "indeks", name)  # indeks has 16 articles: one transient fault each
    code = int(name.split("_")[1])
    for _ in range(times):
        status, headers, _ = get(url)
        assert status == code
        assert ("retry-after" in headers) == name.endswith("retry_after") or code == 429
    assert get(url)[0] == 200


def test_reset_then_200(faulty: ReplayWeb) -> None:
    url = fault_url(faulty, "indeks", "reset")
    for _ in range(2):
        with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected)):
            get(url)
    assert get(url)[0] == 200


def test_stall_pauses_half_way(faulty: ReplayWeb, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(faults_module, "STALL_SECONDS", 0.6)
    url = fault_url(faulty, "indeks", "stall")
    started = time.perf_counter()
    status, headers, body = get(url)
    assert status == 200 and len(body) == int(headers["content-length"])
    assert time.perf_counter() - started >= 0.6
    started = time.perf_counter()
    get(url)
    assert time.perf_counter() - started < 0.5


def test_page_faults(faulty: ReplayWeb) -> None:
    page = lambda name: get(fault_url(faulty, "chanetujuh", name))  # noqa: E731
    status, headers, body = page("truncated")
    assert status == 200 and b"</html>" not in body and len(body) == int(headers["content-length"])
    status, headers, body = page("charset_cp1252_as_utf8")
    assert "UTF-8" in headers["content-type"] and b"\x93" in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    status, headers, body = page("charset_utf8_as_cp1252")
    assert "windows-1252" in headers["content-type"] and "“".encode() in body
    assert len(page("oversized")[2]) > 8 * 1024 * 1024
    status, headers, body = page("gzip_bomb")
    assert headers["content-encoding"] == "gzip" and len(body) < 1024 * 1024
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    assert (
        len(inflater.decompress(body, 9 * 1024 * 1024)) == 9 * 1024 * 1024
        and inflater.unconsumed_tail
    )
    status, headers, _ = page("redirect_loop")
    assert status == 302 and headers["location"].endswith("?loop=1")
    back = get(headers["location"])
    assert back[0] == 302 and not back[1]["location"].endswith("?loop=1")
    status, headers, _ = page("redirect_offsite")
    assert status == 301 and urlsplit(headers["location"]).hostname == "offsite.invalid"
    assert (
        page("pdf")[2].startswith(b"%PDF") and page("pdf")[1]["content-type"] == "application/pdf"
    )
    assert page("image")[1]["content-type"] == "image/png"
    assert json.loads(page("json")[2])["status"] == "ok"
    shell = page("js_shell")[2].decode()
    assert '<div id="app"></div>' in shell and "<p>" not in shell
    home = get(faulty.base_urls["chanetujuh"] + "/")[2].decode()
    assert fault_url(faulty, "chanetujuh", "pdf") in home


def test_discovery_faults(faulty: ReplayWeb) -> None:
    base = faulty.base_urls["indeks"]
    with pytest.raises(EntitiesForbidden):  # the feed: huge, with a billion-laughs DOCTYPE, cut off
        SafeET.fromstring(get(base + "/feed")[2])
    feed = get(base + "/feed")[2]
    assert b"<!ENTITY lol9" in feed and feed.count(b"<item>") >= faults_module.HUGE_FEED_ITEMS // 2
    assert not feed.rstrip().endswith(b"</rss>")
    sitemap = get(base + "/wp-sitemap.xml")[2]
    assert b'SYSTEM "file:///etc/passwd"' in sitemap
    with pytest.raises(EntitiesForbidden):
        SafeET.fromstring(sitemap)
    assert f"<loc>{base}/wp-sitemap.xml</loc>".encode() in sitemap  # the index lists itself
    assert get(faulty.base_urls["zonasultra"] + "/robots.txt")[2] == b"User-agent: *\nDisallow: /\n"
    assert b"Disallow: /wp-json/" in get(base + "/robots.txt")[2]


def test_each_feed_fault_alone(corpus_dir: Path) -> None:
    selection = {
        "kabarsultra": ["feed_malformed", "sitemap_loop"],
        "chanetujuh": ["feed_huge"],
        "indeks": ["xml_bomb"],
    }
    with ReplayWeb(corpus_dir, faults=selection) as web:
        with pytest.raises(SafeET.ParseError):
            SafeET.fromstring(get(web.base_urls["kabarsultra"] + "/feed")[2])
        huge = SafeET.fromstring(get(web.base_urls["chanetujuh"] + "/feed")[2])
        assert len(huge.findall("./channel/item")) >= faults_module.HUGE_FEED_ITEMS
        with pytest.raises(EntitiesForbidden):
            SafeET.fromstring(get(web.base_urls["indeks"] + "/feed")[2])
        assert SafeET.fromstring(get(web.base_urls["telisik"] + "/feed/rss")[2]) is not None
        base = web.base_urls["kabarsultra"]
        loop = SafeET.fromstring(get(base + "/wp-sitemap.xml")[2])
        listed = [loc.text for loc in loop.iter(f"{SM}loc")]
        assert loop.tag == f"{SM}sitemapindex" and base + "/wp-sitemap.xml" in listed
        assert sitemap_urls(base + "/wp-sitemap.xml")  # a reader that remembers what it read ends


def test_faults_are_deterministic(corpus_dir: Path, faulty: ReplayWeb) -> None:
    def paths(web: ReplayWeb) -> list[tuple[str, str, str]]:
        return sorted(
            (f.outlet, urlsplit(f.url)._replace(netloc="").geturl(), f.fault)
            for f in web.fault_urls()
        )

    with ReplayWeb(
        corpus_dir, faults={"*": ["all"], "zonasultra": ["robots_disallow_all"]}
    ) as again:
        assert paths(again) == paths(faulty)
    assert {f.fault for f in faulty.fault_urls()} == set(FAULTS) - set(OUTAGES)
    fault_ids = {a.id for a in faulty.expected_articles()}
    assert not any(i.startswith("fault-") for i in fault_ids)


def test_parse_faults() -> None:
    assert parse_faults(["http_503", "telisik:reset"]) == {
        "*": frozenset({"http_503"}),
        "telisik": frozenset({"reset"}),
    }
    assert "robots_disallow_all" not in parse_faults(["all"])["*"]
    with pytest.raises(ValueError, match="unknown fault"):
        parse_faults(["http_999"])
