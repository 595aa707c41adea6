"""URL shapes every outlet shares (crawler/url_shapes.toml), on outlets whose own pattern lacks
them: an AMP copy away from the article, the WordPress shortlink, a section before the article,
page N of a multi-page article. Each on a URL of that shape, through the registry's outlets."""

from __future__ import annotations

import pytest

from crawler.sources import Source, load_sources

SOURCES = load_sources()
#: the generic WordPress pattern of most outlets (title slug, dated, shortlink)
GENERIC = SOURCES["kabarsultra"]


def outlet(pattern: str, **fields: object) -> Source:
    return Source(
        key="contoh", name="Contoh", base_url="https://contoh.id", article_pattern=pattern, **fields
    )  # type: ignore[arg-type]


def test_amp_copy_elsewhere_keeps_the_article_key() -> None:
    telisik = SOURCES["telisik"]
    article = "https://telisik.id/news/rakor-pilkada-konawe-digelar"
    for amp in (
        "https://telisik.id/amp/detail/rakor-pilkada-konawe-digelar",
        "https://m.telisik.id/amp/detail/rakor-pilkada-konawe-digelar?utm_source=wa",
    ):
        assert telisik.key_of(amp) == article
        assert telisik.is_article_url(amp)


def test_amp_copies_are_registry_data() -> None:
    source = outlet(r"^/read/[a-z0-9-]+$", amp_copies=(("/amp/baca/", "/read/"),))
    assert source.key_of("https://contoh.id/amp/baca/banjir-di-kolaka-utara") == (
        "https://contoh.id/read/banjir-di-kolaka-utara"
    )
    with pytest.raises(ValueError, match="amp_copies"):
        outlet(r"^/read/", amp_copies=(("amp/baca", "/read/"),))


def test_wordpress_shortlink_on_an_outlet_whose_pattern_knows_only_slugs() -> None:
    source = SOURCES["suarakendari"]  # its pattern: ^/read/<slug>
    assert source.is_article_url("https://www.suarakendari.com/?p=48213")
    assert source.key_of("https://suarakendari.com/?p=48213&utm_medium=social") == (
        "https://www.suarakendari.com/?p=48213"
    )
    assert not source.is_article_url("https://www.suarakendari.com/?s=banjir")
    assert not source.is_article_url("https://www.suarakendari.com/?p=abc")


@pytest.mark.parametrize("section", ["berita", "daerah", "hukum-kriminal"])
def test_section_before_a_slug_on_the_generic_wordpress_pattern(section: str) -> None:
    url = f"https://kabarsultra.id/{section}/pemkot-kendari-gelar-rapat-koordinasi"
    assert GENERIC.is_article_url(url)
    assert GENERIC.key_of(url) == url  # the section stays: the outlet serves it there


@pytest.mark.parametrize(
    "path",
    [
        "/category/pemkot-kendari-gelar-rapat",
        "/tag/pilkada-kota-kendari-2024",
        "/author/admin-kabar-sultra",
        "/kanal/hukum-dan-kriminal",
        "/berita/page/2",
    ],
)
def test_listings_that_look_like_sections_stay_listings(path: str) -> None:
    assert not GENERIC.is_article_url("https://kabarsultra.id" + path)


@pytest.mark.parametrize("suffix", ["/4", "/4/", "/2/amp", "/12"])
def test_page_n_of_an_article_is_the_article(suffix: str) -> None:
    article = "https://kabarsultra.id/pemkot-kendari-gelar-rapat-koordinasi"
    assert GENERIC.is_article_url(article + suffix)
    assert GENERIC.key_of(article + suffix) == article


def test_page_n_needs_an_article_before_it() -> None:
    for path in ("/page/4", "/2024/05", "/category/daerah/3", "/berita/4021117"):
        assert not GENERIC.is_article_url("https://kabarsultra.id" + path), path


def test_page_n_of_a_dated_article() -> None:
    kendaripos = SOURCES["kendaripos"]
    article = "https://kendaripos.fajar.co.id/2022/10/11/pulang-kampung-memimpin-kendari"
    assert kendaripos.key_of(article + "/3/") == article


def test_page_n_is_fetched_as_page_one() -> None:
    article = "https://kabarsultra.id/pemkot-kendari-gelar-rapat-koordinasi"
    assert GENERIC.page_one(article + "/3/?utm_source=wa") == article + "?utm_source=wa"
    assert GENERIC.page_one(article) == article
    assert GENERIC.page_one("https://kabarsultra.id/page/3") == "https://kabarsultra.id/page/3"
