"""The generated corpus of bench/recluster.py: articles of events over two years, with real
signatures and features (split from recluster.py, which builds and measures with it).

Generated corpus: events on days spread evenly over two years, 1-4 reports each (mean 2.5), from
50 outlets, published 2-30 hours after the event. A report is ~2,900 characters (scaling.py's
length): a lead with an official of the event, its venue and (for 80% of reports) its date,
sentences with the event's second official, 8 topic words (bench/clustering.py's vocabulary),
a distinctive figure for half of the events; per report common words, regional names, noise
names (residents quoted), 0-2 of 300 officials who recur all over the corpus; the rest is real
Indonesian sentences of the replay corpus (scaling.py's pool) in lower case without digits, so
their names and figures do not recur across unrelated reports. 5% of the reports after an
event's first are republications of an earlier report (one paragraph swapped). The generated
event of each article is in its URL (``-e<event>d<yyyymmdd>-<report>``); `--scratch` scores the
result against it (BCubed, dedupe.evaluation), after the measurement.
"""

from __future__ import annotations

import multiprocessing
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from clustering import SYLLABLES, TOPIC_WORDS, WORDS
from scaling import OUTLETS, sentence_pool

from dedupe.features import extract_features
from dedupe.signatures import MinHasher

#: the corpus covers two years whatever its size (1M articles: ~1,370 a day)
SPAN_DAYS = 730
START = date(2023, 1, 1)
MEAN_REPORTS = 2.5
EVENTS_PER_TASK = 400
REPUBLISHED = 0.05  #: share of an event's later reports that republish an earlier one

WEEKDAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
MONTHS = "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
CITIES = ["Kendari", "Konawe", "Kolaka", "Baubau", "Muna", "Bombana", "Buton", "Wakatobi"]
#: who the officials are: the title words let extract_features see a person's name after them
ROLES = [
    "Kapolresta Kendari Kombes Pol",
    "Kapolres {city} AKBP",
    "Kapolda Sultra Irjen Pol",
    "Ketua KPU {city}",
    "Ketua Bawaslu {city}",
    "Penjabat Bupati {city}",
    "Wali Kota",
    "Sekda {city}",
    "Kepala Kesbangpol {city}",
    "Dandim {city} Letkol Inf",
    "Camat",
    "Lurah",
    "Bupati {city}",
    "Kajari {city}",
    "Rektor",
    "Wakil Ketua DPRD {city}",
    "Kabidhumas Polda Sultra Kombes Pol",
]
VENUES = ["Aula", "Hotel", "Gedung", "Balai", "Lapangan", "Pendopo", "Masjid", "Kantor"]
ORGANISATIONS = [
    "KPU {city}",
    "Bawaslu {city}",
    "Polres {city}",
    "Pemkab {city}",
    "Pemprov Sultra",
    "Polda Sultra",
    "DPRD {city}",
    "Dinas Pendidikan {city}",
]
LEADS = [
    "{role} {name} memimpin {t0} {t1} {c0} di {venue}, {date}.",
    "{role} {name} membuka kegiatan {t0} dan {t1} di {venue}, {date}.",
    "Sebanyak {number} peserta mengikuti {t0} {t1} yang dibuka {role} {name} di {venue}, {date}.",
    "{org} menggelar {t0} {t1} bersama {role} {name} di {venue}, {date}.",
]
SENTENCES = [
    "{role} {name} mengatakan {t0} menjadi {c0} utama dalam {t1} tahun ini.",
    "Menurut {name2}, {t0} dan {t1} harus {c0} bersama {org}.",
    "Kegiatan di {venue} itu juga membahas {t0} serta {t1} {c0}.",
    "{org} mencatat {number} {c0} terkait {t0} sejak awal tahun.",
    "Ia menambahkan, {t0} {c0} akan dilanjutkan dengan {t1} di {city}.",
    "Salah satu peserta, {resident}, mengaku {t0} sangat membantu {c0} di {city}.",
    "Hadir pula {official} dan {official2} dalam {t0} tersebut.",
    "{role2} {name2} berharap {t0} {t1} dapat {c0} tanpa kendala.",
    "Warga {city}, {resident}, menilai {t0} {c0} {t1} perlu terus diawasi.",
    "Sementara itu {official} meminta {org} memperhatikan {t0} dan {c0}.",
]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 4))).capitalize()


