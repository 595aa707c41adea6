"""Evidence of the occasion (issues 22 and 23): people from dedupe.mentions in the features, the
people an article quotes, and the day of the happening rather than the day of writing. Texts
are our own writing."""

from __future__ import annotations

from datetime import UTC, datetime

from dedupe.actors import person_key
from dedupe.cluster_config import ClusterConfig
from dedupe.clustering import ArticleRecord, EventClusterer
from dedupe.dates import event_date
from dedupe.features import FEATURES_VERSION, extract_features
from dedupe.mentions import extract_mentions
from dedupe.occasion import is_reaction, speakers
from dedupe.rarity import DocumentCounts, count, salient_cosine, weigh
from dedupe.signatures import MinHasher

PUBLISHED = datetime(2024, 7, 10, 2, 0, tzinfo=UTC)  # Wednesday 10 July, 10:00 WITA

PRESSER = (
    "Kendari - Pj Gubernur Sultra Andap Budhi Revianto mengumumkan pembukaan lapangan kerja "
    'baru di Kendari. "Kami membuka 500 lowongan," kata Andap saat konferensi pers di Kantor '
    "Gubernur, Selasa (9/7/2024)."
)
PRESSER_AGAIN = (
    "Kendari - Andap Budhi Revianto, Pj Gubernur Sultra, mengatakan pemerintah membuka 500 "
    "lowongan kerja baru di Kendari. Pengumuman itu disampaikan di Kantor Gubernur, Selasa "
    "(9/7/2024)."
)
REACTION = (
    "Kendari - Anggota DPRD Sultra Laode Muhammad Taufan menyambut pengumuman Pj Gubernur Sultra "
    "Andap Budhi Revianto soal lowongan kerja baru. Menurut politisi itu, pelatihan bagi pemuda "
    "desa di Konawe dan Kolaka harus menyertai program tersebut agar warga setempat ikut "
    'terserap. "Kami mendukung, tetapi balai latihan kerja perlu diperkuat," ujar Taufan di '
    "gedung DPRD Sultra, Selasa (9/7/2024)."
)


def test_people_of_the_features_are_those_of_dedupe_mentions() -> None:
    # "kata Asril" marks a person the old capitalisation heuristic missed (no title before it)
    text = 'Kendari - Harga beras naik. "Stok aman," kata Asril Mubarak di Pasar Sentral Kendari.'
    features = extract_features(None, text, PUBLISHED)
    assert features["version"] == FEATURES_VERSION == 3
    mentioned = {p.name for p in extract_mentions(text).people}
    assert {p["name"] for p in features["people"]} == mentioned == {"Asril Mubarak"}
    assert features["salient"]["asril mubarak"] == "person"


def test_features_take_the_mentions_given_or_compute_them() -> None:
    mentions = extract_mentions(PRESSER).to_json()
    assert extract_features("Lowongan", PRESSER, PUBLISHED, mentions) == extract_features(
        "Lowongan", PRESSER, PUBLISHED
    )


def test_the_people_quoted_are_the_speakers() -> None:
    andap = person_key("Andap Budhi Revianto")
    assert speakers(PRESSER, extract_mentions(PRESSER).to_json()) == [andap]
    # "Name, office, mengatakan": the verb after the apposition
    assert speakers(PRESSER_AGAIN, extract_mentions(PRESSER_AGAIN).to_json()) == [andap]
    # the reaction names the governor but quotes the legislator
    quoted = speakers(REACTION, extract_mentions(REACTION).to_json())
    assert quoted == [person_key("Laode Muhammad Taufan")]
    features = extract_features(None, REACTION, PUBLISHED)
    assert {f for f, kind in features["salient"].items() if kind == "speaker"} == {
        f"speaker {key}" for key in quoted
    }


def test_one_speaker_brings_two_reports_closer_than_a_reaction() -> None:
    """Reports of one press conference share their speaker; a reaction sharing the story's names
    quotes someone else, so its salient cosine to either report is lower."""
    config = ClusterConfig()
    texts = [PRESSER, PRESSER_AGAIN, REACTION]
    features = [extract_features(None, text, PUBLISHED) for text in texts]
    counts = DocumentCounts()
    counts.add(count([(f["salient"], f["terms"]) for f in features]))
    weights = [
        weigh(
            f["salient"],
            f["terms"],
            counts,
            kind_weights=config.kind_weights,
            min_articles=config.rarity_min_articles,
            max_df_fraction=config.candidate_max_df_fraction,
            min_df=config.candidate_min_df,
        )
        for f in features
    ]
    same = salient_cosine(weights[0], weights[1])
    assert same > salient_cosine(weights[0], weights[2])
    assert same > salient_cosine(weights[1], weights[2])


def test_the_day_a_quote_was_said_over_a_day_the_speaker_recalls() -> None:
    text = (
        'Jakarta - Pemerintah mencabut izin empat perusahaan. "Tepatnya pada hari Kamis '
        '(4/7/2024) malam kami menerima laporan," ujar Menteri Budi saat konferensi pers di '
        "Jakarta, Selasa (9/7/2024)."
    )
    found = event_date(text, PUBLISHED)
    assert found is not None and found.date.isoformat() == "2024-07-09"
    assert found.confidence > 0.95  # the attributed day outranks any other weekday+date


def test_a_date_inside_a_quotation_is_background() -> None:
    text = 'Kendari - Warga mengenang banjir. "Sejak Kamis (4/7/2024) air tidak surut," katanya.'
    found = event_date(text, PUBLISHED)
    assert found is not None and found.confidence < ClusterConfig().min_date_confidence


def test_a_weekday_a_day_off_its_date_keeps_the_weekday() -> None:
    # Tuesday is the 9th; the writer typed the day of publication
    text = 'Kendari - Rapat digelar di Kendari. "Kami siap," ujar Budi, Selasa (10/7/2024).'
    found = event_date(text, PUBLISHED)
    assert found is not None and found.date.isoformat() == "2024-07-09"
    assert found.confidence >= ClusterConfig().min_date_confidence


def test_these_days_is_not_today() -> None:
    text = "Kendari - Beberapa hari ini harga cabai naik di pasar Kendari."
    assert event_date(text, PUBLISHED) is None


def test_a_reaction_is_its_own_occasion() -> None:
    assert is_reaction("DPRD Sambut Lowongan Kerja Baru", REACTION)
    assert not is_reaction("Pemprov Buka 500 Lowongan", PRESSER)
    assert extract_features("DPRD Sambut Lowongan", REACTION, PUBLISHED)["reaction"] is True


def test_the_reaction_stays_apart_from_the_press_conference() -> None:
    """Two reports of the governor's press conference are one event; the legislator's reaction
    the same day, sharing the story's names but quoting only the legislator, is not."""
    texts = {"presser": PRESSER, "again": PRESSER_AGAIN, "reaction": REACTION}
    records = [
        ArticleRecord(
            key=key,
            rank=(rank,),
            signature=MinHasher().signature_bytes(text),
            features=extract_features(None, text, PUBLISHED),
            published_at=PUBLISHED,
        )
        for rank, (key, text) in enumerate(texts.items())
    ]
    events = {frozenset(m) for m in EventClusterer().cluster(records).events.values()}
    assert events == {frozenset({"presser", "again"}), frozenset({"reaction"})}
    unaware = EventClusterer(ClusterConfig(reaction_factor=1.0, kind_weights={"person": 2.0}))
    assert len(unaware.cluster(records).events) == 1  # without the occasion evidence: one event
