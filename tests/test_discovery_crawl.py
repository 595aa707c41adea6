"""Discovery that trusts what a site says, requests as given, and no wasted request per run.

A WordPress-style outlet on the replay web ("singkat": short slugs like `berita-r00`, which no
slug heuristic takes for articles; slash twins answer 404, not 301) is crawled for real by
`scrapy crawl site` and `scrapy crawl article` subprocesses; the replay server counts what was
requested. The corpus is written here (own text): the packaged one, and so the demo, stay as
they are.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from replayweb.server import ReplayWeb
from storage.database import make_engine, session_scope
from storage.models import Article, RejectedPage
from tests.test_crawl_e2e import scrapy_crawl

pytestmark = pytest.mark.slow
OUTLET = "singkat"
STORED = 12
PARAGRAPHS = (
    "WANGI-WANGI – Dinas Perhubungan Kabupaten Wakatobi menambah jadwal kapal cepat ke Pulau "
    "Kaledupa mulai pekan depan, setelah antrean penumpang di pelabuhan terus memanjang.",
    "Kepala dinas menjelaskan, kapal tambahan berangkat setiap sore dan kembali keesokan "
    "paginya, sehingga pedagang pasar dapat pulang pada hari yang sama.",
    "Warga Kaledupa menyambut baik keputusan itu. Selama ini mereka harus menginap di "
    "Wangi-Wangi bila tertinggal kapal pagi, dengan biaya yang tidak sedikit.",
)
SHORT = "WANGI-WANGI – Hujan deras mengguyur Wangi-Wangi sore ini. Nelayan diminta menunda melaut."
ENGLISH = (
    "The district transport office in Wakatobi will add an afternoon speedboat to Kaledupa "
    "island next week, after queues at the harbour grew longer every morning this month.",
    "Officials said the extra boat returns the next morning, so that market traders can go "
    "home on the same day instead of staying overnight on Wangi-Wangi island.",
)


def article(number: int, *, body: tuple[str, ...] = PARAGRAPHS, expect: str = "") -> str:
    text = "\n\n".join(f"{paragraph} (laporan {number})" for paragraph in body)
    return (
        f'[[article]]\nid = "{OUTLET}-{number:02d}"\noutlet = "{OUTLET}"\n'
        f'slug = "berita-r{number:02d}"\ntitle = "Jadwal kapal Kaledupa bertambah {number}"\n'
        f'author = "Wa Ode Sinar"\neditor = "La Ode Hamid"\n'
        f"published = 2024-01-{1 + number % 28:02d}T0{number % 10}:15:00+08:00\n"
        f'kind = "report"\nbody = """{text}"""\n' + (f'expect = "{expect}"\n' if expect else "")
    )


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReplayWeb]:
    root = tmp_path_factory.mktemp("singkat")
    (root / "events").mkdir()
    (root / "events" / "2024-01-kapal.toml").write_text(
        '[event]\nlabel = "2024-01-kapal"\ndate = 2024-01-01\nplace = "Wakatobi"\n'
        'summary = "Kapal tambahan ke Kaledupa."\n\n'
        + "\n".join(article(number) for number in range(STORED)),
        encoding="utf-8",
    )
    (root / "rejects.toml").write_text(
        article(40, body=ENGLISH, expect="rejected_language")
        + "\n"
        + article(41, body=(SHORT,), expect="too_short"),
        encoding="utf-8",
    )
    with ReplayWeb(root) as running:
        yield running


def crawl(spider: str, database_url: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    result = scrapy_crawl(spider, database_url, {}, *arguments)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def stored_urls(database_url: str) -> set[str]:
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        urls = set(session.scalars(select(Article.url)))
    engine.dispose()
    return urls


def rejected(database_url: str) -> dict[str, str]:
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        rows = {row.url: row.reason for row in session.scalars(select(RejectedPage))}
    engine.dispose()
    return rows


def article_hits(web: ReplayWeb) -> dict[str, int]:
    return {path: n for path, n in web.hits(OUTLET).items() if "/berita-r" in path}


def test_site_spider_crawls_a_short_slug_outlet_whole_and_skips_rejects_next_time(
    web: ReplayWeb, sqlite_url: str
) -> None:
    base = web.base_urls[OUTLET]
    site = web.site(OUTLET)
    crawl("site", sqlite_url, "-a", f"url={base}/")
    expected = {site.url(p.path) for p in site.placements if p.article.expect == "stored"}
    assert stored_urls(sqlite_url) == expected and len(expected) == STORED
    assert web.hits(OUTLET)["/robots.txt"] == 1  # read once, by the spider, for the middleware
    first = article_hits(web)
    rejects = {site.url(p.path): p for p in site.placements if p.article.expect != "stored"}
    assert rejected(sqlite_url) == {
        url: "language_en" if p.article.expect == "rejected_language" else "no_article"
        for url, p in rejects.items()
    }
    assert all(first[p.path] == 1 for p in rejects.values())

    result = crawl("site", sqlite_url, "-a", f"url={base}/")
    again = article_hits(web)
    assert again == first, "the second run requested article or rejected pages again"
    assert web.hits(OUTLET)["/robots.txt"] == 2
    assert "'warta/skipped/rejected_before': 2" in result.stderr


def test_article_spider_requests_the_url_as_given(web: ReplayWeb, sqlite_url: str) -> None:
    site = web.site(OUTLET)
    placement = site.placements[3]
    assert placement.path.endswith("/")
    before = web.hits(OUTLET)
    crawl("article", sqlite_url, "-a", f"url={site.url(placement.path)}")
    assert stored_urls(sqlite_url) == {site.url(placement.path)}
    requested = web.hits(OUTLET) - before
    assert requested[placement.path] == 1
    assert requested[placement.path.rstrip("/")] == 0  # would be a 404 here
    assert web.hits(OUTLET)[placement.path.rstrip("/")] == 0
