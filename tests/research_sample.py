"""The research sample: five outlets, five events and twelve articles in a migrated database,
shared by the tests of queries, the research CLI, exports, plots and `warta serve`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy.orm import Session

from crawler.clustering.story_writes import write_stories
from dedupe.story_config import StoryConfig
from storage.database import make_engine
from storage.migrate import upgrade
from storage.models import Article, CrawlRun, Event, Source

WITA = timezone(timedelta(hours=8))

#: A title written by a hostile page: HTML, rich markup, a terminal escape, a bidi override.
HOSTILE_TITLE = (
    'Mahasiswa Demo Tolak Tambang Nikel <script>alert("warta")</script> '
    "[bold red]Kolaka[/bold red] \x1b[31mmerah\x1b[0m \u202eksilop"
)


@dataclass(frozen=True)
class Sample:
    """Ids of the sample rows the tests talk about."""

    flood: int  # 4 outlets, one republished copy
    election: int  # 3 outlets, text with "Jum'at"
    market: int  # 1 outlet, Konawe
    protest: int  # hostile title, 2 outlets + a copy
    quake: int  # no date
    flood_original: int
    flood_copy: int
    late_flood_article: int  # published 06:30 WITA on 3 May = 22:30 UTC on 2 May
    unclustered: int


def at_wita(day: str, clock: str) -> datetime:
    """A WITA wall-clock time as the aware UTC datetime the store keeps."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=WITA).astimezone(UTC)


def build_research_database(url: str) -> Sample:
    """Migrate `url` to head and fill it with five outlets, five events and twelve articles."""
    engine = make_engine(url)
    try:
        upgrade(engine)
        with Session(engine) as session, session.begin():
            return fill_sample(session)
    finally:
        engine.dispose()