def _person(rng: random.Random) -> str:
    return f"{_word(rng)} {_word(rng)}"


def _role(rng: random.Random, city: str) -> str:
    return rng.choice(ROLES).format(city=city)


#: officials who appear all over the corpus, unrelated to one another's events
RECURRING = [
    f"{_role(r, r.choice(CITIES))} {_person(r)}"
    for r in (random.Random(f"official{i}") for i in range(300))
]


@dataclass(frozen=True)
class GeneratedEvent:
    """One generated event: what all its reports share."""

    index: int
    day: date
    city: str
    people: tuple[tuple[str, str], ...]  #: (role, name) of its two officials
    venue: str
    organisation: str
    topic: tuple[str, ...]
    number: str
    reports: int


def make_event(seed: int, index: int, day: date) -> GeneratedEvent:
    """The event `index`: the same for the same (seed, index, day), in any process."""
    rng = random.Random(f"{seed}:{index}")
    city = rng.choice(CITIES)
    people = tuple((_role(rng, city), _person(rng)) for _ in range(2))
    venue = f"{rng.choice(VENUES)} {_word(rng)}" + (f" {_word(rng)}" if rng.random() < 0.5 else "")
    number = (
        f"{rng.randint(1, 99)}.{rng.randint(0, 999):03d}"
        if rng.random() < 0.5
        else str(rng.randint(12, 99))  # small counts are not distinctive figures
    )
    return GeneratedEvent(
        index=index,
        day=day,
        city=city,
        people=people,
        venue=venue,
        organisation=rng.choice(ORGANISATIONS).format(city=city),
        topic=tuple(rng.sample(TOPIC_WORDS, 8)),
        number=number,
        reports=rng.randint(1, 4),
    )


def _date_phrase(rng: random.Random, day: date) -> str:
    weekday = WEEKDAYS[day.weekday()]
    month = MONTHS.split()[day.month - 1]
    return rng.choice(
        [
            f"{weekday} ({day.day}/{day.month}/{day.year})",
            f"{weekday}, {day.day} {month} {day.year}",
            f"{weekday} ({day.day}/{day.month})",
        ]
    )


_FILLER: list[str] = []


def _filler() -> list[str]:
    """scaling.py's real sentences, lower-cased and without figures (see module doc)."""
    if not _FILLER:
        for sentence in sentence_pool():
            if not re.search(r"\d", sentence):
                _FILLER.append(sentence[0].upper() + sentence[1:].lower())
    return _FILLER


