"""crawler.extraction.titles: the site's name off the title, on the page's own evidence only."""

from __future__ import annotations

import pytest

from crawler.extraction.titles import SplitTitle, split_site_name

HEADLINE = "Jembatan Baru Diresmikan di Kendari"


@pytest.mark.parametrize(
    ("title", "headlines", "names", "url", "expected"),
    [
        (f"{HEADLINE} - Kompas.com", [], ["Kompas.com"], None, (HEADLINE, "Kompas.com")),
        # a variant of the host's name: the section after it goes too
        (f"{HEADLINE} - Kompas.com Regional", [], [], "https://regional.kompas.com/read/1",
         (HEADLINE, "Kompas.com Regional")),
        (f"{HEADLINE} | Republika Online", [], [], "https://republika.co.id/berita/x",
         (HEADLINE, "Republika Online")),
        (f"{HEADLINE} - ANTARA News", [], [], "https://www.antaranews.com/berita/1",
         (HEADLINE, "ANTARA News")),
        (f"{HEADLINE} | Tempo Gaya", [], ["Tempo.co"], "https://gaya.tempo.co/read/1",
         (HEADLINE, "Tempo Gaya")),
        # prefix form, with and without the h1 that says where the headline starts
        (f"KapanLagi.com: Musik - {HEADLINE}", [HEADLINE], [], "https://www.kapanlagi.com/x",
         (HEADLINE, "KapanLagi.com")),
        (f"KapanLagi.com: Musik - {HEADLINE}", [], [], "https://www.kapanlagi.com/x",
         (HEADLINE, "KapanLagi.com")),
        # the registry's outlet name, no URL
        (f"Sultra Hari Ini - {HEADLINE}", [], ["Sultra Hari Ini"], None,
         (HEADLINE, "Sultra Hari Ini")),
        ("Jokowi: Pemilu Harus Jujur - Kompas.com", [], [], "https://nasional.kompas.com/x",
         ("Jokowi: Pemilu Harus Jujur", "Kompas.com")),
        # a section before the name, a name glued to a section, the colon of okezone
        (f"{HEADLINE} - News Liputan6.com", [], [], "https://www.liputan6.com/news/read/1",
         (HEADLINE, "News Liputan6.com")),
        (f"{HEADLINE} - detikNews", [], [], "https://news.detik.com/berita/d-1",
         (HEADLINE, "detikNews")),
        (f"{HEADLINE} : Okezone News", [], [], "https://news.okezone.com/read/1",
         (HEADLINE, "Okezone News")),
        (f"{HEADLINE} | Nasional - SINDOnews", [HEADLINE], [],
         "https://nasional.sindonews.com/read/1", (HEADLINE, "SINDOnews")),
        # pagination goes with the name
        (f"{HEADLINE} Halaman all - Kompas.com", [], [], "https://regional.kompas.com/read/1",
         (HEADLINE, "Kompas.com")),
        (f"{HEADLINE} - Halaman 2 - Warta Teluk", [], [], "https://wartateluk.example/x",
         (HEADLINE, "Warta Teluk")),
    ],
)
def test_the_site_name_is_cut_and_returned(
    title: str, headlines: list[str], names: list[str], url: str | None,
    expected: tuple[str, str],
) -> None:
    assert split_site_name(title, headlines, names, url) == SplitTitle(*expected)


@pytest.mark.parametrize(
    ("title", "headlines", "names", "url"),
    [
        # a dash in a real title, even when the h1 is only its second part
        ("Banjir Bandang - Ratusan Warga Mengungsi", ["Ratusan Warga Mengungsi"],
         ["Kabar Teluk"], "https://kabarteluk.example/x"),
        # a title that starts with the outlet's name but is a title
        ("Kendari Pos Raih Penghargaan - Berita Kendari", [], [], "https://kendaripos.co.id/x"),
        ("Kompas Gramedia Raih Penghargaan", [], [], "https://kompas.com/x"),
        # a subdomain is a section or a place, not the site's name
        ("Sultra: Gubernur Resmikan Jalan Baru", [], [], "https://sultra.antaranews.com/b/1"),
        (f"{HEADLINE} - Regional", [], [], "https://regional.kompas.com/read/1"),
        # nothing would be left but a word
        ("Kendari - Kompas.com", [], ["Kompas.com"], None),
        # no names at all: nothing to go by
        (f"{HEADLINE} - Kabar Anoa", [], [], None),
        ("Gubernur: Jalan Rusak Segera Diperbaiki", [], ["Kabar Anoa"], "https://kabaranoa.example/x"),
    ],
)
def test_title_parts_that_name_no_site_stay(
    title: str, headlines: list[str], names: list[str], url: str | None
) -> None:
    assert split_site_name(title, headlines, names, url) == SplitTitle(title, None)
