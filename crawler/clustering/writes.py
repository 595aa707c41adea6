"""What the clustering stage writes: decided events kept (spilled to files) until written,
event ids chosen, article rows and Event rows updated in executemany batches, and the report of
the run."""

from __future__ import annotations

import pickle
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from dedupe.clustering import (
    ArticleRecord,
    EventClusterer,
    EventGroup,
)
from dedupe.stories import event_date
from storage.models import Article, Event


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


def assign_event_ids(stored_ids: Iterable[list[int]]) -> list[int | None]:
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
class Decided:
    """One event of a run before its stored id is chosen: what its rows will be written with."""

    head: int  #: article id of its first-ranked member
    stored: list[int]  #: stored event ids of its members, lowest first
    #: per member: (id, old event_id, old duplicate_of, duplicate_of, score, reason as JSON
    #: text: smaller than the dict, and written as it is)
    members: list[tuple[int, int | None, Hashable | None, Hashable | None, float, str]]
    values: dict[str, Any]  #: the event row, without its id


#: decided events pickled together by `Outcome`
PICKLE_CHUNK = 1000


class Outcome:
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
        self._open: list[Decided] = []

    @classmethod
    def of(
        cls, clusterer: EventClusterer, groups: Iterable[EventGroup], spill: Path | None = None
    ) -> Outcome:
        outcome = cls(spill)
        for group in groups:
            outcome.add(decided(clusterer, group))
        return outcome

    def add(self, event: Decided) -> None:
        self.heads.append((event.head, event.stored))
        self._open.append(event)
        if len(self._open) >= PICKLE_CHUNK:
            self._seal()

    def extend(self, other: Outcome) -> None:
        self._seal()
        other._seal()
        self.heads += other.heads
        self._chunks += other._chunks
        self._files += other._files

    def __len__(self) -> int:
        return len(self.heads)

    def __iter__(self) -> Iterator[Decided]:
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


def decided(clusterer: EventClusterer, group: EventGroup) -> Decided:
    return Decided(
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


def write(
    session: Session,
    outcome: Outcome,
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
    chosen = assign_event_ids(stored for _, stored in heads)

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
    places = Counter(m.features["places"][0] for m in members if m.features.get("places"))
    published = [m.published_at for m in members if m.published_at is not None]
    return {
        "title": representative.title or _first_sentence(representative),
        "event_date": event_date(members, clusterer.config.min_date_confidence),
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
