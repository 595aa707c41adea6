"""storage.queries and migration 0002's views on SQLite and PostgreSQL, over a small realistic
database built through the ORM (also used by the CLI, export, plot and browser tests)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from storage import queries, query_filters
from storage.database import make_engine
from storage.migrate import downgrade, upgrade
from storage.models import Article
from tests.research_sample import Sample, build_research_database, fill_sample

# --------------------------------------------------------------------------- fixtures


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest) -> Iterator[tuple[str, Sample]]:
    """(URL, sample ids) of a migrated, filled database: SQLite file and PostgreSQL alike."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url = request.getfixturevalue(name)
    yield url, build_research_database(url)


@pytest.fixture
def session(database: tuple[str, Sample]) -> Iterator[Session]:
    engine = make_engine(database[0])
    with Session(engine) as session:
        yield session
        session.rollback()
    engine.dispose()


@pytest.fixture
def sample(database: tuple[str, Sample]) -> Sample:
    return database[1]


# --------------------------------------------------------------------------- events


def test_events_sorted_by_date_undated_last(session: Session, sample: Sample) -> None:
    rows = queries.events(session)
    assert [row.id for row in rows] == [
        sample.flood,
        sample.election,
        sample.market,
        sample.protest,
        sample.quake,
    ]
    flood = rows[0]
    assert flood.outlets == ("kendaripos", "sultrakini", "telisik", "zonasultra")
    assert (flood.outlet_count, flood.article_count) == (4, 4)
    assert flood.top_terms == ("banjir", "kendari", "bpbd")
    newest = queries.events(session, newest_first=True, limit=2)
    assert [row.id for row in newest] == [sample.protest, sample.market]


def test_event_filters(session: Session, sample: Sample) -> None:
    def ids(**kwargs: object) -> list[int]:
        return [row.id for row in queries.events(session, queries.EventFilter(**kwargs))]

    assert ids(since=date(2024, 5, 3), until=date(2024, 6, 3)) == [sample.election, sample.market]
    assert ids(sources=("detiksultra",)) == [sample.election, sample.protest]
    assert ids(sources=("detiksultra", "sultrakini")) == [
        sample.flood,
        sample.election,
        sample.protest,
        sample.quake,
    ]
    assert ids(min_outlets=3) == [sample.flood, sample.election, sample.protest]
    assert ids(place="kendari") == [sample.flood, sample.election]
    assert ids(place="%") == []  # LIKE wildcards are literal characters
    assert ids(query="banjir") == [sample.flood]
    assert ids(query="BANJIR evakuasi") == [sample.flood]  # any case, title or text
    assert ids(query="banjir pilgub") == []  # every word must occur in one article
    assert ids(query="tambang nikel", since=date(2024, 6, 1)) == [sample.protest]
    assert queries.count_events(session, queries.EventFilter(min_outlets=4)) == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Jum'at", 2),  # a quote inside a word: searched, not SQL and not search syntax
        ('"Jum\'at"', 2),
        ("'; DROP TABLE articles; --", 0),
        ('" OR 1=1 --', 0),
        ("NEAR(kpu dpt)", 0),  # FTS5 operators are plain words here
        ("'", 0),  # no word at all: nothing matches, no error
        ("pleno", 3),
    ],
)
def test_search_treats_quotes_and_operators_as_text(
    session: Session, query: str, expected: int
) -> None:
    found = queries.articles(session, queries.ArticleFilter(query=query))
    assert len(found) == expected
    assert queries.count_articles(session) == 13  # the table is still there


def test_search_index_follows_updates(session: Session, sample: Sample) -> None:
    article = session.get(Article, sample.unclustered)
    assert article is not None
    article.title = "Harga Lada Naik"
    session.flush()
    assert [a.id for a in queries.articles(session, queries.ArticleFilter(query="lada"))] == [
        sample.unclustered
    ]
    still = queries.articles(session, queries.ArticleFilter(query="cengkih naik harga"))
    assert [a.id for a in still] == [sample.unclustered]  # the text still says so


@pytest.mark.parametrize("walk", [False, True], ids=["collect", "walk"])
def test_event_search_plans_agree(
    session: Session, sample: Sample, monkeypatch: pytest.MonkeyPatch, walk: bool
) -> None:
    """Broad searches walk events in date order, narrow ones collect them: same answers."""
    monkeypatch.setattr(query_filters, "WALK_MATCHES", 0 if walk else 3_000)

    def ids(limit: int | None = 10, newest_first: bool = False, **kwargs: object) -> list[int]:
        filters = queries.EventFilter(**kwargs)  # type: ignore[arg-type]
        found = queries.events(session, filters, limit=limit, newest_first=newest_first)
        return [row.id for row in found]

    assert ids(query="banjir") == [sample.flood]
    assert ids(query="banjir pilgub") == []
    assert ids(query="tambang nikel", since=date(2024, 6, 1)) == [sample.protest]
    assert ids(query="pleno") == [sample.election]
    assert ids(query="'") == []
    assert ids(query="kendari", limit=None) == ids(query="kendari", limit=10)
    newest = ids(query="kendari", newest_first=True)
    assert newest == list(reversed(ids(query="kendari"))) and len(newest) >= 2
    assert ids(query="kendari", limit=1) == newest[-1:]
    assert queries.count_events(session, queries.EventFilter(query="kendari")) == len(newest)


def test_event_search_follows_clustering(session: Session, sample: Sample) -> None:
    """Clustering sets and moves articles' event_id after they are indexed."""
    cengkih = queries.EventFilter(query="cengkih")
    assert queries.events(session, cengkih, limit=10) == []
    assert queries.count_events(session, cengkih) == 0  # the match is no event yet
    article = session.get(Article, sample.unclustered)
    assert article is not None
    article.event_id = sample.market
    session.flush()
    assert [row.id for row in queries.events(session, cengkih, limit=10)] == [sample.market]
    article.event_id = sample.quake
    session.flush()
    assert [row.id for row in queries.events(session, cengkih)] == [sample.quake]
    assert queries.count_events(session, cengkih) == 1


