"""crawler.clustering.stage on real databases: rows written, events counted, runs that add
nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crawler.clustering.devset import development_set, seed_articles
from crawler.clustering.stage import cluster_pending, recluster_all
from dedupe.signatures import MinHasher
from storage.database import make_engine, session_scope
from storage.models import Article, Base, Event
from tests.clustering_support import dedupe_fields, store_articles

HASHER = MinHasher()


def _store(session, articles, with_dedupe_fields=True):  # type: ignore[no-untyped-def]
    return store_articles(
        session, articles, dedupe_fields(articles) if with_dedupe_fields else None
    )


def _partition(session):  # type: ignore[no-untyped-def]
    groups: dict[int, set[int]] = {}
    for article_id, event_id in session.execute(select(Article.id, Article.event_id)):
        groups.setdefault(event_id, set()).add(article_id)
    return {frozenset(members) for members in groups.values()}


def test_seeds_on_sqlite_file(sqlite_url, seeds_dir):
    engine = make_engine(sqlite_url)
    Base.metadata.create_all(engine)
    seeds = seed_articles(seeds_dir)
    with session_scope(engine) as session:
        ids = _store(session, seeds, with_dedupe_fields=False)  # the stage fills them in
    with session_scope(engine) as session:
        report = cluster_pending(session)
    assert (report.pending, report.events_created) == (5, 4)
    with session_scope(engine) as session:
        rows = {a.id: a for a in session.scalars(select(Article))}
        assert rows[ids["seed-000"]].event_id == rows[ids["seed-001"]].event_id
        assert (
            len({rows[ids[k]].event_id for k in ("seed-000", "seed-002", "seed-003", "seed-004")})
            == 4
        )
        assert all(a.clustered_at is not None and a.signature is not None for a in rows.values())
        assert rows[ids["seed-001"]].event_reason["date"] == "2024-07-09"
        event = session.get(Event, rows[ids["seed-000"]].event_id)
        assert (event.article_count, event.outlet_count) == (2, 2)
        assert event.event_date.isoformat() == "2024-07-09"
        assert event.representative_article_id == ids["seed-000"]
        assert event.place in {
            "Aula Polisi Resor Kota Kendari",
            "Aula Wira Pratama Mapolresta Kendari",
        }
        assert "aris tri" in event.top_terms
        assert session.scalar(select(Event.id).where(Event.article_count == 0)) is None
    with session_scope(engine) as session:  # nothing pending: nothing changes
        assert cluster_pending(session).pending == 0
    engine.dispose()


def _incremental_then_rebuild(url):  # type: ignore[no-untyped-def]
    articles = development_set()
    if len(articles) < 20:
        pytest.skip("development set not found")
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    ordered = sorted(articles, key=lambda a: (a.published_at is None, a.published_at or 0, a.id))
    label_of = {}
    for start in range(0, len(ordered), 10):  # crawl runs of ten articles
        with session_scope(engine) as session:
            ids = _store(session, ordered[start : start + 10])
            label_of |= {ids[a.id]: a.label for a in ordered[start : start + 10]}
            cluster_pending(session)
    with session_scope(engine) as session:
        incremental = _partition(session)
        duplicates = {
            (a.id, a.duplicate_of) for a in session.scalars(select(Article)) if a.duplicate_of
        }
        events = session.scalar(select(Event.id).order_by(Event.id.desc()))
        counts = {e.id: e.article_count for e in session.scalars(select(Event))}
    with session_scope(engine) as session:
        recluster_all(session)
    with session_scope(engine) as session:
        assert _partition(session) == incremental
        assert {
            (a.id, a.duplicate_of) for a in session.scalars(select(Article)) if a.duplicate_of
        } == duplicates
        assert {e.id: e.article_count for e in session.scalars(select(Event))} == counts
    for members in incremental:
        assert len({label_of[m] for m in members}) == 1  # no event mixes two labelled events
    assert sum(counts.values()) == len(articles)
    assert len(counts) == len(incremental) and events is not None
    engine.dispose()
    return duplicates


def test_incremental_runs_equal_rebuild_on_sqlite(sqlite_url):
    duplicates = _incremental_then_rebuild(sqlite_url)
    assert duplicates and all(first < later for later, first in duplicates)


@pytest.mark.postgres
def test_incremental_runs_equal_rebuild_on_postgresql(postgres_url):
    _incremental_then_rebuild(postgres_url)


def test_recluster_recomputes_features_of_an_older_version(sqlite_url, seeds_dir):
    """Features stored by an older Warta (version 1: the capitalisation heuristic's people) are
    recomputed by `recluster_all` before it clusters: the recompute path of issue 23."""
    from dedupe.features import FEATURES_VERSION

    engine = make_engine(sqlite_url)
    Base.metadata.create_all(engine)
    seeds = seed_articles(seeds_dir)
    with session_scope(engine) as session:
        ids = _store(session, seeds)
        old = session.get(Article, ids["seed-001"])
        old.features = {**old.features, "version": 1, "people": [{"name": "Stale", "title": None}]}
    with session_scope(engine) as session:
        recluster_all(session)
    with session_scope(engine) as session:
        rows = {a.id: a for a in session.scalars(select(Article))}
        assert {a.features["version"] for a in rows.values()} == {FEATURES_VERSION}
        assert "Stale" not in {p["name"] for p in rows[ids["seed-001"]].features["people"]}
        assert rows[ids["seed-000"]].event_id == rows[ids["seed-001"]].event_id
    engine.dispose()
