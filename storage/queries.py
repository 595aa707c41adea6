"""Read-only queries behind `warta events/event/articles/stats/export/plot`.

Plain functions: the session comes first, they return dataclasses or plain rows, they never
commit (the caller owns the transaction), and every value from a user travels as a bound
parameter. The same code runs on SQLite and PostgreSQL; the only dialect branch is full-text
search (FTS5 table `articles_fts` of migration 0002_views_search on SQLite, the `article_search`
table of 0003_event_search on PostgreSQL), and per-day/per-month grouping reads the views of
migration 0002, which hold the dialects' date arithmetic.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    bindparam,
    column,
    false,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session, aliased

from storage.models import Article, CrawlRun, Event, Source

#: Sultra's clock (WITA, UTC+8, no daylight saving): an article's day is its day in Kendari.
REGION_TZ = timezone(timedelta(hours=8), "WITA")


# --------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class EventFilter:
    """What `warta events` and `warta export` select; every field optional, all must hold."""

    #: first and last event date, inclusive
    since: date | None = None
    until: date | None = None
    #: outlet keys; an event qualifies when any of its articles comes from one of them
    sources: tuple[str, ...] = ()
    #: words that must all occur in the title or text of one of the event's articles
    query: str | None = None
    #: case-insensitive substring of the event's place
    place: str | None = None
    min_outlets: int | None = None

    def __post_init__(self) -> None:
        if self.min_outlets is not None and self.min_outlets < 0:
            raise ValueError(f"min_outlets must be 0 or more, not {self.min_outlets}")
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"since ({self.since}) is after until ({self.until})")

    @property
    def is_empty(self) -> bool:
        return self == EventFilter()


@dataclass(frozen=True)
class ArticleFilter(EventFilter):
    """What `warta articles` selects: dates are publication days (WITA), place and
    min_outlets apply to the article's event."""

    event_id: int | None = None
    duplicates_only: bool = False


def search_terms(query: str) -> list[str]:
    """The phrases of a search: whitespace-separated chunks, kept only if they hold a word.

    Quotes and operators are ordinary characters here, never search syntax or SQL: `Jum'at`
    is one phrase (the tokens `jum` and `at`, adjacent), `"` alone is dropped.
    """
    return [chunk for chunk in query.split() if re.search(r"\w", chunk)]


#: A search matching more articles than this lists events by walking them in date order and
#: stopping at the limit; a narrower one collects its few events and sorts them. Neither
#: database estimates full-text selectivity well enough to choose (FTS5 does not at all).
#: Deciding reads up to this many matches: on PostgreSQL a broad search may read them by
#: scanning `article_search`, ~10 µs a row, hence not more.
WALK_MATCHES = 3_000

#: PostgreSQL's article → event map with each article's tsvector (migration 0003).
_article_search = table(
    "article_search", column("article_id"), column("event_id"), column("document")
)


def _search(session: Session, query: str) -> Subquery | None:
    """(article_id, event_id) of the articles matching every phrase of `query`; None when the
    query holds no word. Event ids come from narrow rows (migration 0003), not from articles."""
    terms = search_terms(query)
    if not terms:
        return None
    if _dialect(session) == "sqlite":
        narrow = aliased(Article, name="matched")  # read through ix_articles_id_event_id
        return (
            select(narrow.id.label("article_id"), narrow.event_id.label("event_id"))
            .where(narrow.id.in_(_fts_rowids(terms)))
            .subquery("matches")
        )
    return (
        select(_article_search.c.article_id, _article_search.c.event_id)
        .where(_article_search.c.document.op("@@")(_tsquery(terms)))
        .subquery("matches")
    )


def _event_has_match(session: Session, query: str) -> ColumnElement[bool]:
    """The event has an article matching `query`, tested from the event's side: for walking
    events in date order when most of them match (`_search` must not be empty)."""
    terms = search_terms(query)
    if _dialect(session) == "sqlite":
        # The event's members first; FTS5 cannot be probed per article, so its matches are
        # read once into a list. INDEXED BY: costed blind, the planner would rather scan that
        # list for every event.
        members = text("articles AS member INDEXED BY ix_articles_event_source")
        return (
            select(literal_column("1"))
            .select_from(members)
            .where(
                # a Core column: an ORM one would not accept the textual FROM
                literal_column("member.event_id") == Event.__table__.c.id,
                literal_column("member.id").in_(_fts_rowids(terms)),
            )
            .exists()
        )
    # A scalar subquery, not EXISTS: PostgreSQL would turn EXISTS into a semi-join and, as it
    # underestimates phrases ANDed together, hash every match instead of walking.
    return (
        select(literal_column("true"))
        .where(
            _article_search.c.event_id == Event.id,
            _article_search.c.document.op("@@")(_tsquery(terms)),
        )
        .limit(1)
        .scalar_subquery()
    )