def report_text(event: GeneratedEvent, report: int, rng: random.Random) -> tuple[str, str]:
    """(title, text) of one report of `event`."""
    filler = _filler()
    (role, name), (role2, name2) = event.people
    common = rng.sample(WORDS, 6) + rng.sample(TOPIC_WORDS, 4)
    officials = rng.sample(RECURRING, rng.choice([0, 0, 1, 1, 1, 2]))
    residents = [_person(rng) for _ in range(3)]

    def fill(template: str) -> str:
        topic = rng.sample(event.topic, 2)
        return template.format(
            role=role,
            name=name,
            role2=role2,
            name2=name2,
            venue=event.venue,
            org=event.organisation,
            city=event.city,
            number=event.number,
            t0=topic[0],
            t1=topic[1],
            c0=rng.choice(common),
            resident=rng.choice(residents),
            official=officials[0] if officials else f"{role2} {name2}",
            official2=officials[1] if len(officials) > 1 else f"{role} {name}",
            date=_date_phrase(rng, event.day) if rng.random() < 0.8 else f"di {event.city}",
        )

    lead = f"{event.city.upper()} - " + fill(rng.choice(LEADS))
    own = [fill(t) for t in rng.sample(SENTENCES, rng.randint(5, 8))]
    target = max(800, int(rng.gauss(2900, 900)))
    size = len(lead) + sum(len(s) + 1 for s in own)
    sentences: list[str] = []
    while size < target:
        sentences.append(rng.choice(filler))
        size += len(sentences[-1]) + 1
    for sentence in own:  # the event's sentences among the others, in the first half mostly
        sentences.insert(rng.randrange(len(sentences) // 2 + 1), sentence)
    paragraphs = [lead] + [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    title = f"{' '.join(event.topic[:3]).capitalize()} di {event.venue}"
    return title, "\n\n".join(paragraphs)


def republish(text: str, rng: random.Random) -> str:
    """A near-copy: one paragraph after the lead replaced by a sentence pool paragraph."""
    paragraphs = text.split("\n\n")
    if len(paragraphs) > 2:
        paragraphs[rng.randrange(1, len(paragraphs))] = " ".join(rng.sample(_filler(), 3))
    return "\n\n".join(paragraphs)


def event_articles(event: GeneratedEvent, seed: int, first_report: int = 0) -> list[dict[str, Any]]:
    """The article rows (no id) of the reports `first_report`.. of `event`, with real
    signature and features."""
    rng = random.Random(f"{seed}:{event.index}:{first_report}:reports")
    hasher = _hasher()
    rows: list[dict[str, Any]] = []
    texts: list[str] = []
    for report in range(first_report, first_report + event.reports):
        published = datetime.combine(event.day, datetime.min.time(), UTC) + timedelta(
            hours=rng.randint(2, 30), minutes=rng.randrange(60)
        )
        title, body = report_text(event, report, rng)
        if texts and rng.random() < REPUBLISHED:
            body = republish(rng.choice(texts), rng)
        texts.append(body)
        source = rng.randrange(OUTLETS) + 1
        slug = "-".join(event.topic[:4])
        url = (
            f"https://outlet{source - 1:02d}.example.id/{published:%Y/%m/%d}/"
            f"{slug}-e{event.index}d{event.day:%Y%m%d}-{report}"
        )
        rows.append(
            {
                "source_id": source,
                "url": url,
                "canonical_url": url,
                "html_sha256": f"{rng.getrandbits(256):064x}",
                "title": title,
                "author": None,
                "editor": None,
                "published_at": published,
                "fetched_at": published + timedelta(hours=1),
                "language": "id",
                "language_probability": 0.99999,
                "text": body,
                "word_count": len(body.split()),
                "signature": hasher.signature_bytes(body),
                "features": extract_features(title, body, published),
                "clustered_at": None,
            }
        )
    return rows


_HASHER: list[MinHasher] = []


def _hasher() -> MinHasher:
    if not _HASHER:
        _HASHER.append(MinHasher())
    return _HASHER[0]


def _task(job: tuple[int, int, int, int]) -> list[dict[str, Any]]:
    """Worker: the articles of events [first, last) of a corpus of `planned` events."""
    seed, first, last, planned = job
    rows: list[dict[str, Any]] = []
    for index in range(first, last):
        day = START + timedelta(days=index * SPAN_DAYS // planned)
        rows += event_articles(make_event(seed, index, day), seed)
    return rows


def generated(count: int, seed: int, workers: int) -> Iterator[list[dict[str, Any]]]:
    """Article rows of events in day order, until `count` (the last batch cut to fit)."""
    planned = max(1, round(count / MEAN_REPORTS))

    def jobs() -> Iterator[tuple[int, int, int, int]]:
        first = 0
        while True:  # past `planned` only if the reports fall short of `count`
            yield seed, first, first + EVENTS_PER_TASK, planned
            first += EVENTS_PER_TASK

    made = 0
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for rows in pool.imap(_task, jobs(), chunksize=1):
            rows = rows[: count - made]
            made += len(rows)
            yield rows
            if made >= count:
                break
        pool.terminate()
