"""dedupe.places: the region of the happening, by the rules of docs/PLACES.md — every replay-corpus
and seed article's regency exact, and each rule on sentences written for these tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import cli
from crawler.clustering.devset import seed_articles
from dedupe.places import common_region, find_region, place_of
from replayweb.corpus import load_corpus

#: the regency/city where each seed's happening took place, by reading it
SEED_REGENCIES = {
    "seed-000": "74.71",  # rakor at Aula Polresta Kendari
    "seed-001": "74.71",  # the same rakor, another outlet
    "seed-002": "74.71",  # Konawe Utara's rakor, held at Hotel Plaza Inn Kendari
    "seed-003": "74.71",  # Polda Sultra's rakor "di Kendari"
    "seed-004": "74.71",  # Pj Bupati Bombana at the ruang pola Kantor Gubernur Sultra
}


def regency(title: str | None, text: str) -> str | None:
    place = place_of(title, text)
    return place.code[:5] if place and place.code and "." in place.code else None


def test_every_replay_corpus_article_is_in_its_events_regency() -> None:
    corpus = load_corpus()
    events = {event.label: event for event in corpus.events}
    found = {
        article.id: (regency(article.title, article.body), events[article.event].regency)
        for article in corpus.articles
        if article.event is not None
    }
    assert len(found) == 62
    assert {key: got for key, (got, wanted) in found.items() if got != wanted} == {}


def test_every_seed_is_in_its_regency(seeds_dir: Path) -> None:
    found = {a.id: regency(a.title, a.text) for a in seed_articles(seeds_dir)}
    assert found == SEED_REGENCIES


def test_a_meeting_is_where_it_was_held_not_where_its_officials_govern() -> None:
    text = (
        "KENDARI – Pj Bupati Konawe Utara membuka rapat koordinasi Pemkab Konawe Utara, Selasa. "
        "Rapat itu digelar di Hotel Claro Kendari dan dihadiri camat se-Konawe Utara."
    )
    assert place_of(None, text).code == "74.71"  # type: ignore[union-attr]


def test_an_office_says_the_regency_when_nothing_says_where() -> None:
    text = "Pj Bupati Bombana meminta kepala desa menjaga netralitas. Pj Bupati Bombana menegaskan."
    assert regency(None, text) == "74.06"


def test_abbreviations_and_venues_are_data() -> None:
    assert regency(None, "Bupati Konsel menyerahkan bantuan kepada warga Konsel.") == "74.05"
    assert regency(None, "Rapat berlangsung di Kantor Gubernur Sultra, Senin.") == "74.71"


def test_a_kecamatan_counts_inside_the_province_the_text_names() -> None:
    text = (
        "Banjir melanda Wawotobi. BPBD Sultra mengirim perahu karet ke Wawotobi, Sulawesi Tenggara."
    )
    assert regency(None, text) == "74.02"  # Wawotobi is a kecamatan of Konawe
    assert place_of(None, "Banjir melanda Wawotobi kemarin sore.") is None  # no province said


def test_names_with_two_meanings_stop_at_the_level_that_is_sure() -> None:
    assert place_of(None, "Warga Malang memadati alun-alun. Warga Malang bergembira.").code == "35"  # type: ignore[union-attr]
    assert regency(None, "Wali Kota Malang meresmikan pasar. Pemkot Malang berbenah.") == "35.73"
    assert regency(None, "Bupati Muna Barat meninjau sekolah di Muna Barat.") == "74.13"
    assert regency(None, "Bupati Muna meninjau sekolah di Muna.") == "74.03"


def test_other_provinces_follow_the_same_rules() -> None:
    text = "SURABAYA – Wali Kota Surabaya meninjau banjir di Kecamatan Rungkut, Kota Surabaya."
    assert regency(None, text) == "35.78"


def test_abroad_is_a_country() -> None:
    place = place_of(None, "Timnas Indonesia bertanding di Osaka, Jepang, Selasa malam di Osaka.")
    assert place is not None and (place.code, place.country) == (None, "JP")
    assert place.record()["country"] == "JP" and place.record()["province"] is None


def test_no_place_is_invented() -> None:
    # a desk dateline alone, a recipe, an opinion column
    assert place_of(None, "Jakarta - Harga emas naik tipis pada perdagangan hari ini.") is None
    assert place_of("Resep Sate Kambing", "KENDARI – Siapkan daging kambing.") is None
    assert place_of("OPINI: Kota yang Ramah", "Kendari tumbuh pesat di Kendari.") is None


def test_the_record_names_regency_and_province() -> None:
    record = place_of(None, "Rapat digelar di Kecamatan Wawotobi, Kabupaten Konawe.").record()  # type: ignore[union-attr]
    assert record == {
        "code": "74.02.03",
        "name": "Wawotobi",
        "regency": "Kabupaten Konawe",
        "province": "Sulawesi Tenggara",
        "country": "ID",
    }


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Konsel", "74.05"),
        ("Konawe Selatan", "74.05"),
        ("Kota Kendari", "74.71"),
        ("74.05", "74.05"),
        ("Wawotobi", "74.02.03"),
        ("Sultra", "74"),
        ("Baubau", "74.72"),
    ],
)
def test_a_region_is_found_by_name_or_code(value: str, code: str) -> None:
    assert find_region(value) == code


def test_an_unknown_or_ambiguous_region_is_a_clear_error() -> None:
    with pytest.raises(LookupError, match="Kabupaten Malang \\(35.07\\), Kota Malang \\(35.73\\)"):
        find_region("Malang")
    with pytest.raises(LookupError, match="no region is named"):
        find_region("Atlantis")
    with pytest.raises(LookupError, match="no region has the code"):
        find_region("99.99")


def test_an_event_takes_the_region_most_of_its_articles_agree_on() -> None:
    assert common_region([("74.02.03", "ID"), ("74.02", "ID"), ("74.71", "ID")]) == (
        "74.02.03",  # an article that says only "Konawe" does not contradict Wawotobi
        "ID",
    )
    assert common_region([("74.02.03", "ID"), ("74.02.01", "ID")]) == ("74.02", "ID")
    assert common_region([("74.02", "ID"), ("74.71", "ID")]) == ("74", "ID")  # a tie: province
    assert common_region([(None, "JP"), (None, "JP"), ("31", "ID")]) == (None, "JP")
    assert common_region([]) == (None, None)


def test_warta_mentions_writes_the_region(tmp_path: Path) -> None:
    articles = tmp_path / "articles.jsonl"
    lines = [
        {
            "id": "a",
            "title": "Banjir di Konawe",
            "text": "Banjir merendam rumah di Kecamatan "
            "Wawotobi, Kabupaten Konawe, Sulawesi Tenggara.",
        },
        {"id": "b", "text": "Cara membuat kue bolu yang lembut."},
    ]
    articles.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["mentions", str(articles)], catch_exceptions=False)
    assert result.exit_code == 0
    found = [json.loads(line) for line in result.stdout.splitlines()]
    assert found[0]["region"]["regency"] == "Kabupaten Konawe"
    assert found[0]["region"]["code"].startswith("74.02")
    assert found[1]["region"] is None