# --------------------------------------------------------------------------- articles


def test_article_filters(session: Session, sample: Sample) -> None:
    def ids(**kwargs: object) -> list[int]:
        return [row.id for row in queries.articles(session, queries.ArticleFilter(**kwargs))]

    # 06:30 WITA on 3 May is 22:30 UTC on 2 May: days are Sultra's days.
    assert sample.late_flood_article in ids(since=date(2024, 5, 3), until=date(2024, 5, 3))
    assert sample.late_flood_article not in ids(until=date(2024, 5, 2))
    assert ids(duplicates_only=True) == [sample.flood_copy, *ids(event_id=sample.protest)[2:]]
    assert len(ids(event_id=sample.flood)) == 4
    assert set(ids(place="kolaka")) == set(ids(event_id=sample.protest))
    assert ids(sources=("telisik",), query="harga") == [sample.unclustered]
    assert ids(min_outlets=4) == ids(event_id=sample.flood)
    undated = queries.articles(session, queries.ArticleFilter(sources=("sultrakini",)))
    assert undated[-1].published_at is None  # undated last


def test_event_detail(session: Session, sample: Sample) -> None:
    detail = queries.event_detail(session, sample.flood)
    assert detail is not None
    assert [a.outlet for a in detail.articles] == [
        "telisik",
        "zonasultra",
        "sultrakini",
        "kendaripos",
    ]
    first, *_, copy_, _late = detail.articles
    assert first.event_reason == {"seed": True}
    assert copy_.duplicate_of == sample.flood_original
    assert detail.representative_url == "https://telisik.id/berita/banjir-kendari?utm_source=wa"
    assert queries.event_detail(session, 99999) is None


def test_unknown_sources(session: Session) -> None:
    assert queries.unknown_sources(session, ["telisik", "kompas", "tribun"]) == ["kompas", "tribun"]
    assert "zonasultra" in queries.source_keys(session)


# --------------------------------------------------------------------------- stats, plots


def test_stats(session: Session, sample: Sample) -> None:
    summary = queries.stats(session)
    assert (summary.sources, summary.articles, summary.duplicates) == (5, 13, 2)
    assert (summary.events, summary.multi_outlet_events, summary.pending) == (5, 3, 1)
    assert summary.crawl_runs == 2 and summary.recent_runs[0].errors == 2
    telisik = next(o for o in summary.outlets if o.outlet == "telisik")
    assert (telisik.articles, telisik.events) == (3, 2)
    assert ("kendaripos", "2024-05", 2) in summary.outlet_months
    assert ("sultrakini", None, 1) in summary.outlet_months  # the undated quake report
    assert set(summary.republished) == {
        ("sultrakini", "telisik", 1),
        ("detiksultra", "zonasultra", 1),
    }


def test_plot_data(session: Session, sample: Sample) -> None:
    per_day = queries.articles_per_day(session)
    assert (date(2024, 5, 3), "kendaripos", 1) in per_day
    assert (date(2024, 5, 2), "telisik", 1) in per_day
    assert sum(n for *_, n in per_day) == 12  # the undated article has no day
    assert queries.events_per_day(session)[0] == (date(2024, 5, 2), 1)
    matrix = queries.coverage(session, top=3)
    assert [e.id for e in matrix.events] == [sample.flood, sample.election, sample.protest]
    assert matrix.outlets[0] in {"kendaripos", "zonasultra"}
    flood_row = matrix.counts[0]
    assert sum(flood_row) == 4
    assert ("sultrakini", "telisik", 1) in matrix.republished


# --------------------------------------------------------------------------- views


def test_views_answer_in_one_line(session: Session, sample: Sample) -> None:
    summary = session.execute(
        text(
            "SELECT outlets, top_terms, month, representative_url FROM event_summary"
            " WHERE event_id = :id"
        ),
        {"id": sample.flood},
    ).one()
    assert summary.outlets == "kendaripos, sultrakini, telisik, zonasultra"
    assert summary.top_terms == "banjir, kendari, bpbd"
    assert summary.month == "2024-05"
    members = session.execute(
        text(
            "SELECT outlet, published_date, is_duplicate FROM event_articles"
            " WHERE event_id = :id ORDER BY published_at"
        ),
        {"id": sample.flood},
    ).all()
    assert [m.outlet for m in members] == ["telisik", "zonasultra", "sultrakini", "kendaripos"]
    assert [m.is_duplicate for m in members] == [0, 0, 1, 0]
    assert str(members[-1].published_date) == "2024-05-03"
    months = session.execute(
        text(
            "SELECT articles, duplicates, events FROM outlet_months"
            " WHERE outlet = 'sultrakini' AND month = '2024-05'"
        )
    ).one()
    assert tuple(months) == (1, 1, 1)


def test_upgrade_indexes_existing_articles(sqlite_url: str) -> None:
    """Migrating a database that already holds articles makes them searchable."""
    engine = make_engine(sqlite_url)
    try:
        # filled through the ORM (the models are at head), then taken back to the first
        # revision with its rows: the search of 0002 must index what is already there
        upgrade(engine)
        with Session(engine) as session, session.begin():
            fill_sample(session)
        downgrade(engine, "0001_initial")
        upgrade(engine)
        with Session(engine) as session:
            found = queries.articles(session, queries.ArticleFilter(query="cengkih"))
            assert [a.title for a in found] == ["Harga Cengkih Naik di Kolaka Utara"]
    finally:
        engine.dispose()
