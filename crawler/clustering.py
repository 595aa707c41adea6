"""The clustering stage: stored articles → duplicate groups and events, one writer at a time.

Glue between storage.models and dedupe.clustering. `cluster_pending` takes the articles that
clustering has not seen (``clustered_at IS NULL``), loads the clustered articles whose links they
can change (plus every member of the events found there) and the rest of those articles' rarity
neighbourhoods (counted only), lets `EventClusterer` assign them and
writes the outcome: ``duplicate_of``, ``event_id``, ``event_score``, ``event_reason``,
``clustered_at`` and the `Event` rows. `recluster_all` rebuilds every group from the stored
signatures and features. `cluster_rows` runs the same code on plain dicts (``warta cluster``).

The caller owns the transaction (storage.database.session_scope commits); the stage takes the
database's write lock first, so two crawler processes never cluster at the same time.
"""

from __future__ import annotations

import itertools
import multiprocessing
import pickle
import tempfile
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from sqlalchemy import bindparam, delete, func, insert, or_, select, text, update
from sqlalchemy.orm import Session

from dedupe.clustering import (
    ArticleRecord,
    ClusterConfig,
    EventClusterer,
    EventGroup,
    OpenComponent,
    Segment,
)
from dedupe.dates import MAX_AGE_DAYS, WITA
from dedupe.features import extract_features
from dedupe.signatures import MinHasher
from storage.database import make_engine
from storage.models import Article, Event

#: pg_advisory_xact_lock key of the clustering stage ("warta" + "clus" in ASCII)
ADVISORY_LOCK_KEY = 0x7761727461636C75


@dataclass(frozen=True)
class ClusterReport:
    """What one clustering run did."""

    pending: int  #: articles clustered for the first time
    context: int  #: already-clustered articles loaded from the window
    duplicates: int  #: pending articles that are near-duplicates of an earlier one
    events_created: int
    events_updated: int
    events_merged: int  #: events retired because a new article joined them to another
    events_total: int  #: events of the articles touched by this run


