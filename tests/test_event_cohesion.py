"""Events hold together as a whole (issue 15): average linkage over every pair of a component,
bars that rise with size and with the crowd of the neighbourhood, headline figures and service
items. Texts are our own writing."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from dedupe.average_linkage import cohesive_groups, cosine_matrix
from dedupe.cluster_config import ClusterConfig
from dedupe.clustering import ArticleRecord, ClusterResult, EventClusterer
from dedupe.features import extract_features
from dedupe.headlines import figures_disagree, headline_figures, is_service_item
from dedupe.signatures import MinHasher

HASHER = MinHasher()
DAY = datetime(2024, 7, 9, 10, 0, tzinfo=UTC)


def _partition(result: ClusterResult) -> set[frozenset[Hashable]]:
    return {frozenset(members) for members in result.events.values()}


def _record(key: str, title: str, text: str, rank: int, published: datetime = DAY) -> ArticleRecord:
    return ArticleRecord(
        key=key,
        rank=(rank,),
        signature=HASHER.signature_bytes(text),
        features=extract_features(title, text, published),
        published_at=published,
        title=title,
    )


# -- average linkage ---------------------------------------------------------------------------
def test_a_chain_is_cut_where_single_linkage_would_join_it() -> None:
    # A–B and B–C link strongly, A and C share nothing: the mean between {A, B} and C is 0.25
    scores = np.array([[1.0, 0.6, 0.0], [0.6, 1.0, 0.5], [0.0, 0.5, 1.0]])
    never = np.zeros((3, 3), dtype=bool)
    assert cohesive_groups(scores, never, lambda members: 0.3) == [0, 0, 2]
    assert cohesive_groups(scores, never, lambda members: 0.2) == [0, 0, 0]


def test_the_bar_is_asked_of_each_node_with_its_members() -> None:
    scores = np.array([[1.0, 0.6, 0.0], [0.6, 1.0, 0.5], [0.0, 0.5, 1.0]])
    never = np.zeros((3, 3), dtype=bool)
    asked: list[list[int]] = []

    def bar(members: list[int]) -> float:
        asked.append(sorted(members))
        return 0.1 * len(members)  # a group of three needs 0.3, a pair 0.2

    assert cohesive_groups(scores, never, bar) == [0, 0, 2]
    assert asked == [[0, 1, 2], [0, 1]]


def test_pairs_that_may_never_be_together_are_not() -> None:
    scores = np.full((3, 3), 0.9)
    never = np.zeros((3, 3), dtype=bool)
    never[0, 2] = never[2, 0] = True
    groups = cohesive_groups(scores, never, lambda members: 0.1)
    assert groups[0] != groups[2]
    assert groups[1] in (groups[0], groups[2])


def test_cosine_matrix_over_the_sorted_vocabulary() -> None:
    vectors = [{"a": 3.0, "b": 4.0}, {"b": 1.0}, {"c": 2.0}]
    matrix = cosine_matrix(vectors, [5.0, 1.0, 2.0])
    assert matrix[0, 1] == pytest.approx(0.8)
    assert matrix[0, 2] == 0.0
    assert np.diag(matrix) == pytest.approx([1.0, 1.0, 1.0])


# -- headlines ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("title", "figures"),
    [
        ("Gempa Magnitudo 4,4 Guncang Laut Banda", {"44"}),
        ("KPU Muna Tetapkan 238.510 Pemilih dalam DPT Pilkada 2024", {"238510"}),
        ("Timnas Kalah 0-6, Pelatih Minta Maaf", set()),  # a match score
        ("Bupati Lantik 3 Camat Baru di Tahun 2024", set()),  # a small count, a year
        ("Lonjakan Kasus COVID-19 di Kendari", set()),
    ],
)
def test_headline_figures(title: str, figures: set[str]) -> None:
    assert headline_figures(title) == figures


def test_figures_disagree_unless_one_begins_the_other() -> None:
    exact, rounded = headline_figures("116.982 Pemilih"), headline_figures("116 Ribu Pemilih")
    assert not figures_disagree(exact, rounded)
    assert figures_disagree(headline_figures("Gempa M 4,4"), headline_figures("Gempa M 3,8"))
    assert not figures_disagree(headline_figures("Gempa M 4,4"), frozenset())


@pytest.mark.parametrize(
    ("title", "service"),
    [
        ("Ramalan Zodiak Besok untuk Aries dan Leo", True),
        ("Jadwal Acara TV Hari Ini di Kendari", True),
        ("Kunci Jawaban Matematika Kelas 5 Halaman 40", True),
        ("Cara Cek Penerima Bantuan Pangan 2024", True),
        ("Harga Emas Hari Ini Naik Tipis", True),
        ("Polresta Kendari Atur Jadwal Iring-iringan Pendukung", False),
        ("Sekda Janji Tindak Lanjuti Rekomendasi Bawaslu", False),
        ("Bupati Bicara soal Tambang di Konawe Utara", False),
        (None, False),
    ],
)
def test_service_items_by_their_headline(title: str | None, service: bool) -> None:
    assert is_service_item(title) is service


# -- the clusterer -----------------------------------------------------------------------------
CHAIN_NAMES = [
    "Laode Sabara",
    "Wa Ode Nurhana",
    "Andi Mappatoba",
    "Rusdin Tahir",
    "Nur Alamsyah",
    "Haerul Saleh",
    "Sitti Marwah",
    "Jafar Bone",
    "Muhammad Ikbal",
    "Ramli Kasim",
    "Yusran Akbar",
]


def _chain_text(i: int) -> str:
    """Article i names the two people of its link to i-1 and i+1: each neighbour shares one name
    and little else, as reports of different happenings of one long story do (no one is quoted:
    dedupe.occasion's speakers would part them further)."""
    left, right = CHAIN_NAMES[i], CHAIN_NAMES[i + 1]
    return (
        f"Kendari - Tokoh masyarakat {left} bertemu dengan tokoh masyarakat {right} di "
        f"Kendari pada Selasa (9/7/2024). Pandangan {left} dan tanggapan {right} dibahas bersama. "
        f"Pertemuan {left} dan {right} berlangsung hangat menurut warga."
    )


def test_a_chain_of_reports_is_not_one_event() -> None:
    records = [_record(f"c{i}", f"Pertemuan Tokoh {i}", _chain_text(i), i) for i in range(10)]
    result = EventClusterer().cluster(records)
    single = EventClusterer(replace(ClusterConfig(), event_cohesion=0.0))
    assert len(single.cluster(records).events) == 1  # single linkage chains all ten
    # the chain is cut where the mean between its halves is lowest for their size: two stories
    assert _partition(result) == {
        frozenset(f"c{i}" for i in range(6)),
        frozenset(f"c{i}" for i in range(6, 10)),
    }
    # in a crowded neighbourhood (a national day of news) the bars are higher: shorter events
    dense = EventClusterer(replace(ClusterConfig(), rarity_min_articles=1, crowd_factor=2.0))
    assert max(len(event) for event in _partition(dense.cluster(records))) < 6


def test_bars_rise_with_the_crowd_of_the_neighbourhood() -> None:
    config = ClusterConfig()
    assert config.strictness(5) == config.strictness(config.rarity_min_articles) == 1.0
    assert config.strictness(20 * 148) == pytest.approx(1.0 + config.crowd_factor * np.log(148))
    assert config.cohesion_bar(1) == 0.0
    assert config.cohesion_bar(10) > config.cohesion_bar(5) > config.cohesion_bar(2)


QUAKE = (
    "Badan Meteorologi, Klimatologi, dan Geofisika (BMKG) mencatat gempa bumi tektonik "
    "mengguncang wilayah {place} pada Selasa (9/7/2024) pukul {time} WITA. Gempa berkekuatan "
    "magnitudo {mag} itu berpusat di laut pada kedalaman 10 kilometer. BMKG menyatakan gempa "
    "tidak berpotensi tsunami dan meminta warga tetap tenang serta menghindari bangunan yang "
    "retak akibat guncangan."
)


def test_templated_reports_with_other_figures_are_other_items() -> None:
    records = [
        _record(
            "q1",
            "Gempa Magnitudo 4,4 Guncang Laut Banda",
            QUAKE.format(place="Laut Banda", time="08.10", mag="4,4"),
            1,
        ),
        _record(
            "q2",
            "Gempa Magnitudo 3,8 Guncang Laut Banda",
            QUAKE.format(place="Laut Banda", time="11.45", mag="3,8"),
            2,
        ),
        _record(
            "q3",
            "Gempa Magnitudo 4,4 Guncang Laut Banda, Tak Berpotensi Tsunami",
            QUAKE.format(place="Laut Banda", time="08.10", mag="4,4"),
            3,
        ),
    ]
    assert _partition(EventClusterer().cluster(records)) == {
        frozenset({"q1", "q3"}),  # one quake, a copy
        frozenset({"q2"}),
    }


HOROSCOPE = (
    "Ramalan zodiak untuk {signs} pada Selasa (9/7/2024) menyebut peluang baru dalam pekerjaan "
    "dan keuangan. Pemilik zodiak {signs} diminta berhati-hati mengambil keputusan, menjaga "
    "kesehatan, dan meluangkan waktu bersama keluarga. Warna keberuntungan hari ini {color}."
)


def test_service_items_join_events_only_as_copies() -> None:
    aries = HOROSCOPE.format(signs="Aries dan Leo", color="merah")
    records = [
        _record("h1", "Ramalan Zodiak Selasa untuk Aries dan Leo", aries, 1),
        _record(
            "h2",
            "Ramalan Zodiak Selasa untuk Taurus dan Virgo",
            HOROSCOPE.format(signs="Taurus dan Virgo", color="hijau"),
            2,
        ),
        _record(
            "h3", "Ramalan Zodiak Selasa untuk Aries dan Leo", aries, 3, DAY + timedelta(hours=2)
        ),
    ]
    assert _partition(EventClusterer().cluster(records)) == {
        frozenset({"h1", "h3"}),
        frozenset({"h2"}),
    }


def test_every_member_says_how_well_it_fits_its_event(seeds_dir) -> None:  # type: ignore[no-untyped-def]
    from crawler.clustering.devset import seed_articles

    seeds = seed_articles(seeds_dir)
    records = [
        ArticleRecord(
            key=a.id,
            rank=(i,),
            signature=HASHER.signature_bytes(a.text),
            features=extract_features(a.title, a.text, a.published_at),
        )
        for i, a in enumerate(seeds)
    ]
    result = EventClusterer().cluster(records)
    pair = next(members for members in result.events.values() if len(members) == 2)
    for key in pair:
        reason = result.assignments[key].reason
        assert reason["fit"] > 0 and reason["linked_to"] in pair and reason["linked_to"] != key
    assert date(2024, 7, 9).isoformat() == result.assignments[pair[0]].reason["date"]