def fill_sample(session: Session) -> Sample:
    sources = {
        key: Source(key=key, name=name, base_url=base)
        for key, name, base in (
            ("telisik", "Telisik.id", "https://telisik.id"),
            ("kendaripos", "Kendari Pos", "https://kendaripos.fajar.co.id"),
            ("zonasultra", "ZonaSultra", "https://zonasultra.id"),
            ("sultrakini", "SultraKini", "https://sultrakini.com"),
            ("detiksultra", "Detik Sultra", "https://detiksultra.com"),
        )
    }
    session.add_all(sources.values())
    runs = [
        CrawlRun(
            spider="outlets",
            started_at=at_wita("2024-05-02", "08:00"),
            finished_at=at_wita("2024-05-02", "08:20"),
            status="finished",
            finish_reason="finished",
            pages_fetched=120,
            articles_new=7,
            duplicates=1,
            stats={"sources": {"telisik": {"articles": 3}}},
        ),
        CrawlRun(
            spider="outlets",
            started_at=at_wita("2024-06-20", "08:00"),
            finished_at=at_wita("2024-06-20", "08:15"),
            status="finished",
            finish_reason="finished",
            pages_fetched=90,
            articles_new=5,
            duplicates=1,
            errors=2,
            stats={},
        ),
    ]
    session.add_all(runs)
    session.flush()

    def article(key: str, slug: str, title: str, when: datetime | None, body: str) -> Article:
        base = sources[key].base_url
        item = Article(
            source=sources[key],
            crawl_run_id=runs[0].id if when is None or when.month == 5 else runs[1].id,
            url=f"{base}/berita/{slug}?utm_source=wa",
            canonical_url=f"{base}/berita/{slug}",
            html_sha256=f"{hash((key, slug)) & 0xFFFFFFFF:064x}",
            title=title,
            published_at=when,
            fetched_at=(when or at_wita("2024-06-20", "09:00")) + timedelta(hours=1),
            language="id",
            language_probability=0.99,
            text=body,
            word_count=len(body.split()),
            features={"places": ["Kendari"]},
            clustered_at=at_wita("2024-06-20", "09:00"),
        )
        session.add(item)
        return item

    flood_body = (
        "Hujan deras sejak Rabu malam membuat ratusan rumah warga di Kecamatan Kadia, Kota "
        "Kendari, terendam banjir setinggi satu meter. BPBD Sultra mengevakuasi warga ke masjid."
    )
    flood = [
        article(
            "telisik",
            "banjir-kendari",
            "Banjir Rendam Ratusan Rumah di Kendari, Warga Mengungsi",
            at_wita("2024-05-02", "09:10"),
            flood_body,
        ),
        article(
            "kendaripos",
            "rumah-terendam",
            "Ratusan Rumah di Kendari Terendam Banjir",
            at_wita("2024-05-03", "06:30"),
            "Ratusan rumah di Kadia terendam. " + flood_body,
        ),
        article(
            "zonasultra",
            "bpbd-evakuasi",
            "Banjir Kendari: BPBD Sultra Evakuasi Warga",
            at_wita("2024-05-02", "13:00"),
            "BPBD Sultra mengevakuasi warga Kendari dari banjir.",
        ),
        article(
            "sultrakini",
            "banjir-rendam",
            "Banjir Rendam Ratusan Rumah di Kendari, Warga Mengungsi",
            at_wita("2024-05-02", "15:00"),
            flood_body,
        ),
    ]
    election_body = (
        "KPU Sulawesi Tenggara menetapkan daftar pemilih tetap Pilgub 2024 dalam rapat pleno "
        "pada hari Jum'at di Kendari. Ketua KPU Sultra menyebut 1,8 juta pemilih."
    )
    election = [
        article(
            "telisik",
            "dpt-pilgub",
            "KPU Sultra Tetapkan DPT Pilgub 2024",
            at_wita("2024-05-10", "10:00"),
            election_body,
        ),
        article(
            "kendaripos",
            "kpu-dpt",
            "1,8 Juta Pemilih Masuk DPT Pilgub Sultra",
            at_wita("2024-05-10", "12:00"),
            "Rapat pleno KPU Sultra hari Jum'at menetapkan DPT.",
        ),
        article(
            "detiksultra",
            "pleno-dpt",
            "Pleno KPU Sultra: DPT Pilgub Ditetapkan",
            at_wita("2024-05-11", "08:00"),
            "KPU Sultra menggelar pleno penetapan DPT Pilgub.",
        ),
    ]
    market = [
        article(
            "zonasultra",
            "pasar-unaaha",
            "Bupati Konawe Resmikan Pasar Rakyat Unaaha",
            at_wita("2024-06-03", "11:00"),
            "Bupati Konawe meresmikan Pasar Rakyat Unaaha.",
        ),
    ]
    protest_body = (
        "Ratusan mahasiswa berunjuk rasa di depan kantor DPRD Kolaka menolak izin tambang nikel "
        "baru di Pomalaa. Mereka menuntut bupati mencabut izin tersebut."
    )
    protest = [
        article(
            "zonasultra",
            "demo-tambang",
            HOSTILE_TITLE,
            at_wita("2024-06-15", "14:00"),
            protest_body,
        ),
        article(
            "kendaripos",
            "mahasiswa-kolaka",
            "Mahasiswa Kolaka Tolak Tambang Nikel",
            at_wita("2024-06-15", "16:00"),
            "Mahasiswa menolak tambang nikel di Pomalaa, Kolaka.",
        ),
        article(
            "detiksultra",
            "demo-nikel",
            "Demo Tolak Tambang Nikel di Kolaka",
            at_wita("2024-06-15", "18:00"),
            protest_body,
        ),
    ]
    quake = [
        article(
            "sultrakini",
            "gempa-wakatobi",
            "Gempa Kecil Guncang Wakatobi",
            None,
            "Gempa bermagnitudo 3,2 mengguncang Wakatobi, tidak ada kerusakan.",
        ),
    ]
    unclustered = article(
        "telisik",
        "harga-cengkih",
        "Harga Cengkih Naik di Kolaka Utara",
        at_wita("2024-06-20", "07:00"),
        "Harga cengkih di Kolaka Utara naik.",
    )
    unclustered.clustered_at = None
    session.flush()

    flood[3].duplicate_of = flood[0].id
    protest[2].duplicate_of = protest[0].id

    def event(
        title: str, day: date | None, place: str, members: list[Article], terms: list[str]
    ) -> Event:
        dated = [m.published_at for m in members if m.published_at is not None]
        item = Event(
            title=title,
            event_date=day,
            place=place,
            first_seen=min(dated) if dated else None,
            last_seen=max(dated) if dated else None,
            article_count=len(members),
            outlet_count=len({m.source.key for m in members}),
            top_terms=terms,
        )
        session.add(item)
        session.flush()
        item.representative_article_id = members[0].id
        for index, member in enumerate(members):
            member.event_id = item.id
            member.event_score = 1.0 if index == 0 else round(0.9 - 0.1 * index, 2)
            member.event_reason = (
                {"seed": True}
                if index == 0
                else {"date": str(day), "places": [place], "shared_terms": terms[:2]}
            )
        return item

    events = [
        event(
            "Banjir Rendam Ratusan Rumah di Kendari",
            date(2024, 5, 2),
            "Kendari",
            flood,
            ["banjir", "kendari", "bpbd"],
        ),
        event(
            "KPU Sultra Tetapkan DPT Pilgub 2024",
            date(2024, 5, 10),
            "Kendari",
            election,
            ["kpu", "dpt", "pilgub"],
        ),
        event(
            "Bupati Konawe Resmikan Pasar Rakyat Unaaha",
            date(2024, 6, 3),
            "Konawe",
            market,
            ["pasar", "konawe"],
        ),
        event(HOSTILE_TITLE, date(2024, 6, 15), "Kolaka", protest, ["tambang", "nikel"]),
        event("Gempa Kecil Guncang Wakatobi", None, "Wakatobi", quake, ["gempa"]),
    ]
    session.flush()
    write_stories(session, StoryConfig(), None)  # as the clustering stage does after events
    return Sample(
        flood=events[0].id,
        election=events[1].id,
        market=events[2].id,
        protest=events[3].id,
        quake=events[4].id,
        flood_original=flood[0].id,
        flood_copy=flood[3].id,
        late_flood_article=flood[1].id,
        unclustered=unclustered.id,
    )