def lock_clustering(session: Session) -> None:
    """Take the single-writer lock for the rest of the transaction."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    elif dialect == "sqlite":
        # an early write takes SQLite's write lock now, not at the first real UPDATE
        session.execute(text("UPDATE events SET id = id WHERE 1 = 0"))


_COLUMNS = (
    Article.id,
    Article.source_id,
    Article.published_at,
    Article.title,
    Article.signature,
    Article.features,
    Article.duplicate_of,
    Article.event_id,
)


def _record(row: Any) -> ArticleRecord:
    """The record of a row of `_COLUMNS` (unpacked: a named look-up per field cost more)."""
    key, source_id, published_at, title, signature, features, duplicate_of, event_id = row
    return ArticleRecord(
        key=key,
        rank=(key,),
        signature=signature,
        features=features or {},
        outlet=str(source_id),
        published_at=_aware(published_at),
        title=title,
        duplicate_of=duplicate_of,
        event_id=event_id,
    )


def _aware(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes for timezone columns; they were stored as UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _fill_missing(session: Session, hasher: MinHasher, ids: Iterable[int]) -> None:
    """Sign and featurise stored articles that reached the database without (older rows)."""
    for article in session.scalars(select(Article).where(Article.id.in_(list(ids)))):
        if article.signature is None:
            article.signature = hasher.signature_bytes(article.text)
        if article.features is None:
            article.features = extract_features(
                article.title, article.text, _aware(article.published_at)
            )
    session.flush()


def _load(session: Session, condition: Any) -> list[ArticleRecord]:
    return [_record(row) for row in session.execute(select(*_COLUMNS).where(condition))]


def cluster_pending(
    session: Session,
    config: ClusterConfig | None = None,
    now: datetime | None = None,
    workers: int = 1,
) -> ClusterReport:
    """Cluster the pending articles into the events of their time window (see module doc).

    With `workers` > 1 and a window of at least SEGMENT_MIN_ARTICLES articles to re-decide per
    worker, the window is swept in segments by as many processes, as a rebuild is; the result
    is the same."""
    clusterer = EventClusterer(config)
    lock_clustering(session)
    missing = session.scalars(
        select(Article.id).where(
            Article.clustered_at.is_(None),
            or_(Article.signature.is_(None), Article.features.is_(None)),
        )
    ).all()
    if missing:
        _fill_missing(session, clusterer.hasher, missing)
    pending_condition = Article.clustered_at.is_(None)
    pending = _rarity_days(session, clusterer, pending_condition)
    if not pending:
        return ClusterReport(0, 0, 0, 0, 0, 0, 0)
    plan, context = _pending_plan(session, clusterer, pending)
    with tempfile.TemporaryDirectory(prefix=SPILL_PREFIX) as spill:
        committed = partial(_seen_by_others, session, pending_condition, len(pending))
        outcome = _sweep_plan(
            session, clusterer, plan, 1 if missing else workers, committed, Path(spill)
        )
        return _write(session, outcome, set(pending), now, context=context)


#: articles whose rarity-day rows are read per query
STREAM_CHUNK = 2000


def _rarity_days(
    session: Session,
    clusterer: EventClusterer,
    condition: Any = None,
    event_of: dict[int, int] | None = None,
) -> dict[int, int]:
    """Rarity-day ordinal (0: timeless) by id of the articles matching `condition` (None:
    every article); `event_of`, when given, gets the stored event id of those that have one.

    Reads only the date fields of the features, extracted by the database: choosing what a run
    sweeps decodes no features (the sweep then reads whole records by id, `_records`)."""
    features = Article.features
    query = select(
        Article.id,
        Article.published_at,
        features["event_date"].as_string(),
        features["date_confidence"].as_float(),
        features["published_date"].as_string(),
        Article.event_id,
    )
    if condition is not None:
        query = query.where(condition)
    # not a million rows buffered at once
    rows = session.execute(query.execution_options(yield_per=STREAM_CHUNK))
    days = {}
    for key, published, event_date, confidence, published_date, event_id in rows:
        if event_of is not None and event_id is not None:
            event_of[key] = event_id
        stub = ArticleRecord(
            key=key,
            rank=(key,),
            signature=None,
            features={
                "event_date": event_date,
                "date_confidence": confidence or 0.0,
                "published_date": published_date,
            },
            published_at=_aware(published),
        )
        day = clusterer.rarity_day(stub)
        days[key] = day.toordinal() if day is not None else 0
    return days


def _days_between(
    session: Session,
    clusterer: EventClusterer,
    low: int,
    high: int,
    event_of: dict[int, int] | None = None,
) -> dict[int, int]:
    """Rarity days of the clustered articles whose rarity day is in [low, high] (ordinals),
    and of every timeless one (`event_of`: see `_rarity_days`)."""
    # a confident event date is at most MAX_AGE_DAYS before publication (dedupe.dates)
    start = datetime.combine(date.fromordinal(low), time.min, WITA)
    end = datetime.combine(
        date.fromordinal(high) + timedelta(days=MAX_AGE_DAYS + 1), time.max, WITA
    )
    condition = Article.clustered_at.is_not(None) & or_(
        Article.published_at.between(start, end), Article.published_at.is_(None)
    )
    found = _rarity_days(session, clusterer, condition, event_of)
    return {key: day for key, day in found.items() if day == 0 or low <= day <= high}


@dataclass(frozen=True)
class _Plan:
    """What one sweep reads, in sweep order (timeless first, then by rarity day and id)."""

    ids: list[int]
    days: list[int]  #: rarity-day ordinals, 0 for timeless
    counted_only: list[bool]  #: completes rarity neighbourhoods, never linked or written

    @classmethod
    def of(cls, days: dict[int, int], counted: set[int]) -> _Plan:
        ids = np.fromiter(days, dtype=np.int64, count=len(days))
        ordinals = np.fromiter(days.values(), dtype=np.int64, count=len(days))
        order = np.lexsort((ids, ordinals))
        keys = ids[order].tolist()
        return cls(keys, ordinals[order].tolist(), [key in counted for key in keys])

    def swept_days(self) -> list[int]:
        """The days of the records the sweep decides, in order."""
        pairs = zip(self.days, self.counted_only, strict=True)
        return [day for day, counted in pairs if not counted]


def _pending_plan(
    session: Session, clusterer: EventClusterer, pending: dict[int, int]
) -> tuple[_Plan, int]:
    """The plan of an incremental run, and how many clustered articles it re-decides.

    The context is every clustered article whose links can change: those whose rarity
    neighbourhood holds a pending article, and those they can link to (within `rarity_days +
    window_days + 1` days of a pending rarity day, `EventClusterer.reach`), every timeless
    article (it may report any event), and whole events. The background (counted only)
    completes the neighbourhoods of the context, so every weight is the one `recluster_all`
    computes over the whole corpus.
    """
    clustered = Article.clustered_at.is_not(None)
    bounds = clusterer.reach([date.fromordinal(day) if day else None for day in pending.values()])
    if bounds is None:  # a timeless article may report any stored event
        context = _rarity_days(session, clusterer, clustered)
        return _Plan.of(context | pending, set()), len(context)
    low, high = (day.toordinal() for day in bounds)
    radius = clusterer.config.rarity_days
    event_of: dict[int, int] = {}
    read = _days_between(session, clusterer, low - radius, high + radius, event_of)
    context = {key: day for key, day in read.items() if day == 0 or low <= day <= high}
    # whole events, so that an event is never judged on part of its members
    event_ids = sorted({event_of[key] for key in context if key in event_of})
    for start in range(0, len(event_ids), STREAM_CHUNK):
        condition = clustered & Article.event_id.in_(event_ids[start : start + STREAM_CHUNK])
        members = session.scalars(select(Article.id).where(condition)).all()
        unread = [key for key in members if key not in read]  # most were read with the days
        for chunk in range(0, len(unread), STREAM_CHUNK):
            ids = unread[chunk : chunk + STREAM_CHUNK]
            read.update(_rarity_days(session, clusterer, Article.id.in_(ids)))
        context.update((key, read[key]) for key in members if key in read)
    dated = [day for day in (*context.values(), *pending.values()) if day]
    first, last = min(dated) - radius, max(dated) + radius
    for edge_low, edge_high in ((first, low - radius - 1), (high + radius + 1, last)):
        if edge_low <= edge_high:  # neighbourhoods of event members beyond the first read
            read.update(_days_between(session, clusterer, edge_low, edge_high))
    background = {
        key: day for key, day in read.items() if key not in context and day and first <= day <= last
    }
    return _Plan.of(pending | context | background, set(background)), len(context)


def recluster_all(
    session: Session,
    config: ClusterConfig | None = None,
    now: datetime | None = None,
    workers: int = 1,
) -> ClusterReport:
    """Rebuild every duplicate group and event from the stored signatures and features.

    Event ids are kept where an event keeps members (the lowest old id of its members). The
    articles are streamed in sweep order, so memory follows the articles within reach of the
    current day, not every stored feature at once; the decided events wait in a temporary
    directory until they are written (`_Outcome`). With `workers` > 1 the sweep is cut into
    that many segments of days, swept by as many processes reading the database themselves
    (`_sweep_segments`); the result is the same.
    """
    clusterer = EventClusterer(config)
    lock_clustering(session)
    missing = session.scalars(
        select(Article.id).where(or_(Article.signature.is_(None), Article.features.is_(None)))
    ).all()
    if missing:
        _fill_missing(session, clusterer.hasher, missing)
    plan = _Plan.of(_rarity_days(session, clusterer), set())
    with tempfile.TemporaryDirectory(prefix=SPILL_PREFIX) as spill:
        committed = partial(_seen_by_others, session, None, len(plan.ids))
        outcome = _sweep_plan(
            session, clusterer, plan, 1 if missing else workers, committed, Path(spill)
        )
        return _write(session, outcome, None, now)


#: prefix of the temporary directory where a run's decided events wait to be written
SPILL_PREFIX = "warta-clustering-"
#: fewest articles to decide per worker: below it, starting a process costs more than it saves
SEGMENT_MIN_ARTICLES = 10_000


def _seen_by_others(session: Session, condition: Any, expected: int) -> bool:
    """Whether another connection sees `expected` articles matching `condition` (None: all):
    a segment's worker reads the committed database, not this transaction (rows the caller
    stored in it would be missing there)."""
    engine = session.get_bind().engine
    if engine.url.database in (None, "", ":memory:"):  # no other connection to the same data
        return False
    query = select(func.count()).select_from(Article)
    if condition is not None:
        query = query.where(condition)
    with engine.connect() as connection:
        return connection.execute(query).scalar_one() == expected


def _sweep_plan(
    session: Session,
    clusterer: EventClusterer,
    plan: _Plan,
    workers: int,
    committed: Callable[[], bool],
    spill: Path,
) -> _Outcome:
    """The decided events of the sweep of `plan`: in this process, or cut into segments swept
    by up to `workers` processes reading the database, if `committed()` says it holds what
    this transaction sees; the events wait in files of the directory `spill`."""
    cuts = _cuts(plan.swept_days(), workers)
    if cuts and committed():
        url = session.get_bind().engine.url.render_as_string(hide_password=False)
        return _sweep_segments(url, clusterer, plan, cuts, spill)
    sweep = clusterer.sweep(_records(session, plan.ids, plan.counted_only))
    return _Outcome.of(clusterer, sweep, spill / "all")


def _records(
    session: Session, ids: Sequence[int], counted_only: Sequence[bool]
) -> Iterator[tuple[ArticleRecord, bool]]:
    """The stored records of `ids` in that order, fetched a chunk at a time."""
    for start in range(0, len(ids), STREAM_CHUNK):
        chunk = ids[start : start + STREAM_CHUNK]
        records = {record.key: record for record in _load(session, Article.id.in_(chunk))}
        for key, counted in zip(chunk, counted_only[start : start + STREAM_CHUNK], strict=True):
            if key in records:  # deleted meanwhile: nothing to cluster
                yield records[key], counted


def _cuts(days: list[int], workers: int) -> list[date]:
    """The days that cut the sweep into up to `workers` segments of about as many dated
    articles to decide, at least SEGMENT_MIN_ARTICLES each (fewer segments when there are fewer
    distinct days; none for one worker)."""
    dated = [day for day in days if day]  # in sweep order: sorted
    workers = min(workers, len(dated) // max(SEGMENT_MIN_ARTICLES, 1))
    if workers < 2:
        return []
    cuts = {dated[len(dated) * k // workers] for k in range(1, workers)} - {dated[0]}
    return [date.fromordinal(cut) for cut in sorted(cuts)]


def _sweep_segments(
    url: str, clusterer: EventClusterer, plan: _Plan, cuts: list[date], spill: Path
) -> _Outcome:
    """The decided events of the sweep cut at `cuts`, each segment swept by its own process
    that appends them to a file in the directory `spill`; the components that cross a cut are
    joined here."""
    edges: list[date | None] = [None, *cuts, None]
    jobs = []
    for first, end in itertools.pairwise(edges):
        segment = clusterer.segment(first, end)
        entry = {
            day: segment.entry(date.fromordinal(day) if day else None) for day in set(plan.days)
        }
        ids, counted_only = [], []
        for key, day, counted in zip(plan.ids, plan.days, plan.counted_only, strict=True):
            how = entry[day]
            if how is not None:  # a record only counted in the plan is only counted here
                ids.append(key)
                counted_only.append(how or counted)
        jobs.append((segment, ids, counted_only))
    context = multiprocessing.get_context("spawn")  # no copy of this process's connections
    with ProcessPoolExecutor(len(jobs), mp_context=context) as pool:
        futures = [
            pool.submit(
                _sweep_segment, url, clusterer.config, segment, ids, counted, spill / str(n)
            )
            for n, (segment, ids, counted) in enumerate(jobs)
        ]
        results = [future.result() for future in futures]
    outcome = _Outcome()
    for decided, _ in results:
        outcome.extend(decided)
    joined = clusterer.join(component for _, components in results for component in components)
    outcome.extend(_Outcome.of(clusterer, joined))
    return outcome


def _sweep_segment(
    url: str,
    config: ClusterConfig,
    segment: Segment,
    ids: list[int],
    counted_only: list[bool],
    spill: Path,
) -> tuple[_Outcome, list[OpenComponent]]:
    """One segment's sweep, in a worker process with its own connection (read only); its
    decided events go to the file `spill`."""
    clusterer = EventClusterer(config)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            sweep = clusterer.sweep(_records(session, ids, counted_only), segment)
            outcome = _Outcome.of(clusterer, sweep, spill)
    finally:
        engine.dispose()
    return outcome, sweep.open_components


def _assign_event_ids(stored_ids: Iterable[list[int]]) -> list[int | None]:
    """The stored event id each event keeps (None: create one), given each event's stored ids
    in order of its first article: each takes the lowest of them still free."""
    chosen: list[int | None] = []
    used: set[int] = set()
    for stored in stored_ids:
        free = [e for e in stored if e not in used]
        chosen.append(free[0] if free else None)
        if free:
            used.add(free[0])
    return chosen


@dataclass
class _Decided:
    """One event of a run before its stored id is chosen: what its rows will be written with."""

    head: int  #: article id of its first-ranked member
    stored: list[int]  #: stored event ids of its members, lowest first
    #: per member: (id, old event_id, old duplicate_of, duplicate_of, score, reason as JSON
    #: text: smaller than the dict, and written as it is)
    members: list[tuple[int, int | None, Hashable | None, Hashable | None, float, str]]
    values: dict[str, Any]  #: the event row, without its id


#: decided events pickled together by `_Outcome`
PICKLE_CHUNK = 1000


class _Outcome:
    """The decided events of a sweep, kept pickled PICKLE_CHUNK at a time: in memory (an
    incremental run's), or appended to a file (`spill`: a rebuild's).

    As Python objects a rebuild's events took ~1.2 KB per article (1.2 GB at 1M articles, held
    by the workers and then by the parent); pickled, about a quarter, and in a file nothing: a
    worker's memory then stays flat and the parent reads the events back while writing. Only
    what choosing event ids needs stays in memory: each event's first article and stored ids
    (`heads`).
    """

    def __init__(self, spill: Path | None = None) -> None:
        self.heads: list[tuple[int, list[int]]] = []  #: (head, stored) per event, as added
        self._chunks: list[bytes] = []
        self._files: list[Path] = []
        self._spill = spill
        if spill is not None:
            spill.touch()
            self._files.append(spill)
        self._open: list[_Decided] = []

    @classmethod
    def of(
        cls, clusterer: EventClusterer, groups: Iterable[EventGroup], spill: Path | None = None
    ) -> _Outcome:
        outcome = cls(spill)
        for group in groups:
            outcome.add(_decided(clusterer, group))
        return outcome

    def add(self, event: _Decided) -> None:
        self.heads.append((event.head, event.stored))
        self._open.append(event)
        if len(self._open) >= PICKLE_CHUNK:
            self._seal()

    def extend(self, other: _Outcome) -> None:
        self._seal()
        other._seal()
        self.heads += other.heads
        self._chunks += other._chunks
        self._files += other._files

    def __len__(self) -> int:
        return len(self.heads)

    def __iter__(self) -> Iterator[_Decided]:
        """The events, unpickled a chunk at a time."""
        self._seal()
        for chunk in self._chunks:
            yield from pickle.loads(chunk)
        for path in self._files:
            with path.open("rb") as file:
                while True:
                    try:
                        events = pickle.load(file)
                    except EOFError:
                        break
                    yield from events

    def __getstate__(self) -> dict[str, Any]:
        self._seal()  # a worker's outcome travels pickled: no open list
        return self.__dict__

    def _seal(self) -> None:
        if not self._open:
            return
        if self._spill is None:
            self._chunks.append(pickle.dumps(self._open, pickle.HIGHEST_PROTOCOL))
        else:
            with self._spill.open("ab") as file:
                pickle.dump(self._open, file, pickle.HIGHEST_PROTOCOL)
        self._open = []


def _decided(clusterer: EventClusterer, group: EventGroup) -> _Decided:
    return _Decided(
        head=_article_id(group.key),
        stored=sorted({r.event_id for r in group.members if r.event_id is not None}),
        members=[
            (
                _article_id(record.key),
                record.event_id,
                record.duplicate_of,
                assignment.duplicate_of,
                assignment.score,
                orjson.dumps(assignment.reason).decode(),
            )
            for record, assignment in zip(group.members, group.assignments, strict=True)
        ],
        values=_event_values(clusterer, group),
    )


#: article rows per executemany UPDATE
WRITE_CHUNK = 5000


def _write(
    session: Session,
    outcome: _Outcome,
    pending: set[Hashable] | None,
    now: datetime | None,
    context: int = 0,
) -> ClusterReport:
    """Write the decided events: `pending` are the articles clustered for the first time (None:
    a rebuild, every article is pending and every event not kept is deleted); `context` is how
    many clustered articles were re-decided with them (for the report)."""
    now = now or datetime.now(UTC)
    rebuild = pending is None
    heads = sorted(outcome.heads)  # events in order of their first article (heads are unique)
    chosen = _assign_event_ids(stored for _, stored in heads)

    # Set-based writes: one INSERT for the new events, executemany UPDATEs for the articles
    # (a flush per event and an UPDATE statement per article dominated a 10k crawl's close).
    created = chosen.count(None)
    created_ids = iter(
        session.scalars(
            insert(Event).returning(Event.id, sort_by_parameter_order=True),
            [{"title": "", "article_count": 0, "outlet_count": 0, "top_terms": []}] * created,
        ).all()
        if created
        else []
    )
    event_of = {
        head: stored if stored is not None else next(created_ids)
        for (head, _), stored in zip(heads, chosen, strict=True)
    }

    touched: set[int] = set()
    old_ids: set[int] = set()
    #: values of events no written row has touched yet: a later row may still touch one, as
    #: its old event (an incremental run's unchanged events; a rebuild writes every row)
    untouched: dict[int, dict[str, Any]] = {}
    refreshed: list[dict[str, Any]] = []
    updated = articles = duplicates = 0

    def refresh(event_id: int, values: dict[str, Any]) -> None:
        nonlocal updated
        updated += 1
        refreshed.append(dict(values, id=event_id))
        if len(refreshed) >= WRITE_CHUNK:
            _update_by_id(session, Event, refreshed)
            refreshed.clear()

    writer = _ArticleWriter(session, now)
    for event in outcome:  # one pass: a rebuild's events are read back from files once
        event_id = event_of[event.head]
        for key, old_event, old_duplicate, duplicate_of, score, reason in event.members:
            articles += 1
            if old_event is not None:
                old_ids.add(old_event)
            is_pending = rebuild or key in pending  # type: ignore[operator]
            if is_pending and duplicate_of is not None:
                duplicates += 1
            if not (is_pending or old_event != event_id or old_duplicate != duplicate_of):
                continue
            touched.add(event_id)
            if old_event is not None:
                touched.add(old_event)
            writer.add(key, duplicate_of, event_id, score, reason, stamp=is_pending)
        if event_id in touched:
            refresh(event_id, event.values)
        else:
            untouched[event_id] = event.values
    writer.flush()
    for event_id in sorted(touched & untouched.keys()):
        refresh(event_id, untouched[event_id])
    if refreshed:
        _update_by_id(session, Event, refreshed)

    live = set(event_of.values())
    retired = old_ids - live
    if rebuild:  # a rebuild also drops events no article points to any more
        retired |= set(session.scalars(select(Event.id))) - live
    retired_ids = sorted(retired)
    for start in range(0, len(retired_ids), WRITE_CHUNK):
        chunk = retired_ids[start : start + WRITE_CHUNK]
        session.execute(delete(Event).where(Event.id.in_(chunk)))
    session.flush()
    return ClusterReport(
        pending=articles if rebuild else len(pending),  # type: ignore[arg-type]
        context=context,
        duplicates=duplicates,
        events_created=created,
        events_updated=updated - created,
        events_merged=len(retired),
        events_total=len(outcome),
    )


class _ArticleWriter:
    """The articles' new clustering columns, written WRITE_CHUNK rows per executemany.

    Rows go to the driver as they are: ids, numbers, the reason already JSON text and one
    processed timestamp, so SQLAlchemy builds no parameters per row (its executemany spent more
    Python per row than SQLite spent updating it). Pending rows also get `clustered_at`.
    """

    _COLUMNS = ("duplicate_of", "event_id", "event_score", "event_reason")

    def __init__(self, session: Session, now: datetime) -> None:
        self._connection = session.connection()
        dialect = self._connection.dialect
        column = Article.__table__.c.clustered_at
        process = column.type.bind_processor(dialect)
        self._stamp = process(now) if process else now
        marker = "?" if dialect.paramstyle == "qmark" else "%s"
        assignments = [f"{name} = {marker}" for name in self._COLUMNS]
        self._statements = {
            stamped: f"UPDATE articles SET {', '.join(assignments + stamp)} WHERE id = {marker}"
            for stamped, stamp in ((False, []), (True, [f"clustered_at = {marker}"]))
        }
        self._rows: dict[bool, list[tuple[Any, ...]]] = {False: [], True: []}

    def add(
        self,
        key: int,
        duplicate_of: Hashable | None,
        event_id: int,
        score: float,
        reason: str,
        *,
        stamp: bool,
    ) -> None:
        values = (duplicate_of, event_id, score, reason)
        rows = self._rows[stamp]
        rows.append((*values, self._stamp, key) if stamp else (*values, key))
        if len(rows) >= WRITE_CHUNK:
            self._execute(stamp)

    def flush(self) -> None:
        for stamped in self._rows:
            self._execute(stamped)

    def _execute(self, stamped: bool) -> None:
        rows = self._rows[stamped]
        if rows:
            self._connection.exec_driver_sql(self._statements[stamped], rows)
            rows.clear()


def _update_by_id(session: Session, model: type[Event], rows: list[dict[str, Any]]) -> None:
    """One executemany ``UPDATE … WHERE id = ?`` of rows with the same columns. Core, not the
    ORM's bulk UPDATE: that one spent ~0.15 ms of Python per row, a quarter of a rebuild."""
    table = model.metadata.tables[model.__tablename__]
    columns = [name for name in rows[0] if name != "id"]
    statement = (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values({name: bindparam(f"new_{name}") for name in columns})
    )
    session.execute(
        statement,
        [{"row_id": row["id"], **{f"new_{name}": row[name] for name in columns}} for row in rows],
    )


