"""How much was covered, when and by whom: `warta stats` and the pictures of `warta plot`.

Per-day/per-month grouping reads the views of migration 0002, which hold the dialects' date
arithmetic. Plain functions: the session comes first, they never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import (
    column,
    func,
    or_,
    select,
    table,
)
from sqlalchemy.orm import Session, aliased

from storage.event_queries import EventRow, event_outlets, event_row
from storage.models import Article, CrawlRun, Event, Source
from storage.query_filters import (
    ArticleFilter,
    EventFilter,
    article_conditions,
    event_conditions,
)

# --------------------------------------------------------------------------- stats

# The views of migration 0002 that stats and plots read, as lightweight table clauses.
_outlet_months = table(
    "outlet_months",
    column("outlet"),
    column("month"),
    column("articles"),
    column("duplicates"),
    column("events"),
)
_republished = table("republished", column("outlet"), column("original_outlet"), column("articles"))
_article_summary = table(
    "article_summary",
    column("article_id"),
    column("outlet"),
    column("published_date"),
    column("published_at"),
    column("event_id"),
    column("is_duplicate"),
)


@dataclass(frozen=True)
class OutletStats:
    outlet: str
    name: str
    articles: int
    duplicates: int
    events: int
    first_published: datetime | None
    last_published: datetime | None


@dataclass(frozen=True)
class RunRow:
    id: int
    spider: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    pages_fetched: int
    articles_new: int
    duplicates: int
    errors: int


@dataclass(frozen=True)
class Stats:
    """What `warta stats` shows: the size and shape of the database at a glance."""

    sources: int
    articles: int
    duplicates: int
    pending: int
    events: int
    multi_outlet_events: int
    crawl_runs: int
    outlets: list[OutletStats]
    #: (outlet, month "YYYY-MM" in WITA or None for undated, articles)
    outlet_months: list[tuple[str, str | None, int]]
    #: (outlet that republished, outlet it copied, articles)
    republished: list[tuple[str, str, int]]
    recent_runs: list[RunRow]


def stats(session: Session, *, runs: int = 10) -> Stats:
    """Counts per outlet and month, events, duplicates and the latest `runs` crawl runs."""
    count = func.count
    outlet_rows = session.execute(
        select(
            Source.key,
            Source.name,
            count(Article.id),
            count(Article.duplicate_of),
            count(Article.event_id.distinct()),
            func.min(Article.published_at),
            func.max(Article.published_at),
        )
        .outerjoin(Article, Article.source_id == Source.id)
        .group_by(Source.id, Source.key, Source.name)
        .order_by(count(Article.id).desc(), Source.key)
    )
    outlets = [OutletStats(*row) for row in outlet_rows]
    months = [
        (outlet, month, int(n))
        for outlet, month, n in session.execute(
            select(
                _outlet_months.c.outlet, _outlet_months.c.month, _outlet_months.c.articles
            ).order_by(_outlet_months.c.month, _outlet_months.c.outlet)
        )
    ]
    republished = [
        (outlet, original, int(n))
        for outlet, original, n in session.execute(
            select(_republished).order_by(_republished.c.articles.desc(), _republished.c.outlet)
        )
    ]
    recent = session.execute(
        select(
            CrawlRun.id,
            CrawlRun.spider,
            CrawlRun.started_at,
            CrawlRun.finished_at,
            CrawlRun.status,
            CrawlRun.pages_fetched,
            CrawlRun.articles_new,
            CrawlRun.duplicates,
            CrawlRun.errors,
        )
        .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
        .limit(runs)
    )
    scalar = session.scalar
    return Stats(
        sources=int(scalar(select(count()).select_from(Source)) or 0),
        articles=int(scalar(select(count()).select_from(Article)) or 0),
        duplicates=int(scalar(select(count(Article.duplicate_of))) or 0),
        pending=int(
            scalar(select(count()).select_from(Article).where(Article.clustered_at.is_(None))) or 0
        ),
        events=int(scalar(select(count()).select_from(Event)) or 0),
        multi_outlet_events=int(
            scalar(select(count()).select_from(Event).where(Event.outlet_count >= 2)) or 0
        ),
        crawl_runs=int(scalar(select(count()).select_from(CrawlRun)) or 0),
        outlets=outlets,
        outlet_months=months,
        republished=republished,
        recent_runs=[RunRow(*row) for row in recent],
    )


# --------------------------------------------------------------------------- plots


def articles_per_day(
    session: Session, filters: ArticleFilter = ArticleFilter()
) -> list[tuple[date, str, int]]:
    """(publication day in WITA, outlet, articles) for dated articles matching `filters`."""
    summary = _article_summary
    statement = (
        select(summary.c.published_date, summary.c.outlet, func.count())
        .where(
            summary.c.published_date.is_not(None),
            summary.c.article_id.in_(
                select(Article.id).where(*article_conditions(session, filters))
            ),
        )
        .group_by(summary.c.published_date, summary.c.outlet)
        .order_by(summary.c.published_date, summary.c.outlet)
    )
    return [(_as_date(day), outlet, int(n)) for day, outlet, n in session.execute(statement)]


def events_per_day(
    session: Session, filters: EventFilter = EventFilter()
) -> list[tuple[date, int]]:
    """(event date, events) for dated events matching `filters`."""
    statement = (
        select(Event.event_date, func.count())
        .where(Event.event_date.is_not(None), *event_conditions(session, filters))
        .group_by(Event.event_date)
        .order_by(Event.event_date)
    )
    return [(day, int(n)) for day, n in session.execute(statement) if day is not None]


@dataclass(frozen=True)
class Coverage:
    """Which outlets covered which events (articles per event and outlet), and who copied whom."""

    events: list[EventRow]
    outlets: list[str]
    #: counts[i][j]: articles of outlet j in event i
    counts: list[list[int]]
    #: (outlet that republished, outlet it copied, articles), among the selected events
    republished: list[tuple[str, str, int]]


def coverage(session: Session, filters: EventFilter = EventFilter(), *, top: int = 40) -> Coverage:
    """The `top` events with most outlets (ties: most articles, then date) as an outlet matrix."""
    statement = (
        select(Event)
        .where(*event_conditions(session, filters))
        .order_by(
            Event.outlet_count.desc(),
            Event.article_count.desc(),
            Event.event_date.asc().nulls_last(),
            Event.id,
        )
        .limit(top)
    )
    chosen = list(session.scalars(statement))
    chosen.sort(key=lambda event: (event.event_date or date.max, event.id))
    ids = [event.id for event in chosen]
    pairs: dict[tuple[int, str], int] = {}
    copies: dict[tuple[str, str], int] = {}
    if ids:
        for event_id, key, n in session.execute(
            select(Article.event_id, Source.key, func.count())
            .join(Source, Source.id == Article.source_id)
            .where(Article.event_id.in_(ids))
            .group_by(Article.event_id, Source.key)
        ):
            if event_id is not None:
                pairs[(event_id, key)] = int(n)
        original = aliased(Article)
        original_source = aliased(Source)
        for copier, copied, n in session.execute(
            select(Source.key, original_source.key, func.count())
            .select_from(Article)
            .join(Source, Source.id == Article.source_id)
            .join(original, original.id == Article.duplicate_of)
            .join(original_source, original_source.id == original.source_id)
            .where(or_(Article.event_id.in_(ids), original.event_id.in_(ids)))
            .group_by(Source.key, original_source.key)
        ):
            copies[(copier, copied)] = int(n)
    outlets = sorted({key for _, key in pairs}, key=lambda k: (-_total(pairs, k), k))
    rows = event_outlets(session, ids)
    return Coverage(
        events=[event_row(event, rows.get(event.id, ())) for event in chosen],
        outlets=outlets,
        counts=[[pairs.get((event_id, key), 0) for key in outlets] for event_id in ids],
        republished=sorted(
            ((a, b, n) for (a, b), n in copies.items()), key=lambda item: (-item[2], item[0])
        ),
    )


def _total(pairs: dict[tuple[int, str], int], outlet: str) -> int:
    return sum(n for (_, key), n in pairs.items() if key == outlet)


def _as_date(value: date | str) -> date:
    """Views hand back dates as text on SQLite and as dates on PostgreSQL."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
