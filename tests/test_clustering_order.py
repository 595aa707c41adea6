"""The clustering stage gives one partition whatever the batches and order of its input.

In a real crawl the stage runs at each spider's close: the batches are per outlet (one outlet's
articles, spanning months), in an order that changes from run to run, and a resumed crawl cuts
them differently again. The development set is stored into a real database batch after batch,
`cluster_pending` runs after each batch, and the events and duplicate groups must be those of
one batch and of `recluster_all`.
"""

from __future__ import annotations

import pickle
import random
from collections.abc import Sequence
from functools import cache
from typing import Any

import pytest
from sqlalchemy import select

import crawler.clustering.reads
import crawler.clustering.segments
import crawler.clustering.writes
from crawler.clustering.devset import SEEDS_DIR, LabelledArticle, development_set
from crawler.clustering.stage import cluster_pending, recluster_all
from crawler.clustering.writes import Decided, Outcome
from storage.database import make_engine, session_scope
from storage.models import Article, Base, Event
from tests.clustering_support import DedupeFields, dedupe_fields, store_articles

Partition = frozenset[frozenset[str]]


@cache
def _dev() -> tuple[list[LabelledArticle], DedupeFields]:
    articles = development_set()
    return articles, dedupe_fields(articles)


@pytest.fixture(scope="module")
def dev() -> list[LabelledArticle]:
    articles, _ = _dev()
    if len(articles) < 20:
        pytest.skip("development set not found")
    return articles


@pytest.fixture(scope="module")
def dev_with_undated(dev: list[LabelledArticle]) -> list[LabelledArticle]:
    """The development set with undated articles (the seeds carry no date): the segment tests
    need some to check that timeless records are swept in the right process."""
    if not any(article.published_at is None for article in dev):
        pytest.skip(f"needs the undated seed articles of {SEEDS_DIR} (absent)")
    return dev


def _store(session, batch: Sequence[LabelledArticle]) -> None:  # type: ignore[no-untyped-def]
    store_articles(session, batch, _dev()[1])


def _state(session) -> tuple[Partition, Partition, Partition]:  # type: ignore[no-untyped-def]
    """(events, duplicate groups, stories) as sets of development-set ids, independent of row
    ids."""
    rows = session.execute(
        select(
            Article.id, Article.url, Article.event_id, Article.duplicate_of, Event.story_id
        ).join(Event, Event.id == Article.event_id)
    ).all()
    key = {row.id: row.url.rsplit("/", 1)[1] for row in rows}
    events: dict[int, set[str]] = {}
    groups: dict[int, set[str]] = {}
    stories: dict[int, set[str]] = {}
    for row in rows:
        events.setdefault(row.event_id, set()).add(key[row.id])
        groups.setdefault(row.duplicate_of or row.id, set()).add(key[row.id])
        stories.setdefault(row.story_id, set()).add(key[row.id])
    return (
        frozenset(frozenset(m) for m in events.values()),
        frozenset(frozenset(m) for m in groups.values() if len(m) > 1),
        frozenset(frozenset(m) for m in stories.values()),
    )


def _run(url: str, batches: list[list[LabelledArticle]]) -> tuple[tuple[Partition, Partition], ...]:
    """Store and cluster batch after batch; then the state, and the state after a rebuild."""
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    try:
        for batch in batches:
            with session_scope(engine) as session:
                _store(session, batch)
                cluster_pending(session)
        with session_scope(engine) as session:
            incremental = _state(session)
        with session_scope(engine) as session:
            recluster_all(session)
        with session_scope(engine) as session:
            rebuilt = _state(session)
    finally:
        Base.metadata.drop_all(engine)
        engine.dispose()
    return incremental, rebuilt


def _per_outlet(articles: list[LabelledArticle], seed: int) -> list[list[LabelledArticle]]:
    outlets = sorted({a.outlet or "unknown" for a in articles})
    random.Random(seed).shuffle(outlets)
    return [[a for a in articles if (a.outlet or "unknown") == o] for o in outlets]


