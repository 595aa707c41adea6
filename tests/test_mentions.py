"""dedupe.mentions on text written for Warta: people with office and rank, organisations,
places, later bare mentions; exact labels on replay-corpus articles; `warta mentions`."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from crawler.cli import cli
from dedupe.actors import ActorRecord, resolve
from dedupe.mentions import extract_mentions
from replayweb.corpus import load_corpus

MEETING = (
    "Kendari - Pj Gubernur Sultra Andap Budhi Revianto membuka rapat koordinasi bersama "
    "Kapolresta Kendari Kombes Pol Aris Tri Yunarko, S.I.K., M.Si. di Aula Bahteramas, Senin. "
    "Hadir pula Ketua KPU Sultra Asril dan Kepala Badan Kesatuan Bangsa dan Politik "
    "(Kesbangpol) Konut Yusuf Ladiku.\n"
    "Andap mengatakan koordinasi menjadi kunci. Kapolresta menambahkan bahwa 1.100 personel "
    "siap. Di tempat lain, Bawaslu Kota Kendari dan KPU Kendari menggelar rapat bersama "
    "Kesbangpol Konut, kata Asril. Bupati Kepulauan Seribu tidak hadir."
)


def _people(text: str) -> dict[str, tuple[str | None, str | None, list[str]]]:
    return {
        p.name: (p.office, p.rank, [surface for _, _, surface in p.mentions])
        for p in extract_mentions(text).people
    }


def test_people_keep_office_and_rank_and_lose_degrees() -> None:
    people = _people(MEETING)
    assert people["Andap Budhi Revianto"][:2] == ("Pj Gubernur Sultra", None)
    assert people["Aris Tri Yunarko"][:2] == ("Kapolresta Kendari", "Kombes Pol")
    assert people["Asril"][:2] == ("Ketua KPU Sultra", None)
    assert people["Yusuf Ladiku"][0] == (
        "Kepala Badan Kesatuan Bangsa dan Politik (Kesbangpol) Konut"
    )
    assert set(people) == {"Andap Budhi Revianto", "Aris Tri Yunarko", "Asril", "Yusuf Ladiku"}


def test_a_one_word_name_after_an_office_is_written_again() -> None:
    # "Asril" recurs ("kata Asril"); "Seribu" of "Bupati Kepulauan Seribu" does not
    assert "Seribu" not in _people(MEETING)


def test_later_bare_mentions_resolve_to_the_person_named_earlier() -> None:
    people = _people(MEETING)
    assert people["Andap Budhi Revianto"][2] == [
        "Pj Gubernur Sultra Andap Budhi Revianto",
        "Andap",
    ]
    assert people["Aris Tri Yunarko"][2] == [
        "Kapolresta Kendari Kombes Pol Aris Tri Yunarko",
        "Kapolresta",
    ]


def test_mention_offsets_point_into_the_text_as_given() -> None:
    glued = "Kata\u00a0Ketua KPU Sultra Asril hari ini, denganKapolda Sultra hadir."
    for person in extract_mentions(glued).people:
        for start, end, surface in person.mentions:
            assert glued[start:end].replace("\u00a0", " ") == surface


def test_an_acronym_and_its_expansion_are_one_body_and_regions_stay_apart() -> None:
    bodies = {b.key: b for b in extract_mentions(MEETING).organisations}
    kesbangpol = bodies["kesbangpol|konawe utara"]
    assert kesbangpol.name == "Kesbangpol Konut"
    assert kesbangpol.expansion == "Badan Kesatuan Bangsa dan Politik"
    assert [surface for _, _, surface in kesbangpol.mentions] == [
        "Badan Kesatuan Bangsa dan Politik (Kesbangpol) Konut",
        "Kesbangpol Konut",
    ]
    assert "kpu|sulawesi tenggara" in bodies
    assert "kpu|kendari" in bodies  # KPU Sultra ≠ KPU Kendari
    assert bodies["bawaslu|kendari"].name == "Bawaslu Kota Kendari"


def test_places() -> None:
    assert "Aula Bahteramas" in extract_mentions(MEETING).places


def test_nothing_to_find_is_empty_not_an_error() -> None:
    for text in ("", "   ", "harga cabai naik lagi di pasar.", "\x00\ufffd" * 50):
        found = extract_mentions(text)
        assert found.people == [] and found.organisations == []


# Exact labels, written by reading the replay corpus (our own fiction): every person given an
# office or rank, as (name, office as written, rank), and every organisation.
REPLAY_LABELS = {
    "indeks-0001": (
        {
            ("Hendra Wijayakusuma", "Kapolresta Kendari", "Kombes Pol"),
            ("Syamsul Bahri Lapadi", "Asisten I", None),
            ("Andi Sofyan Marzuki", "Penjabat Wali Kota Kendari", None),
            ("Wa Ode Nurhayati", "Ketua KPU Kota Kendari", None),
            ("Abdul Rahman Tosepu", "Ketua Bawaslu Kota Kendari", None),
            ("Musafir Lamba", "Pasi Ops", "Kapten Inf"),
        },
        {
            "Polresta Kendari",
            "Kodim 1417/Kendari",
            "Pemkot Kendari",
            "KPU Kota Kendari",
            "Bawaslu Kota Kendari",
            "Kesbangpol",
            "TNI",
            "Polri",
            "PPK",
            "PPS",
        },
    ),
    "sibernas-0001": (
        {
            (
                "Syamsul Bahri Lapadi",
                "Asisten I Bidang Pemerintahan Sekretariat Daerah Kota Kendari",
                None,
            ),
            ("Andi Sofyan Marzuki", "Penjabat (Pj) Wali Kota Kendari", None),
            (
                "Muhammad Irfan Syukur",
                "Kepala Badan Kesatuan Bangsa dan Politik (Kesbangpol) Kota Kendari",
                None,
            ),
            ("Hendra Wijayakusuma", "Kapolresta Kendari", "Kombes Pol"),
            ("Wa Ode Nurhayati", "Ketua KPU Kota Kendari", None),
        },
        {
            "Sekretariat Daerah Kota Kendari",
            "Polresta Kendari",
            "Kesbangpol Kota Kendari",
            "Bawaslu",
            "KPU",
            "KPU Kota Kendari",
        },
    ),
}


def test_replay_articles_yield_exactly_their_labelled_people_and_bodies() -> None:
    corpus = load_corpus()
    for article_id, (people, bodies) in REPLAY_LABELS.items():
        found = extract_mentions(corpus.article(article_id).body)
        assert {(p.name, p.office, p.rank) for p in found.people} == people, article_id
        assert {b.name for b in found.organisations} == bodies, article_id


def test_spellings_of_one_person_join_only_with_a_shared_office() -> None:
    actors = [
        ActorRecord(1, "person", "person:andap", "Andap", {"gubernur"}),
        ActorRecord(
            2, "person", "person:andap budhi revianto", "Andap Budhi Revianto", {"gubernur"}
        ),
        ActorRecord(3, "person", "person:andap budhi", "Andap Budhi", {"gubernur"}),
        ActorRecord(4, "person", "person:agus", "Agus", {"kapolres"}),
        ActorRecord(5, "person", "person:agus salim", "Agus Salim", {"kepala"}),
    ]
    joined = resolve(actors)
    assert {i: r.canonical_id for i, r in joined.items()} == {1: 2, 3: 2}
    assert joined[1].reason == (
        '"Andap" is part of "Andap Budhi Revianto" and only of that name, and both were gubernur'
    )


def test_warta_mentions_reads_the_cluster_input_format(tmp_path: Path) -> None:
    articles = tmp_path / "articles.jsonl"
    articles.write_text(
        json.dumps({"id": "a1", "title": "Rakor", "text": MEETING, "published_at": None})
        + "\nnot json\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["mentions", str(articles)])
    assert result.exit_code == 1
    assert "line 2: skipped" in result.stderr
    record = json.loads(result.stdout.splitlines()[0])
    assert record["id"] == "a1"
    assert {
        "name": "Aris Tri Yunarko",
        "office": "Kapolresta Kendari",
        "office_canonical": "Kapolresta / Polresta Kendari",
        "rank": "Kombes Pol",
        "titles": ["S.I.K.", "M.Si."],
        "mentions": 2,
    } in record["people"]
    assert "Aula Bahteramas" in record["places"]
