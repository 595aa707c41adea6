"""A large synthetic corpus for benchmarks: Indonesian-looking news recombined from templates.

`generate_corpus(10_000)` gives thousands of events (organiser, activity, topic, place, date),
each covered by one to five outlets: own reports in other words (other templates, same facts)
and republished press releases (same text, new dateline, another last paragraph). Organisers,
activities and places repeat across events, so similar-but-different events are common, as in
the real news. Deterministic for a seed; pages are rendered only when requested.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from replayweb.corpus import WITA, Article, Corpus, Event

DEFAULT_OUTLETS = (
    "sibernas", "indeks", "kabarsultra", "antarasultra", "chanetujuh",
    "telisik", "zonasultra", "tribunsultra", "kendaripos",
)  # fmt: skip
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")

ORGANISERS = (
    ("Pemerintah Kota Kendari", "Pemkot Kendari"),
    ("Pemerintah Provinsi Sulawesi Tenggara", "Pemprov Sultra"),
    ("Kepolisian Daerah Sulawesi Tenggara", "Polda Sultra"),
    ("Kepolisian Resor Kota Kendari", "Polresta Kendari"),
    ("Komisi Pemilihan Umum Sulawesi Tenggara", "KPU Sultra"),
    ("Badan Pengawas Pemilu Kota Kendari", "Bawaslu Kendari"),
    ("Dinas Pendidikan dan Kebudayaan Sultra", "Dikbud Sultra"),
    ("Dinas Kesehatan Kabupaten Konawe", "Dinkes Konawe"),
    ("Pemerintah Kabupaten Kolaka", "Pemkab Kolaka"),
    ("Pemerintah Kabupaten Buton", "Pemkab Buton"),
    ("Universitas Halu Oleo", "UHO"),
    ("Bank Indonesia Perwakilan Sultra", "BI Sultra"),
    ("Dinas Ketahanan Pangan Sultra", "DKP Sultra"),
    ("Dewan Perwakilan Rakyat Daerah Sultra", "DPRD Sultra"),
)
ACTIVITIES = (
    "rapat koordinasi", "sosialisasi", "pelatihan", "pasar murah", "rapat evaluasi",
    "apel siaga", "penyaluran bantuan", "seminar", "lokakarya", "kunjungan kerja",
)  # fmt: skip
TOPICS = (
    "pengamanan Pilkada 2024", "penurunan angka stunting", "pengendalian inflasi daerah",
    "penerimaan peserta didik baru", "pencegahan demam berdarah", "pemberantasan narkoba",
    "ketahanan pangan", "pengelolaan sampah", "pengembangan UMKM", "kesiapsiagaan bencana",
    "netralitas ASN", "pelayanan kesehatan ibu dan anak",
)  # fmt: skip
PLACES = (
    ("Kendari", "Aula Kantor Wali Kota Kendari"), ("Kendari", "Hotel Claro Kendari"),
    ("Unaaha", "Gedung Pertemuan Inolobunggadue"), ("Kolaka", "Aula Sasana Praja Kolaka"),
    ("Baubau", "Gedung Kebudayaan Baubau"), ("Raha", "Aula Kantor Bupati Muna"),
    ("Rumbia", "Aula Kantor Bupati Bombana"), ("Wangi-Wangi", "Balai Pertemuan Wakatobi"),
    ("Andoolo", "Aula Kantor Bupati Konawe Selatan"), ("Pasarwajo", "Aula Takawa Buton"),
)  # fmt: skip
FIRST = ("Andi", "Muhammad", "Asrun", "La Ode", "Wa Ode", "Ruksamin", "Sitti", "Nur", "Ahmad",
         "Rahmat", "Irma", "Yusran", "Hasnah", "Jumadil", "Sulkarnain", "Fitriani")  # fmt: skip
LAST = ("Hasan", "Umar", "Rahman", "Safei", "Lakidende", "Tamburaka", "Saranani", "Mokodompit",
        "Baharuddin", "Sabara", "Arifin", "Nasir", "Mustari", "Kasim")  # fmt: skip
ROLES = ("Kepala", "Ketua", "Sekretaris", "Asisten I", "Kepala Bidang")

OPENINGS = (
    "{org} menggelar {activity} {topic} di {venue}, {when}.",
    "{short} melaksanakan {activity} terkait {topic} yang berlangsung di {venue}, {city}, pada "
    "{when}.",
    "Dalam rangka mendukung {topic}, {org} mengadakan {activity} bertempat di {venue}, {when}.",
    "{official} membuka secara resmi {activity} {topic} yang diselenggarakan {short} di {venue}, "
    "{when}.",
)
MIDDLES = (
    "Kegiatan tersebut diikuti oleh sekitar {count} peserta dari berbagai unsur, mulai dari "
    "perangkat daerah, tokoh masyarakat hingga perwakilan pemuda.",
    "{Activity} ini merupakan agenda rutin yang dilaksanakan setiap tahun untuk memperkuat "
    "koordinasi lintas sektor.",
    "Menurut {name}, {topic} membutuhkan dukungan seluruh lapisan masyarakat agar hasilnya dapat "
    "dirasakan secara merata.",
    "Ia menjelaskan, pemerintah telah menyiapkan anggaran sebesar Rp{money} miliar untuk "
    "mendukung program tersebut sepanjang tahun {year}.",
    "Selain itu, {short} juga akan melakukan pemantauan secara berkala di {districts} kecamatan "
    "di wilayah {city}.",
    "Dalam kesempatan itu, sejumlah narasumber memaparkan data serta tantangan yang dihadapi di "
    "lapangan.",
    "Pihaknya berharap kegiatan serupa dapat terus dilaksanakan dengan melibatkan lebih banyak "
    "pihak.",
    "Peserta tampak antusias mengikuti setiap sesi, terutama saat diskusi dan tanya jawab "
    "berlangsung.",
    "Data yang dihimpun menunjukkan peningkatan sebesar {percent} persen dibandingkan periode "
    "yang sama tahun lalu.",
    "Ia menambahkan, hasil {activity} akan dituangkan dalam rekomendasi yang disampaikan kepada "
    "kepala daerah.",
)
QUOTES = (
    "“Kami mengajak semua pihak untuk bersinergi demi {topic} di {city},” ujar {name}.",
    "“Ini adalah komitmen kami untuk memberikan pelayanan terbaik kepada masyarakat,” kata {name}.",
    "“Kita tidak bisa bekerja sendiri, butuh kolaborasi semua elemen,” tegasnya.",
    "“Mudah-mudahan apa yang kita bahas hari ini bisa segera ditindaklanjuti,” harap {name}.",
)
CLOSINGS = (
    "Kegiatan ditutup dengan penandatanganan komitmen bersama oleh seluruh peserta yang hadir.",
    "Acara berakhir pada sore hari dengan pembagian sertifikat kepada peserta.",
    "Hingga berita ini diturunkan, kegiatan masih berlangsung dengan tertib dan lancar.",
    "Usai kegiatan, para peserta melanjutkan peninjauan ke sejumlah lokasi di {city}.",
)
TITLES = (
    "{short} Gelar {Activity} {Topic}",
    "{Activity} {Topic}, {short} Libatkan {count} Peserta",
    "Dukung {Topic}, {short} Adakan {Activity} di {city}",
    "{count} Peserta Ikuti {Activity} {Topic} di {city}",
    "{Activity} {Topic} Digelar di {venue}",
)


@dataclass(frozen=True)
class Facts:
    """What every article about one event agrees on."""

    values: dict[str, str]
    day: date

    def fill(self, template: str) -> str:
        return template.format(**self.values)


def title_case(text: str) -> str:
    return " ".join(
        word if word.isupper() or word[0].isdigit() else word.capitalize() for word in text.split()
    )


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def invent_facts(rng: random.Random, start: date = date(2024, 1, 2), span_days: int = 350) -> Facts:
    org, short = rng.choice(ORGANISERS)
    activity, topic = rng.choice(ACTIVITIES), rng.choice(TOPICS)
    city, venue = rng.choice(PLACES)
    day = start + timedelta(days=rng.randrange(span_days))
    name = person(rng)
    values = {
        "org": org, "short": short, "activity": activity, "Activity": title_case(activity),
        "topic": topic, "Topic": title_case(topic), "city": city, "venue": venue, "name": name,
        "official": f"{rng.choice(ROLES)} {short}, {name}",
        "when": f"{DAYS[day.weekday()]} ({day.day}/{day.month}/{day.year})",
        "count": str(rng.randrange(40, 600, 5)),
        "money": f"{rng.randint(1, 40)},{rng.randint(1, 9)}",
        "year": str(day.year),
        "districts": str(rng.randint(3, 15)),
        "percent": str(rng.randint(3, 40)),
    }  # fmt: skip
    return Facts(values, day)


def write(rng: random.Random, facts: Facts, dateline: str) -> tuple[str, list[str]]:
    """One outlet's own report: a title and paragraphs from a fresh pick of templates."""
    sentences = [facts.fill(rng.choice(OPENINGS))]
    sentences += [facts.fill(t) for t in rng.sample(MIDDLES, rng.randint(4, 7))]
    sentences.insert(rng.randint(2, len(sentences)), facts.fill(rng.choice(QUOTES)))
    sentences.append(facts.fill(rng.choice(CLOSINGS)))
    paragraphs, current = [], [dateline + sentences[0]]
    for sentence in sentences[1:]:
        if len(current) >= rng.randint(1, 3):
            paragraphs.append(" ".join(current))
            current = []
        current.append(sentence)
    paragraphs.append(" ".join(current))
    return facts.fill(rng.choice(TITLES)), paragraphs