def _event_values(clusterer: EventClusterer, group: EventGroup) -> dict[str, Any]:
    """An event row recomputed from its members (title, date, place, counts, terms), no id."""
    members = group.members
    originals = [
        m for m, a in zip(members, group.assignments, strict=True) if a.duplicate_of is None
    ] or members
    representative = next((m for m in originals if m.title), originals[0])
    dates = Counter(
        m.features["event_date"]
        for m in members
        if m.features.get("event_date")
        and m.features.get("date_confidence", 0) >= clusterer.config.min_date_confidence
    )
    places = Counter(m.features["places"][0] for m in members if m.features.get("places"))
    published = [m.published_at for m in members if m.published_at is not None]
    return {
        "title": representative.title or _first_sentence(representative),
        "event_date": date.fromisoformat(_most_common(dates)) if dates else None,
        "place": _most_common(places)[:300] if places else None,
        "first_seen": min(published) if published else None,
        "last_seen": max(published) if published else None,
        "article_count": len(members),
        "outlet_count": len({m.outlet for m in members if m.outlet is not None}),
        "representative_article_id": _article_id(representative.key),
        "top_terms": clusterer.top_terms(members),
    }


def _article_id(key: Hashable) -> int:
    """The key of a stored record: its Article id (see `_record`)."""
    if not isinstance(key, int):
        raise TypeError(f"expected an article id, got {key!r}")
    return key


