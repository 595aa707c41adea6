"""Two occasions of one story stay two events (issue 22, round 2): the lead speaker (the person
quoted first) and previews. Texts are our own writing."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from dedupe.actors import person_key
from dedupe.cluster_config import ClusterConfig
from dedupe.clustering import ArticleRecord, EventClusterer
from dedupe.features import extract_features
from dedupe.mentions import extract_mentions
from dedupe.occasion import is_preview, leads_apart, name_words, speakers
from dedupe.signatures import MinHasher

PUBLISHED = datetime(2024, 7, 10, 2, 0, tzinfo=UTC)  # Wednesday 10 July, 10:00 WITA

PRESSER = (
    "Kendari - Pj Gubernur Sultra Andap Budhi Revianto mengumumkan pembukaan 500 lowongan kerja "
    'baru di Kendari bagi lulusan SMK. "Kami membuka 500 lowongan untuk pemuda Konawe dan '
    'Kolaka," kata Andap saat konferensi pers di Kantor Gubernur, Selasa (9/7/2024).'
)
PRESSER_AGAIN = (
    "Kendari - Andap Budhi Revianto, Pj Gubernur Sultra, mengatakan pemerintah membuka 500 "
    "lowongan kerja baru di Kendari untuk lulusan SMK dari Konawe dan Kolaka. Pengumuman itu "
    "disampaikan di Kantor Gubernur, Selasa (9/7/2024)."
)
#: another occasion of the story: the legislator is quoted first, the governor's words recounted
OTHER_OCCASION = (
    "Kendari - Anggota DPRD Sultra Laode Muhammad Taufan meminta balai latihan kerja di Konawe "
    'dan Kolaka diperkuat. "Lulusan SMK perlu pelatihan dulu," ujar Taufan di gedung DPRD '
    "Sultra, Selasa (9/7/2024). Sebelumnya, Andap Budhi Revianto mengatakan pemerintah membuka "
    "500 lowongan kerja baru di Kendari bagi lulusan SMK."
)


def _records(texts: dict[str, tuple[str | None, str]]) -> list[ArticleRecord]:
    return [
        ArticleRecord(
            key=key,
            rank=(rank,),
            signature=MinHasher().signature_bytes(text),
            features=extract_features(title, text, PUBLISHED),
            published_at=PUBLISHED,
            title=title,
        )
        for rank, (key, (title, text)) in enumerate(texts.items())
    ]


#: about the bar of a crowded national day (0.18 x strictness 2, docs/EVENTS.md): in three
#: articles alone every shared name is rare and any overlap links
CROWDED = ClusterConfig(link_threshold_dated=0.38)
UNAWARE = ClusterConfig(link_threshold_dated=0.38, occasion_factor_apart=1.0)


def _events(clusterer: EventClusterer, records: list[ArticleRecord]) -> set[frozenset[str]]:
    return {frozenset(m) for m in clusterer.cluster(records).events.values()}  # type: ignore[misc]


def test_speakers_come_in_the_order_of_their_first_quotation() -> None:
    quoted = speakers(OTHER_OCCASION, extract_mentions(OTHER_OCCASION).to_json())
    assert quoted == [person_key("Laode Muhammad Taufan"), person_key("Andap Budhi Revianto")]
    features = extract_features(None, OTHER_OCCASION, PUBLISHED)
    assert features["lead_speaker"] == person_key("Laode Muhammad Taufan")
    assert (
        extract_features(None, "Kendari - Hujan turun sejak pagi.", PUBLISHED)["lead_speaker"]
        is None
    )


def test_lead_speakers_match_by_a_name_word() -> None:
    bahlil = name_words("person:bahlil")
    assert bahlil == {"bahlil"} and name_words("person:ade r susardi") == {"ade", "susardi"}
    full = name_words("person:bahlil lahadalia")
    # "Bahlil" and "Bahlil Lahadalia" are one speaker: not apart
    assert not leads_apart(quoting(bahlil), quoting(full))
    # the legislator's report also quotes the minister, but the minister's report never names
    # the legislator: it recounts the minister's occasion and reports its own
    sugeng = name_words("person:sugeng suparwoto")
    legislator = quoting(sugeng, full)
    assert leads_apart(legislator, quoting(full))
    assert leads_apart(quoting(full), legislator)  # symmetric
    # each quotes only its own official (two outlets at one meeting): not parted
    assert not leads_apart(quoting(sugeng), quoting(full))
    # one meeting: the second report quotes the host after its own lead, and the host's report
    # names that lead without quoting him: not parted
    assert not leads_apart(legislator, quoting(full, named=sugeng))
    # a report quoting no one has no lead: nothing parts it
    assert not leads_apart(quoting(), quoting(full))


def quoting(lead: frozenset[str] = frozenset(), *others: frozenset[str],
            named: frozenset[str] = frozenset()) -> SimpleNamespace:
    """A prepared record's speakers: `lead` quoted first, then `others`; `named` named only."""
    quoted = lead.union(*others)
    return SimpleNamespace(lead=lead, quoted=quoted, named=quoted | named)


@pytest.mark.parametrize(
    ("title", "preview"),
    [
        ("Jelang Timnas Indonesia vs Jepang, Kluivert Ungkap Kondisi Pemain", True),
        ("Susunan Pemain Jepang vs Indonesia: Hilgers Starter", True),
        ("Bocoran Line-up Timnas Lawan Jepang", True),
        ("Hasil Jepang vs Indonesia: Garuda Kalah 0-6", False),
        ("Menjelajah Pantai Nirwana di Baubau", False),  # "jelang" inside a word
        (None, False),
    ],
)
def test_previews_by_their_headline(title: str | None, preview: bool) -> None:
    assert is_preview(title) is preview


def test_a_report_led_by_another_speaker_is_another_occasion() -> None:
    """The legislator's report shares the story's names and recounts the governor's words, so
    it quotes him too; quoted first, the legislator makes it another occasion."""
    records = _records(
        {
            "presser": ("Pemprov Buka 500 Lowongan", PRESSER),
            "again": ("Gubernur Umumkan Lowongan Kerja", PRESSER_AGAIN),
            "other": ("DPRD Minta Balai Latihan Kerja Diperkuat", OTHER_OCCASION),
        }
    )
    assert _events(EventClusterer(CROWDED), records) == {
        frozenset({"presser", "again"}),
        frozenset({"other"}),
    }
    assert _events(EventClusterer(UNAWARE), records) == {frozenset({"presser", "again", "other"})}


def test_a_preview_is_not_the_happening() -> None:
    """Written before the press conference, the preview names everyone the reports name."""
    preview = (
        "Kendari - Pencari kerja menunggu pengumuman Pj Gubernur Sultra Andap Budhi Revianto "
        "hari ini, Selasa (9/7/2024). Antrean sudah terlihat di depan dinas tenaga kerja."
    )
    records = _records(
        {
            "presser": ("Pemprov Buka 500 Lowongan", PRESSER),
            "again": ("Gubernur Umumkan Lowongan Kerja", PRESSER_AGAIN),
            "preview": ("Jelang Pengumuman 500 Lowongan Kerja", preview),
        }
    )
    assert _events(EventClusterer(CROWDED), records) == {
        frozenset({"presser", "again"}),
        frozenset({"preview"}),
    }
    assert _events(EventClusterer(UNAWARE), records) == {frozenset({"presser", "again", "preview"})}
