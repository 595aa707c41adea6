"""crawler.extraction.extract on recorded pages (HTML + expected JSON), charsets, hostile input,
the CLI."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import cli
from crawler.extraction.extract import WITA, ExtractionOptions, decode_html, extract_article

PAGES = Path(__file__).resolve().parent / "pages"
PAGE_NAMES = sorted(path.stem for path in PAGES.glob("*.html"))
OPTIONS = ExtractionOptions()

PARAGRAPHS = [
    "BAUBAU – Pemerintah Kota Baubau menggelar pasar murah di halaman kantor kecamatan untuk "
    "menekan harga beras dan minyak goreng menjelang akhir tahun.",
    "Sebanyak dua ribu paket sembako dijual dengan harga di bawah pasar kepada warga yang membawa "
    "kartu keluarga, dan stok habis sebelum tengah hari.",
]
ARTICLE_TEXT = "\n".join(PARAGRAPHS)
#: A minimal article page; {head} takes extra <head> markup (a date, a canonical link).
ARTICLE = (
    '<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">'
    "<title>Pasar Murah Digelar di Baubau</title>{head}</head><body><article>"
    "<h1>Pasar Murah Digelar di Baubau</h1>"
    + "".join(f"<p>{paragraph}</p>" for paragraph in PARAGRAPHS)
    + "</article></body></html>"
)


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_recorded_page(name: str) -> None:
    expected = json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))
    html = decode_html((PAGES / f"{name}.html").read_bytes(), None)
    article = extract_article(html, expected["url"], OPTIONS)
    if expected["article"] is None:
        assert article is None
        return
    assert article is not None
    want = expected["article"]
    assert article.title == want["title"]
    assert article.author == want["author"]
    assert article.editor == want["editor"]
    assert article.published_at is not None
    assert article.published_at.isoformat() == want["published_at"]
    assert article.site_name == want["site_name"]
    assert article.canonical_url == want["canonical_url"]
    assert article.removed == want["removed"]
    assert article.text.split("\n") == want["text"]


def test_every_recorded_page_has_expectations() -> None:
    assert PAGE_NAMES, "no recorded pages"
    for name in PAGE_NAMES:
        assert (PAGES / f"{name}.json").is_file(), name


def test_html_hash_is_of_the_decoded_page() -> None:
    html = ARTICLE.format(head="")
    article = extract_article(html, "https://baubau.example/pasar-murah", OPTIONS)
    assert article is not None
    assert article.html_sha256 == hashlib.sha256(html.encode("utf-8")).hexdigest()
    assert article.text == ARTICLE_TEXT


def test_date_without_zone_is_wita_and_utc_stays_utc() -> None:
    meta = '<meta property="article:published_time" content="{}">'
    local = ARTICLE.format(head=meta.format("2024-11-06T10:30:00"))
    article = extract_article(local, None, OPTIONS)
    assert article is not None
    assert article.published_at == datetime(2024, 11, 6, 10, 30, tzinfo=WITA)
    utc = ARTICLE.format(head=meta.format("2024-11-06T02:30:00Z"))
    article = extract_article(utc, None, OPTIONS)
    assert article is not None
    assert article.published_at is not None
    assert article.published_at.utcoffset() == timedelta(0)
    assert article.published_at == datetime(2024, 11, 6, 10, 30, tzinfo=WITA)


def test_root_canonical_is_a_theme_bug_and_ignored() -> None:
    html = ARTICLE.format(head='<link rel="canonical" href="https://baubau.example/">')
    page_url = "https://baubau.example/2024/11/pasar-murah/?fbclid=x"
    article = extract_article(html, page_url, OPTIONS)
    assert article is not None
    assert article.canonical_url == "https://baubau.example/2024/11/pasar-murah"


def test_relative_canonical_resolves_against_page_url() -> None:
    html = ARTICLE.format(head='<link rel="canonical" href="../pasar-murah-baubau">')
    article = extract_article(html, "https://baubau.example/amp/pasar-murah", OPTIONS)
    assert article is not None
    assert article.canonical_url == "https://baubau.example/pasar-murah-baubau"


def test_short_text_is_no_article() -> None:
    html = ARTICLE.format(head="")
    limit = len(ARTICLE_TEXT)
    assert extract_article(html, None, ExtractionOptions(min_text_chars=limit + 1)) is None
    assert extract_article(html, None, ExtractionOptions(min_text_chars=limit)) is not None


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   \n",
        "\x00\x00\x00",
        "<html><body></body></html>",
        "<div>" * 5000 + "isi" + "</div>" * 5000,
        "\ufffd\x01\x02 binary \x7f junk" * 200,
        "<html><body><p>" + "x" * 100_000 + "</p></body></html>",
    ],
    ids=["empty", "blank", "nul", "no-body", "deep-nesting", "binary", "one-huge-word"],
)
def test_hostile_input_gives_none_or_article_never_raises(html: str) -> None:
    result = extract_article(html, None, OPTIONS)
    assert result is None or result.text


def test_nul_bytes_do_not_hide_the_article() -> None:
    html = ARTICLE.format(head="").replace("BAUBAU", "BAU\x00BAU")
    article = extract_article(html, None, OPTIONS)
    assert article is not None
    assert article.text == ARTICLE_TEXT


def test_options_from_settings() -> None:
    options = ExtractionOptions.from_settings({"WARTA_MIN_TEXT_CHARS": "80"})
    assert options.min_text_chars == 80
    with pytest.raises(ValueError):
        ExtractionOptions(min_text_chars=-1)
    with pytest.raises(ValueError):
        ExtractionOptions.from_settings({"WARTA_BOILERPLATE_FILE": "no/such/boilerplate.toml"})


# -- decode_html -------------------------------------------------------------------------


def test_decode_declared_charset() -> None:
    assert decode_html("Kendari – kota".encode("cp1252"), "windows-1252") == "Kendari – kota"


def test_decode_meta_charset_when_nothing_declared() -> None:
    body = '<meta charset="iso-8859-1"><p>Kabupaten Muna Barat \xb7 Raha</p>'.encode("latin-1")
    assert decode_html(body, None).endswith("Muna Barat · Raha</p>")


def test_decode_wrong_latin1_declaration_on_utf8_body() -> None:
    body = "“Kami siap,” kata Bupati.".encode()
    assert decode_html(body, "ISO-8859-1") == "“Kami siap,” kata Bupati."


def test_decode_utf8_then_cp1252_fallback() -> None:
    assert decode_html("Wa Ode – Buton".encode(), None) == "Wa Ode – Buton"
    assert decode_html(b"Bupati \x93Buton\x94 \x81", None) == "Bupati “Buton” \ufffd"


def test_decode_unknown_or_non_text_charset_and_bom() -> None:
    assert decode_html(b"Kolaka", "x-no-such-charset") == "Kolaka"
    assert decode_html(b"Kolaka", "rot13") == "Kolaka"
    assert decode_html(b"\xef\xbb\xbfKolaka", "latin-1") == "Kolaka"
    assert decode_html("Kolaka".encode("utf-16"), None) == "Kolaka"


# -- the CLI -----------------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from crawler.cli import main; main()", "extract", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_cli_extracts_a_recorded_page(tmp_path: Path) -> None:
    page = PAGES / "wordpress_baca_juga.html"
    missing = tmp_path / "missing.html"
    listing = PAGES / "category_listing.html"
    expected = json.loads((PAGES / "wordpress_baca_juga.json").read_text(encoding="utf-8"))
    result = run_cli(str(page), str(missing), str(listing), "--base-url", expected["url"])
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [record["file"] for record in records] == [str(page), str(missing), str(listing)]
    first = records[0]
    assert first["url"] == expected["article"]["canonical_url"]
    assert first["title"] == expected["article"]["title"]
    assert first["author"] == expected["article"]["author"]
    assert first["published_at"] == expected["article"]["published_at"]
    assert first["language"] == "id"
    assert first["text"].split("\n") == expected["article"]["text"]
    assert "error" not in first
    assert records[1]["text"] is None and records[1]["error"].startswith("cannot read file")
    assert records[2]["text"] is None and records[2]["error"] == "no article text found"


def test_cli_rejects_non_http_base_url_in_one_line() -> None:
    result = run_cli(str(PAGES / "wordpress_baca_juga.html"), "--base-url", "ftp://example.org/")
    assert result.returncode == 2
    assert result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    expected = "Error: Invalid value for '--base-url': 'ftp://example.org/' is not an http(s) URL"
    assert errors == [expected]


@pytest.mark.parametrize("base_url", ["file:///etc/passwd", "kendari", "javascript:alert(1)"])
def test_extract_command_rejects_other_base_urls(base_url: str) -> None:
    result = CliRunner().invoke(cli, ["extract", str(PAGES / "wordpress_baca_juga.html"),
                                      "--base-url", base_url])
    assert result.exit_code == 2
    assert f"{base_url!r} is not an http(s) URL" in result.output
