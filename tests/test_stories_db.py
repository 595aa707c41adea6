"""Stories in the clustering stage on real SQLite and PostgreSQL databases: the rows written,
stable ids, and the same partition whatever the batches and their order (incremental runs
equal the rebuild)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from crawler.clustering.devset import LabelledArticle
from crawler.clustering.stage import cluster_pending, recluster_all
from dedupe.cluster_config import ClusterConfig
from dedupe.stories import StoryConfig, Storyteller, event_summary
from storage.database import make_engine, session_scope
from storage.models import Article, Base, Event, Story
from tests.clustering_support import dedupe_fields, store_articles
from tests.stories_support import EXPECTED_STORIES, STORY_ARTICLES

Partition = frozenset[frozenset[str]]

ARTICLES = [
    LabelledArticle(
        id=row["id"],
        outlet=row["outlet"],
        title=row["title"],
        text=row["text"],
        published_at=datetime.fromisoformat(row["published_at"]),
        label=row["id"],
    )
    for row in STORY_ARTICLES
]
FIELDS = dedupe_fields(ARTICLES)


def _stories(session) -> Partition:  # type: ignore[no-untyped-def]
    """The stories as sets of article ids (independent of row ids); every event has one."""
    rows = session.execute(
        select(Article.url, Event.story_id).join(Event, Article.event_id == Event.id)
    ).all()
    assert len(rows) == session.query(Article).count()
    assert all(story_id is not None for _, story_id in rows)
    found: dict[int, set[str]] = {}
    for url, story_id in rows:
        found.setdefault(story_id, set()).add(url.rsplit("/", 1)[1])
    stored = set(session.scalars(select(Story.id)))
    assert stored == set(found), "a story row without events, or an event without its row"
    return frozenset(frozenset(members) for members in found.values())


def _run(url: str, batches: list[list[LabelledArticle]]) -> tuple[Partition, Partition]:
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    try:
        for batch in batches:
            with session_scope(engine) as session:
                store_articles(session, batch, FIELDS)
                cluster_pending(session)
        with session_scope(engine) as session:
            incremental = _stories(session)
            recluster_all(session)
        with session_scope(engine) as session:
            return incremental, _stories(session)
    finally:
        Base.metadata.drop_all(engine)
        engine.dispose()


def _batchings(seeds: range) -> list[list[list[LabelledArticle]]]:
    found = [[list(ARTICLES)], [[article] for article in ARTICLES]]
    for seed in seeds:
        rng = random.Random(seed)
        shuffled = list(ARTICLES)
        rng.shuffle(shuffled)
        cut = rng.randint(1, len(shuffled) - 1)
        found += [[shuffled[:cut], shuffled[cut:]], [[article] for article in shuffled]]
    return found


def _check(url_of, seeds: range) -> None:  # type: ignore[no-untyped-def]
    for batches in _batchings(seeds):
        incremental, rebuilt = _run(url_of(), batches)
        assert incremental == rebuilt == EXPECTED_STORIES, [len(b) for b in batches]


def test_batches_and_order_do_not_change_the_stories_on_sqlite(tmp_path):
    counter = iter(range(1000))
    _check(lambda: f"sqlite:///{tmp_path / f'warta-{next(counter)}.db'}", range(4))


@pytest.mark.postgres
def test_batches_and_order_do_not_change_the_stories_on_postgresql(postgres_url):
    _check(lambda: postgres_url, range(2))


def test_story_rows_and_stable_ids(sqlite_url):
    engine = make_engine(sqlite_url)
    Base.metadata.create_all(engine)
    first, rest = ARTICLES[:1], ARTICLES[1:]
    with session_scope(engine) as session:
        store_articles(session, first, FIELDS)
        cluster_pending(session)
    with session_scope(engine) as session:
        licence_story = session.scalars(select(Story.id)).one()
    with session_scope(engine) as session:
        store_articles(session, rest, FIELDS)
        cluster_pending(session)
    with session_scope(engine) as session:
        story = session.get(Story, licence_story)  # the story keeps its id as it grows
        assert story is not None
        assert (story.first_day, story.last_day) == (date(2024, 6, 3), date(2024, 6, 7))
        assert (story.events, story.articles, story.outlets) == (3, 4, 2)
        assert story.title.startswith("Bupati Konawe Cabut Izin")  # its largest event's
        assert session.query(Story).count() == len(EXPECTED_STORIES)
    with session_scope(engine) as session:
        recluster_all(session)
    with session_scope(engine) as session:
        assert session.get(Story, licence_story) is not None  # and through a rebuild
    engine.dispose()


#: people of the chain: day k names the k-th and the next one
CHAIN_PEOPLE = [
    "Ahmad Rifai Lasandara",
    "Budi Santoso Lamadike",
    "Citra Wulandari Tosepu",
    "Darmin Halim Lapulu",
    "Eka Saputra Mokole",
    "Fitri Handayani Lakidende",
    "Gunawan Arief Tamburaka",
    "Hasnah Baharuddin Oheo",
    "Irwan Kadir Sarapu",
    "Juniati Rahman Labela",
    "Kamaruddin Laode Saranani",
]
MONTHS = ("Juni", "Juli")


def _chain_article(k: int) -> LabelledArticle:
    """Article k of a chain two days apart: each shares two people with the next."""
    day = date(2024, 6, 1) + timedelta(days=2 * k)
    first, second = CHAIN_PEOPLE[k], CHAIN_PEOPLE[k + 1]
    stated = f"{day.day} {MONTHS[day.month - 6]} {day.year}"
    text = (
        f"Kendari - {first} dan {second} meninjau jaringan irigasi Wonua Lalowaru pada "
        f"{stated}. {first} menyebut saluran itu rusak sejak banjir. {second} berjanji "
        f"memperbaikinya. Warga Wonua Lalowaru menyambut kunjungan {first} dan {second}."
    )
    return LabelledArticle(
        id=f"chain-{k}",
        outlet=("kendarinews", "sultrapost")[k % 2],
        title=f"{first} dan {second} Tinjau Irigasi Wonua Lalowaru",
        text=text,
        published_at=datetime.combine(day, time(15), tzinfo=UTC),
        label=f"chain-{k}",
    )


def _check_chain(url_of) -> None:  # type: ignore[no-untyped-def]
    """With a one-day rarity window and a two-day gap, a chain of story links over three weeks
    reaches far beyond the days an incremental run starts from: it must read on until each
    component is closed, and still write the rebuild's stories, whatever the order."""
    # narrow windows at both levels, so that a run re-decides a few days of events only
    config = ClusterConfig(
        rarity_days=1, window_days=1, story=StoryConfig(max_gap_days=2, rarity_days=1)
    )
    chain = [_chain_article(k) for k in range(10)]
    fields = dedupe_fields(chain)
    teller = Storyteller(config.story)
    summaries = [
        event_summary(
            a.id,
            (a.published_at, a.id),
            a.published_at.date(),
            [fields[a.id][1]],
            [a.title],
            [a.outlet],
        )
        for a in chain
    ]
    reach = max(len(c.events) for c in teller.components(summaries, summaries))
    assert reach == len(chain)  # one component of links over 18 days: beyond any first read
    for seed in range(3):
        order = list(chain)
        random.Random(seed).shuffle(order)
        engine = make_engine(url_of(seed))
        Base.metadata.create_all(engine)
        for article in order:
            with session_scope(engine) as session:
                store_articles(session, [article], fields)
                cluster_pending(session, config)
        with session_scope(engine) as session:
            incremental = _stories(session)
            recluster_all(session, config)
        with session_scope(engine) as session:
            assert _stories(session) == incremental, seed
        Base.metadata.drop_all(engine)
        engine.dispose()


def test_incremental_runs_read_as_far_as_a_chain_of_story_links_reaches(tmp_path):
    _check_chain(lambda seed: f"sqlite:///{tmp_path / f'chain-{seed}.db'}")


@pytest.mark.postgres
def test_a_chain_of_story_links_on_postgresql(postgres_url):
    _check_chain(lambda seed: postgres_url)