def _fts_rowids(terms: list[str]) -> Select[Any]:
    """SQLite: rowids (article ids) of the FTS5 rows holding every phrase of `terms`."""
    # FTS5 string literals: double the quotes; the whole expression is one bound value.
    expression = " ".join('"' + term.replace('"', '""') + '"' for term in terms)
    return (
        select(literal_column("rowid"))
        .select_from(text("articles_fts"))
        .where(text("articles_fts MATCH :fts_query").bindparams(fts_query=expression))
    )


def _tsquery(terms: list[str]) -> ColumnElement[Any]:
    """PostgreSQL: every phrase of `terms` (non-empty), as one tsquery of bound values."""
    phrases: list[ColumnElement[Any]] = [
        func.phraseto_tsquery(literal_column("'simple'"), bindparam(f"term_{index}", term))
        for index, term in enumerate(terms)
    ]
    tsquery = phrases[0]
    for phrase in phrases[1:]:
        tsquery = tsquery.op("&&")(phrase)
    return tsquery


def _matches_many(session: Session, matches: Subquery) -> bool:
    """More than WALK_MATCHES articles match (reads at most that many matches)."""
    first = select(matches.c.article_id).limit(WALK_MATCHES + 1).subquery()
    return (session.scalar(select(func.count()).select_from(first)) or 0) > WALK_MATCHES


def _day_start(day: date) -> datetime:
    """Midnight WITA of `day`, in UTC, the zone timestamps are stored in."""
    return datetime.combine(day, time(), REGION_TZ).astimezone(UTC)


def _event_conditions(
    session: Session, filters: EventFilter, *, limited: bool = False
) -> list[ColumnElement[bool]]:
    """WHERE clauses for `filters`; `limited` when the caller reads events in date order and
    stops at a limit, so that testing events one by one beats collecting every match."""
    conditions: list[ColumnElement[bool]] = []
    if filters.since is not None:
        conditions.append(Event.event_date >= filters.since)
    if filters.until is not None:
        conditions.append(Event.event_date <= filters.until)
    if filters.place:
        conditions.append(Event.place.icontains(filters.place, autoescape=True))
    if filters.min_outlets is not None:
        conditions.append(Event.outlet_count >= filters.min_outlets)
    if filters.sources:
        keys = select(Source.id).where(Source.key.in_(filters.sources))
        if limited:
            # Correlated EXISTS on (event_id, source_id): walks events in date order and stops
            # at the limit instead of collecting every article of the outlets first.
            member = select(Article.id).where(
                Article.event_id == Event.id, Article.source_id.in_(keys)
            )
            conditions.append(member.exists())
        else:
            # Every event is visited anyway: one pass over the outlets' articles is cheaper.
            events_of = select(Article.event_id).where(
                Article.source_id.in_(keys), Article.event_id.is_not(None)
            )
            conditions.append(Event.id.in_(events_of))
    if filters.query:
        matches = _search(session, filters.query)
        if matches is None:
            conditions.append(false())
        elif limited and _matches_many(session, matches):
            conditions.append(_event_has_match(session, filters.query))
        else:
            conditions.append(Event.id.in_(select(matches.c.event_id)))
    return conditions


