"""The source registry: every entry valid, URL patterns doing what their notes say."""

from __future__ import annotations

import pytest

from crawler.sources import Source, adhoc_key, load_sources, source_for_url

REQUIRED_OUTLETS = {
    "sibernas",
    "indeks",
    "kabarsultra",
    "antarasultra",
    "chanetujuh",
    "telisik",
    "zonasultra",
    "sultrapedia",
    "turgo",
    "rubriksatu",
    "lingkarsultra",
    "targettuntas",
    "kolakaposnews",
    "tribunsultra",
    "kendaripos",
    "radarkendari",
    "kendariinfo",
    "sultranesia",
    "sultratv",
    "radarsultra",
    "metrokendari",
    "galerisultra",
    "lensatimur",
    "terassultra",
    "lontarasultra",
    "sultramerdeka",
    "informasisultra",
}


def test_registry_lists_the_required_outlets() -> None:
    assert REQUIRED_OUTLETS <= set(load_sources())


@pytest.mark.parametrize(
    ("key", "path", "is_article"),
    [
        ("sibernas", "/?p=52311", True),
        ("sibernas", "/category/daerah/", False),
        ("antarasultra", "/berita/498765/polda-sultra-gelar-rakor", True),
        ("antarasultra", "/terkini", False),
        ("telisik", "/news/rakor-pilkada-konawe", True),
        ("telisik", "/amp/detail/rakor-pilkada-konawe", True),
        ("zonasultra", "/rakor-pilkada-kolaka.html", True),
        ("zonasultra", "/category/politik/", False),
        ("tribunsultra", "/2024/07/09/polresta-kendari-gelar-rakor?page=all", True),
        ("tribunsultra", "/2024/07/09/polresta-kendari-gelar-rakor", True),
        ("kendaripos", "/2024/07/09/polresta-kendari-gelar-rakor/", True),
        ("kabarsultra", "/tag/pilkada/", False),
        ("kabarsultra", "/feed", False),
    ],
)
def test_article_patterns(key: str, path: str, is_article: bool) -> None:
    assert load_sources()[key].is_article_path(path) is is_article


def test_bad_entries_are_refused_with_the_entry_named(tmp_path) -> None:
    registry = tmp_path / "sources.toml"
    registry.write_text(
        '[[source]]\nkey = "bad"\nname = "Bad"\n'
        'base_url = "ftp://bad.example"\narticle_pattern = "x"\n'
    )
    with pytest.raises(ValueError, match="source bad: base_url"):
        load_sources(registry)
    registry.write_text(
        '[[source]]\nkey = "a"\nname = "A"\nbase_url = "https://a.example"\narticle_pattern = "("\n'
    )
    with pytest.raises(ValueError, match="source a: bad article_pattern"):
        load_sources(registry)


def test_with_base_url_keeps_everything_but_the_origin() -> None:
    telisik = load_sources()["telisik"]
    mirrored = telisik.with_base_url("http://127.0.0.1:8001/")
    assert mirrored.base_url == "http://127.0.0.1:8001"
    assert (mirrored.feeds, mirrored.key) == (telisik.feeds, telisik.key)
    assert isinstance(mirrored, Source)


def test_urls_map_to_their_outlet() -> None:
    sources = load_sources()
    assert source_for_url("https://www.telisik.id/news/x", sources).key == "telisik"
    assert source_for_url("https://m.zonasultra.id/x.html", sources).key == "zonasultra"
    assert source_for_url("https://example.co.id/x", sources) is None
    assert adhoc_key("https://www.example.co.id/x") == "example_co_id"
    assert adhoc_key("http://127.0.0.1:8000/") == "site_127_0_0_1"
