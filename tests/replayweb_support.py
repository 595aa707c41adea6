"""A small corpus written for the replay-web tests, a GET that follows no redirect, and a
sitemap reader."""

from __future__ import annotations

import html
import http.client
import re
from pathlib import Path
from urllib.parse import urlsplit

import defusedxml.ElementTree as SafeET

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
OUTLETS = [
    "sibernas", "indeks", "kabarsultra", "antarasultra", "chanetujuh",
    "telisik", "zonasultra", "tribunsultra", "kendaripos",
]  # fmt: skip

PARAGRAPHS = [
    "KENDARI – Pemerintah Kota Kendari menggelar rapat koordinasi bersama KPU & Bawaslu, "
    "Selasa (9/7/2024), membahas persiapan <pengamanan> Pilkada.",
    "“Kita harus bersinergi,” kata Asisten I Pemkot Kendari di hadapan peserta rapat.",
    "Rapat diikuti perwakilan TNI, Polri, camat dan lurah se-Kota Kendari.",
    "Ia menambahkan, anggaran pengamanan sudah disiapkan sejak awal tahun.",
    "Kegiatan ditutup dengan penandatanganan komitmen bersama.",
]


# -- a small corpus written for the tests -------------------------------------------------------
def toml_article(number: int, outlet: str, day: int, event: bool = True) -> str:
    body = "\n\n".join(f"{text} (artikel {number})" for text in PARAGRAPHS)
    return (
        "[[article]]\n"
        f'id = "{outlet}-{number:04d}"\noutlet = "{outlet}"\n'
        f'slug = "rakor-pilkada-kendari-{number}"\n'
        f'title = "Rakor Pilkada \\"Aman\\" & Damai di Kendari {number}"\n'
        f'author = "Arman Jaya"\neditor = "Andi Nurfadillah"\n'
        f"published = 2024-07-{day:02d}T{8 + number % 10:02d}:20:00+08:00\n"
        f'kind = "report"\nbody = """{body}"""\n' + ("" if event else 'expect = "too_short"\n')
    )


def write_corpus(root: Path) -> Path:
    (root / "events").mkdir(parents=True)
    number = 0
    for day in range(1, 5):
        articles = []
        for outlet in OUTLETS:
            for _ in range(
                4 if outlet == "indeks" else 1
            ):  # indeks: 16 articles, two listing pages
                number += 1
                articles.append(toml_article(number, outlet, day + 1))
        (root / "events" / f"2024-07-0{day}-rakor.toml").write_text(
            "[event]\n"
            f'label = "2024-07-0{day}-rakor"\ndate = 2024-07-0{day}\n'
            'place = "Aula Kantor Wali Kota Kendari"\nsummary = "Rakor pengamanan Pilkada."\n\n'
            + "\n".join(articles),
            encoding="utf-8",
        )
    (root / "rejects.toml").write_text(
        toml_article(999, "zonasultra", 20, event=False), encoding="utf-8"
    )
    return root


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    """One GET without following redirects; (status, headers, body)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def text_of(body: bytes) -> str:
    """The page's visible text, whitespace collapsed (tags become spaces)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body.decode("utf-8"))).split())


def sitemap_urls(url: str, seen: set[str] | None = None) -> set[str]:
    """Every <loc> reachable from a sitemap or index (each document read once)."""
    seen = seen if seen is not None else set()
    seen.add(url)
    status, _, body = get(url)
    if status in (301, 302):
        return sitemap_urls(get(url)[1]["location"], seen)
    assert status == 200, url
    root = SafeET.fromstring(body)
    if root.tag == f"{SM}sitemapindex":
        found: set[str] = set()
        for loc in root.iter(f"{SM}loc"):
            if loc.text and loc.text not in seen:
                found |= sitemap_urls(loc.text, seen)
        return found
    for lastmod in root.iter(f"{SM}lastmod"):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", lastmod.text or "")
    return {loc.text or "" for loc in root.iter(f"{SM}loc")}