def _random_split(articles: list[LabelledArticle], seed: int) -> list[list[LabelledArticle]]:
    rng = random.Random(seed)
    shuffled = list(articles)
    rng.shuffle(shuffled)
    batches = []
    while shuffled:
        size = rng.randint(1, max(1, len(shuffled) // 2))
        batches.append(shuffled[:size])
        shuffled = shuffled[size:]
    return batches


def _batchings(articles: list[LabelledArticle], seeds: Sequence[int]):  # type: ignore[no-untyped-def]
    for seed in seeds:
        yield f"per-outlet order {seed}", _per_outlet(articles, seed)
        yield f"random split {seed}", _random_split(articles, seed)


def _check_order_independence(url_of, articles, seeds) -> None:  # type: ignore[no-untyped-def]
    reference, rebuilt = _run(url_of(), [list(articles)])
    assert reference == rebuilt, "one batch differs from recluster_all"
    label = {a.id: a.label for a in articles}
    for members in reference[0]:
        assert len({label[m] for m in members}) == 1  # no event mixes two labelled events
    for name, batches in _batchings(articles, seeds):
        incremental, rebuilt = _run(url_of(), batches)
        assert rebuilt == reference, f"{name}: recluster_all differs from one batch"
        assert incremental[1] == reference[1], f"{name}: duplicate groups differ"
        split = sorted(sorted(m) for m in reference[0] - incremental[0])
        assert incremental[0] == reference[0], f"{name}: events differ from one batch: {split}"
        assert incremental[2] == reference[2], f"{name}: stories differ from one batch"


def test_batching_and_order_do_not_change_the_partition_on_sqlite(dev, tmp_path):
    counter = iter(range(1000))
    _check_order_independence(
        lambda: f"sqlite:///{tmp_path / f'warta-{next(counter)}.db'}", dev, seeds=(0, 1, 2, 3)
    )


@pytest.mark.postgres
def test_batching_and_order_do_not_change_the_partition_on_postgresql(dev, postgres_url):
    _check_order_independence(lambda: postgres_url, dev, seeds=(5,))


def _rows(session) -> tuple[list[tuple], list[tuple]]:  # type: ignore[no-untyped-def, type-arg]
    """Every clustering output column of articles and events (not the clustered_at stamp)."""
    articles = session.execute(
        select(
            Article.id,
            Article.event_id,
            Article.duplicate_of,
            Article.event_score,
            Article.event_reason,
        ).order_by(Article.id)
    )
    events = session.execute(
        select(
            Event.id,
            Event.title,
            Event.event_date,
            Event.place,
            Event.first_seen,
            Event.last_seen,
            Event.article_count,
            Event.outlet_count,
            Event.representative_article_id,
            Event.top_terms,
        ).order_by(Event.id)
    )
    return [tuple(row) for row in articles], [tuple(row) for row in events]


def _count_cuts(monkeypatch) -> list[list[Any]]:  # type: ignore[no-untyped-def]
    """Lets segments be as small as one article; the cuts of each segmented sweep go to the
    list returned (the real `sweep_segments` runs)."""
    monkeypatch.setattr(crawler.clustering.segments, "SEGMENT_MIN_ARTICLES", 1)
    cuts: list[list[Any]] = []
    segmented = crawler.clustering.segments.sweep_segments

    def recorded(url, clusterer, plan, cut, spill):  # type: ignore[no-untyped-def]
        cuts.append(cut)
        return segmented(url, clusterer, plan, cut, spill)

    monkeypatch.setattr(crawler.clustering.segments, "sweep_segments", recorded)
    return cuts


def _check_rebuild_in_small_chunks_and_segments(url: str, articles, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    try:
        with session_scope(engine) as session:
            _store(session, articles)
            recluster_all(session)
        with session_scope(engine) as session:
            whole = _rows(session)
        # streamed three articles a query, decided events pickled two at a time, written four
        # rows a statement
        monkeypatch.setattr(crawler.clustering.reads, "STREAM_CHUNK", 3)
        monkeypatch.setattr(crawler.clustering.writes, "PICKLE_CHUNK", 2)
        monkeypatch.setattr(crawler.clustering.writes, "WRITE_CHUNK", 4)
        with session_scope(engine) as session:
            report = recluster_all(session)
        with session_scope(engine) as session:
            chunked = _rows(session)
        # cut into three segments of days, each swept by its own process
        cuts = _count_cuts(monkeypatch)
        with session_scope(engine) as session:
            recluster_all(session, workers=3)
        with session_scope(engine) as session:
            segmented = _rows(session)
    finally:
        Base.metadata.drop_all(engine)
        engine.dispose()
    assert report.pending == len(articles) and report.events_created == 0
    assert [len(cut) for cut in cuts] == [2]
    assert chunked == whole
    assert segmented == whole
    assert len({row[1] for row in whole[0]}) == len(whole[1])  # every event has its articles


def test_rebuild_in_small_chunks_and_in_segments_writes_the_same_rows_on_sqlite(
    dev, sqlite_url, monkeypatch
):
    _check_rebuild_in_small_chunks_and_segments(sqlite_url, dev, monkeypatch)


@pytest.mark.postgres
def test_rebuild_in_small_chunks_and_in_segments_writes_the_same_rows_on_postgresql(
    dev, postgres_url, monkeypatch
):
    _check_rebuild_in_small_chunks_and_segments(postgres_url, dev, monkeypatch)


def _check_incremental_in_segments(url_of, articles, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Incremental runs swept by three processes write the rows one process writes; a run
    whose pending articles are not committed yet is swept in one process."""
    ordered = sorted(articles, key=lambda a: (a.published_at is None, a.published_at or 0, a.id))
    third = len(ordered) // 3
    # dated articles of the first months, more of the later months, the rest (timeless too)
    batches = [ordered[: 2 * third], ordered[2 * third : -third // 2], ordered[-third // 2 :]]
    assert any(a.published_at is None for a in batches[2])

    def run(workers: int) -> list[Any]:
        engine = make_engine(url_of())
        Base.metadata.create_all(engine)
        states = []
        try:
            for number, batch in enumerate(batches):
                with session_scope(engine) as session:
                    _store(session, batch)
                    if number == 0:  # uncommitted: the workers would not see them
                        cluster_pending(session, workers=workers)
                if number > 0:  # committed first, as the crawl's writer does
                    with session_scope(engine) as session:
                        cluster_pending(session, workers=workers)
                with session_scope(engine) as session:
                    states.append(_rows(session))
        finally:
            Base.metadata.drop_all(engine)
            engine.dispose()
        return states

    alone = run(1)
    cuts = _count_cuts(monkeypatch)
    segmented = run(3)
    assert [len(cut) for cut in cuts] == [2, 2]  # the first run swept in this process
    assert segmented == alone


def test_incremental_runs_in_segments_write_the_same_rows_on_sqlite(
    dev_with_undated, tmp_path, monkeypatch
):
    counter = iter(range(10))
    _check_incremental_in_segments(
        lambda: f"sqlite:///{tmp_path / f'warta-{next(counter)}.db'}", dev_with_undated, monkeypatch
    )


@pytest.mark.postgres
def test_incremental_runs_in_segments_write_the_same_rows_on_postgresql(
    dev_with_undated, postgres_url, monkeypatch
):
    _check_incremental_in_segments(lambda: postgres_url, dev_with_undated, monkeypatch)


def test_decided_events_kept_in_memory_or_spilled_to_a_file_read_back_the_same(
    tmp_path, monkeypatch
):
    """A worker's outcome appended to a file a chunk at a time, sent back pickled and joined
    to the parent's reads back every event, as an outcome kept in memory does."""
    monkeypatch.setattr(crawler.clustering.writes, "PICKLE_CHUNK", 2)

    def event(head: int) -> Decided:
        members: list[Any] = [(head, None, None, None, 1.0, '{"founded":true}')]
        return Decided(head=head, stored=[head % 3], members=members, values={"title": str(head)})

    spilled, in_memory = Outcome(tmp_path / "segment-0"), Outcome()
    for head in range(5):
        spilled.add(event(head))
    for head in range(5, 8):
        in_memory.add(event(head))
    empty = Outcome(tmp_path / "segment-1")  # a segment that decided nothing
    joined = Outcome()
    joined.extend(pickle.loads(pickle.dumps(spilled)))  # as it comes back from the worker
    joined.extend(pickle.loads(pickle.dumps(empty)))
    joined.extend(in_memory)
    assert len(joined) == 8
    assert joined.heads == [(head, [head % 3]) for head in range(8)]
    read_back = {e.head: (e.members, e.values) for e in joined}
    assert read_back == {h: (event(h).members, event(h).values) for h in range(8)}