def _most_common(counts: Counter[str]) -> str:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[0][0]


def _first_sentence(record: ArticleRecord) -> str:
    people = record.features.get("people") or []
    places = record.features.get("places") or []
    parts = [p["name"] for p in people[:1]] + places[:1]
    return " — ".join(parts) or f"article {record.key}"


# -- files of articles (warta cluster / warta evaluate) ----------------------------------------
def _parse_datetime(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=WITA)


def records_from_rows(rows: Sequence[dict[str, Any]], hasher: MinHasher) -> list[ArticleRecord]:
    """Records of plain article dicts, ranked in the given order, made as the pipeline does."""
    texts = [str(row.get("text") or "") for row in rows]
    signatures = hasher.signatures_bytes(texts)
    records = []
    for position, (row, text_, signature) in enumerate(zip(rows, texts, signatures, strict=True)):
        published = _parse_datetime(row.get("published_at"))
        records.append(
            ArticleRecord(
                key=row["id"],
                rank=(position,),
                signature=signature,
                features=extract_features(row.get("title"), text_, published),
                outlet=row.get("outlet"),
                published_at=published,
                title=row.get("title"),
            )
        )
    return records


def cluster_rows(
    rows: Sequence[dict[str, Any]], config: ClusterConfig | None = None
) -> list[dict[str, Any]]:
    """`{"id", "event_id", "duplicate_of"}` per article, events numbered 1.. in file order."""
    clusterer = EventClusterer(config)
    keys = [row["id"] for row in rows]
    if len(set(keys)) != len(keys):
        raise ValueError("article ids must be unique")
    result = clusterer.cluster(records_from_rows(rows, clusterer.hasher))
    numbers: dict[Hashable, int] = {}
    out = []
    for row in rows:
        assignment = result.assignments[row["id"]]
        number = numbers.setdefault(assignment.event, len(numbers) + 1)
        out.append({"id": row["id"], "event_id": number, "duplicate_of": assignment.duplicate_of})
    return out