def compose_body(rng: random.Random, dateline: str = "KENDARI – ") -> tuple[str, str]:
    """A standalone (title, body) about an invented event, for pages outside the corpus."""
    title, paragraphs = write(rng, invent_facts(rng), dateline)
    return title, "\n\n".join(paragraphs)


def slugify(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower())[:9])


def generate_corpus(n_articles: int, outlets: Sequence[str] | None = None, seed: int = 0) -> Corpus:
    """About `n_articles` articles (exactly that many) over events covered by 1–5 outlets each."""
    if n_articles < 0:
        raise ValueError("n_articles must be >= 0")
    outlets = tuple(outlets or DEFAULT_OUTLETS)
    if not outlets:
        raise ValueError("generate_corpus needs at least one outlet")
    rng = random.Random(seed)
    events: list[Event] = []
    articles: list[Article] = []
    serial = 0
    while len(articles) < n_articles:
        facts = invent_facts(rng)
        what = slugify(f"{facts.values['activity']} {facts.values['short']}")
        label = f"{facts.day.isoformat()}-{what}-{len(events)}"
        events.append(
            Event(
                label,
                facts.day,
                f"{facts.values['venue']}, {facts.values['city']}",
                facts.fill(OPENINGS[0]),
            )
        )
        covering = rng.sample(
            outlets, min(len(outlets), rng.randint(1, 5), n_articles - len(articles))
        )
        press_release = rng.random() < 0.3
        first: Article | None = None
        for outlet in covering:
            serial += 1
            dateline = f"{facts.values['city'].upper()}, {outlet.upper()} – "
            if press_release and first is not None:
                paragraphs = first.paragraphs
                lead = dateline + paragraphs[0].split(" – ", 1)[-1]
                body = [lead, *paragraphs[1:-1], facts.fill(rng.choice(CLOSINGS))]
                title, kind, source = first.title, "republished", first.id
            else:
                title, body = write(rng, facts, dateline)
                kind, source = "report", None
            published = datetime.combine(facts.day, datetime.min.time(), WITA) + timedelta(
                hours=rng.randint(9, 20), minutes=rng.randrange(60), days=rng.choice((0, 0, 0, 1))
            )
            if first is not None:
                published = max(published, first.published + timedelta(minutes=30))
            article = Article(
                id=f"gen-{serial:07d}",
                outlet=outlet,
                slug=f"{slugify(title)}-{serial}",
                title=title,
                published=published,
                body="\n\n".join(body),
                kind=kind,
                author=person(rng) if rng.random() < 0.8 else None,
                editor=person(rng) if rng.random() < 0.7 else None,
                republished_from=source,
                event=label,
            )
            first = first or article
            articles.append(article)
    return Corpus(tuple(events), tuple(articles))