def _article_conditions(session: Session, filters: ArticleFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.since is not None:
        conditions.append(Article.published_at >= _day_start(filters.since))
    if filters.until is not None:
        conditions.append(Article.published_at < _day_start(filters.until + timedelta(days=1)))
    if filters.sources:
        keys = select(Source.id).where(Source.key.in_(filters.sources))
        conditions.append(Article.source_id.in_(keys))
    if filters.query:
        matches = _search(session, filters.query)
        conditions.append(
            false() if matches is None else Article.id.in_(select(matches.c.article_id))
        )
    if filters.place or filters.min_outlets is not None:
        events = select(Event.id).where(
            *_event_conditions(
                session, EventFilter(place=filters.place, min_outlets=filters.min_outlets)
            )
        )
        conditions.append(Article.event_id.in_(events))
    if filters.event_id is not None:
        conditions.append(Article.event_id == filters.event_id)
    if filters.duplicates_only:
        conditions.append(Article.duplicate_of.is_not(None))
    return conditions


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


# --------------------------------------------------------------------------- sources


def source_keys(session: Session) -> list[str]:
    """Keys of the outlets in the database, sorted."""
    return list(session.scalars(select(Source.key).order_by(Source.key)))


def unknown_sources(session: Session, keys: Sequence[str]) -> list[str]:
    """Those of `keys` that name no outlet in the database (for a one-line usage error)."""
    known = set(session.scalars(select(Source.key).where(Source.key.in_(set(keys)))))
    return [key for key in keys if key not in known]


# --------------------------------------------------------------------------- events


@dataclass(frozen=True)
class EventRow:
    """One event as listed by `warta events`."""

    id: int
    event_date: date | None
    title: str
    place: str | None
    outlet_count: int
    article_count: int
    outlets: tuple[str, ...]
    top_terms: tuple[str, ...]
    first_seen: datetime | None
    last_seen: datetime | None
    representative_article_id: int | None


def _events_select(
    session: Session, filters: EventFilter, newest_first: bool, *, limited: bool
) -> Select[Any]:
    order = (
        (Event.event_date.desc().nulls_last(), Event.id.desc())
        if newest_first
        else (Event.event_date.asc().nulls_last(), Event.id.asc())
    )
    conditions = _event_conditions(session, filters, limited=limited)
    return select(Event).where(*conditions).order_by(*order)


def events(
    session: Session,
    filters: EventFilter = EventFilter(),
    *,
    limit: int | None = None,
    offset: int = 0,
    newest_first: bool = False,
) -> list[EventRow]:
    """Events matching `filters` in date order (undated last), with their outlets' keys."""
    statement = _events_select(session, filters, newest_first, limited=limit is not None).offset(
        offset
    )
    if limit is not None:
        statement = statement.limit(limit)
    found = list(session.scalars(statement))
    outlets = event_outlets(session, [event.id for event in found])
    return [_event_row(event, outlets.get(event.id, ())) for event in found]


def count_events(session: Session, filters: EventFilter = EventFilter()) -> int:
    """How many events `events(session, filters)` would return without a limit."""
    if filters.query and filters == EventFilter(query=filters.query):
        # Search alone: count the matches' distinct event ids, without visiting the events.
        matches = _search(session, filters.query)
        if matches is None:
            return 0
        # DISTINCT in a subquery, not count(DISTINCT): PostgreSQL may hash the former, while it
        # always sorts for the latter (seconds for a broad search once its plan is generic).
        events_of = (
            select(matches.c.event_id)
            .where(matches.c.event_id.is_not(None))  # unclustered matches are no event yet
            .distinct()
            .subquery()
        )
        return int(session.scalar(select(func.count()).select_from(events_of)) or 0)
    statement = select(func.count()).select_from(Event).where(*_event_conditions(session, filters))
    return int(session.scalar(statement) or 0)


def event_outlets(session: Session, event_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """Event id → sorted keys of the outlets with an article in it (one query per 500 ids)."""
    result: dict[int, set[str]] = {}
    for start in range(0, len(event_ids), 500):
        chunk = list(event_ids[start : start + 500])
        rows = session.execute(
            select(Article.event_id, Source.key)
            .join(Source, Source.id == Article.source_id)
            .where(Article.event_id.in_(chunk))
            .distinct()
        )
        for event_id, key in rows:
            if event_id is not None:
                result.setdefault(event_id, set()).add(key)
    return {event_id: tuple(sorted(keys)) for event_id, keys in result.items()}


def _event_row(event: Event, outlets: tuple[str, ...]) -> EventRow:
    return EventRow(
        id=event.id,
        event_date=event.event_date,
        title=event.title,
        place=event.place,
        outlet_count=event.outlet_count,
        article_count=event.article_count,
        outlets=outlets,
        top_terms=tuple(str(term) for term in event.top_terms or ()),
        first_seen=event.first_seen,
        last_seen=event.last_seen,
        representative_article_id=event.representative_article_id,
    )


# --------------------------------------------------------------------------- articles


@dataclass(frozen=True)
class ArticleRow:
    """One article as listed by `warta articles` and `warta event`."""

    id: int
    outlet: str
    outlet_name: str
    url: str
    title: str | None
    published_at: datetime | None
    word_count: int
    event_id: int | None
    event_score: float | None
    #: why clustering put the article into its event (matched features), as stored
    event_reason: dict[str, Any] | None
    duplicate_of: int | None


def _articles_select(session: Session, filters: ArticleFilter) -> Select[Any]:
    return (
        select(
            Article.id,
            Source.key,
            Source.name,
            Article.url,
            Article.title,
            Article.published_at,
            Article.word_count,
            Article.event_id,
            Article.event_score,
            Article.event_reason,
            Article.duplicate_of,
        )
        .join(Source, Source.id == Article.source_id)
        .where(*_article_conditions(session, filters))
    )


def articles(
    session: Session,
    filters: ArticleFilter = ArticleFilter(),
    *,
    limit: int | None = None,
    offset: int = 0,
    newest_first: bool = False,
) -> list[ArticleRow]:
    """Articles matching `filters` in publication order (undated last)."""
    order = (
        (Article.published_at.desc().nulls_last(), Article.id.desc())
        if newest_first
        else (Article.published_at.asc().nulls_last(), Article.id.asc())
    )
    statement = _articles_select(session, filters).order_by(*order).offset(offset)
    if limit is not None:
        statement = statement.limit(limit)
    return [ArticleRow(*row) for row in session.execute(statement)]


def count_articles(session: Session, filters: ArticleFilter = ArticleFilter()) -> int:
    """How many articles `articles(session, filters)` would return without a limit."""
    statement = (
        select(func.count()).select_from(Article).where(*_article_conditions(session, filters))
    )
    return int(session.scalar(statement) or 0)


@dataclass(frozen=True)
class EventDetail:
    """An event with every article that reports it, for `warta event ID`."""

    event: EventRow
    representative_url: str | None
    articles: list[ArticleRow] = field(default_factory=list)


def event_detail(session: Session, event_id: int) -> EventDetail | None:
    """The event `event_id` with its articles in publication order; None when there is none."""
    event = session.get(Event, event_id)
    if event is None:
        return None
    members = articles(session, ArticleFilter(event_id=event_id))
    outlets = tuple(sorted({member.outlet for member in members}))
    representative = None
    if event.representative_article_id is not None:
        representative = session.scalar(
            select(Article.url).where(Article.id == event.representative_article_id)
        )
    return EventDetail(_event_row(event, outlets), representative, members)


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
                select(Article.id).where(*_article_conditions(session, filters))
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
        .where(Event.event_date.is_not(None), *_event_conditions(session, filters))
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
        .where(*_event_conditions(session, filters))
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
        events=[_event_row(event, rows.get(event.id, ())) for event in chosen],
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


# --------------------------------------------------------------------------- export


@dataclass(frozen=True)
class ExportColumn:
    """One column of an exported table: stable name, Arrow-ish type, meaning."""

    name: str
    type: str
    description: str


#: The exported tables, their columns in order, and what each means: the data dictionary.
#: Names are a contract with researchers' scripts: add columns at the end, never rename.
EXPORT_TABLES: dict[str, tuple[str, tuple[ExportColumn, ...]]] = {
    "events": (
        "One row per real-world event found by clustering.",
        (
            ExportColumn("event_id", "int64", "Event identifier (events.id)."),
            ExportColumn(
                "event_date", "date", "Day the event happened, as resolved from its articles."
            ),
            ExportColumn("title", "string", "Title of the event (its representative article's)."),
            ExportColumn("place", "string", "Main place named by the articles, if any."),
            ExportColumn("outlet_count", "int64", "Number of distinct outlets that reported it."),
            ExportColumn("article_count", "int64", "Number of articles that reported it."),
            ExportColumn("outlets", "string", "Keys of those outlets, sorted, separated by '; '."),
            ExportColumn(
                "top_terms",
                "string",
                "Salient terms of the event, most weighty first, '; '-separated.",
            ),
            ExportColumn("first_seen", "timestamp", "When the event was first reported (UTC)."),
            ExportColumn("last_seen", "timestamp", "When the event was last reported (UTC)."),
            ExportColumn(
                "representative_article_id",
                "int64",
                "article_id of the article chosen to represent it.",
            ),
        ),
    ),
    "articles": (
        "One row per clean article (one per canonical URL).",
        (
            ExportColumn("article_id", "int64", "Article identifier (articles.id)."),
            ExportColumn("outlet", "string", "Key of the outlet (crawler/sources.toml)."),
            ExportColumn("outlet_name", "string", "Name of the outlet."),
            ExportColumn("url", "string", "First URL the article was found under."),
            ExportColumn(
                "canonical_url", "string", "Normalised URL the article is stored under (unique)."
            ),
            ExportColumn("title", "string", "Headline."),
            ExportColumn("author", "string", "Author (reporter), if the page names one."),
            ExportColumn("editor", "string", "Editor, if the page names one."),
            ExportColumn("published_at", "timestamp", "Publication time (UTC)."),
            ExportColumn("published_date", "date", "Publication day in Sultra (WITA, UTC+8)."),
            ExportColumn("fetched_at", "timestamp", "When Warta fetched the page (UTC)."),
            ExportColumn("language", "string", "Detected language code (id = Indonesian)."),
            ExportColumn("word_count", "int64", "Words in the text."),
            ExportColumn(
                "duplicate_of",
                "int64",
                "article_id of the first-stored near-duplicate it copies; empty for originals.",
            ),
            ExportColumn("event_id", "int64", "Event the article reports; empty when unclustered."),
            ExportColumn(
                "event_score", "float64", "How strongly the article matched its event (0-1)."
            ),
            ExportColumn(
                "event_reason", "string", "Why it joined the event: the matched features, as JSON."
            ),
            ExportColumn(
                "features",
                "string",
                "Event features of the article (date, places, people, organisations), as JSON.",
            ),
            ExportColumn("text", "string", "Clean article text, boilerplate removed."),
        ),
    ),
    "event_articles": (
        "Membership: one row per (event, article) pair.",
        (
            ExportColumn("event_id", "int64", "Event identifier."),
            ExportColumn("article_id", "int64", "Article identifier."),
            ExportColumn("outlet", "string", "Key of the article's outlet."),
            ExportColumn("published_at", "timestamp", "Publication time of the article (UTC)."),
            ExportColumn(
                "event_score", "float64", "How strongly the article matched the event (0-1)."
            ),
            ExportColumn(
                "is_duplicate",
                "bool",
                "True when the article is a republished near-duplicate of another.",
            ),
            ExportColumn("duplicate_of", "int64", "article_id it duplicates; empty for originals."),
        ),
    ),
}


def export_event_ids(session: Session, filters: EventFilter = EventFilter()) -> list[int]:
    """Ids of the events an export with `filters` contains, in date order."""
    statement = _events_select(session, filters, False, limited=False).with_only_columns(Event.id)
    return list(session.scalars(statement))


def event_record(row: EventRow) -> dict[str, Any]:
    """`row` under the column names of EXPORT_TABLES["events"] (also `warta events --format`)."""
    return {
        "event_id": row.id,
        "event_date": row.event_date,
        "title": row.title,
        "place": row.place,
        "outlet_count": row.outlet_count,
        "article_count": row.article_count,
        "outlets": "; ".join(row.outlets),
        "top_terms": "; ".join(row.top_terms),
        "first_seen": as_utc(row.first_seen),
        "last_seen": as_utc(row.last_seen),
        "representative_article_id": row.representative_article_id,
    }


def article_record(row: ArticleRow) -> dict[str, Any]:
    """`row` with stable column names, for `warta articles/event --format csv|json`."""
    published = as_utc(row.published_at)
    return {
        "article_id": row.id,
        "outlet": row.outlet,
        "outlet_name": row.outlet_name,
        "url": row.url,
        "title": row.title,
        "published_at": published,
        "published_date": published.astimezone(REGION_TZ).date() if published else None,
        "word_count": row.word_count,
        "event_id": row.event_id,
        "event_score": row.event_score,
        "event_reason": _json_or_none(row.event_reason),
        "duplicate_of": row.duplicate_of,
    }


def export_events(session: Session, event_ids: Sequence[int]) -> Iterator[dict[str, Any]]:
    """Rows of events.* for `event_ids`, in that order, with EXPORT_TABLES' column names."""
    for start in range(0, len(event_ids), 500):
        chunk = list(event_ids[start : start + 500])
        outlets = event_outlets(session, chunk)
        found = session.scalars(select(Event).where(Event.id.in_(chunk)))
        by_id = {event.id: event for event in found}
        for event_id in chunk:
            yield event_record(_event_row(by_id[event_id], outlets.get(event_id, ())))


def export_articles(
    session: Session, event_ids: Sequence[int] | None, *, batch: int = 1000
) -> Iterator[dict[str, Any]]:
    """Rows of articles.*: the articles of `event_ids`, or every article when None.

    Streams in id order with keyset pagination, so a million articles never sit in memory.
    """

    def rows_after(last_id: int, ids: Sequence[int] | None) -> list[Any]:
        statement = (
            select(Article, Source.key, Source.name)
            .join(Source, Source.id == Article.source_id)
            .where(Article.id > last_id)
            .order_by(Article.id)
            .limit(batch)
        )
        if ids is not None:
            statement = statement.where(Article.event_id.in_(ids))
        return list(session.execute(statement))

    chunks: list[Sequence[int] | None] = (
        [None]
        if event_ids is None
        else [event_ids[start : start + 500] for start in range(0, len(event_ids), 500)]
    )
    for ids in chunks:
        last_id = 0
        while True:
            rows = rows_after(last_id, ids)
            if not rows:
                break
            for article, key, name in rows:
                published = as_utc(article.published_at)
                yield {
                    "article_id": article.id,
                    "outlet": key,
                    "outlet_name": name,
                    "url": article.url,
                    "canonical_url": article.canonical_url,
                    "title": article.title,
                    "author": article.author,
                    "editor": article.editor,
                    "published_at": published,
                    "published_date": published.astimezone(REGION_TZ).date() if published else None,
                    "fetched_at": as_utc(article.fetched_at),
                    "language": article.language,
                    "word_count": article.word_count,
                    "duplicate_of": article.duplicate_of,
                    "event_id": article.event_id,
                    "event_score": article.event_score,
                    "event_reason": _json_or_none(article.event_reason),
                    "features": _json_or_none(article.features),
                    "text": article.text,
                }
            last_id = rows[-1][0].id
            session.expunge_all()  # keep the identity map from growing with the export


def export_memberships(session: Session, event_ids: Sequence[int]) -> Iterator[dict[str, Any]]:
    """Rows of event_articles.*: one per (event, article) of `event_ids`, by event then time."""
    for start in range(0, len(event_ids), 500):
        chunk = list(event_ids[start : start + 500])
        position = {event_id: index for index, event_id in enumerate(chunk)}
        rows = list(
            session.execute(
                select(
                    Article.event_id,
                    Article.id,
                    Source.key,
                    Article.published_at,
                    Article.event_score,
                    Article.duplicate_of,
                )
                .join(Source, Source.id == Article.source_id)
                .where(Article.event_id.in_(chunk))
            )
        )
        rows.sort(key=lambda r: (position.get(r[0] or 0, 0), as_utc(r[3]) or _FAR_FUTURE, r[1]))
        for event_id, article_id, key, published, score, duplicate_of in rows:
            yield {
                "event_id": event_id,
                "article_id": article_id,
                "outlet": key,
                "published_at": as_utc(published),
                "event_score": score,
                "is_duplicate": duplicate_of is not None,
                "duplicate_of": duplicate_of,
            }


def count_export_articles(session: Session, event_ids: Sequence[int] | None) -> int:
    """Rows export_articles will yield (for a progress bar)."""
    if event_ids is None:
        return int(session.scalar(select(func.count()).select_from(Article)) or 0)
    total = 0
    for start in range(0, len(event_ids), 500):
        chunk = list(event_ids[start : start + 500])
        total += int(
            session.scalar(
                select(func.count()).select_from(Article).where(Article.event_id.in_(chunk))
            )
            or 0
        )
    return total


_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """An aware UTC datetime: PostgreSQL returns aware values, SQLite naive UTC ones."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _json_or_none(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
