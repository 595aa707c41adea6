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

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, insert, or_, select, text, update
from sqlalchemy.orm import Session

from dedupe.clustering import (
    ArticleRecord,
    ClusterConfig,
    ClusterResult,
    EventClusterer,
)
from dedupe.dates import MAX_AGE_DAYS, WITA
from dedupe.features import extract_features
from dedupe.signatures import MinHasher
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
    return ArticleRecord(
        key=row.id,
        rank=(row.id,),
        signature=row.signature,
        features=row.features or {},
        outlet=str(row.source_id),
        published_at=_aware(row.published_at),
        title=row.title,
        duplicate_of=row.duplicate_of,
        event_id=row.event_id,
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
    session: Session, config: ClusterConfig | None = None, now: datetime | None = None
) -> ClusterReport:
    """Cluster the pending articles into the events of their time window (see module doc)."""
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
    pending = _load(session, Article.clustered_at.is_(None))
    if not pending:
        return ClusterReport(0, 0, 0, 0, 0, 0, 0)
    context, background = _context(session, clusterer, pending)
    result = clusterer.cluster(pending, context, background=background)
    return _write(session, clusterer, result, pending, context, now)


def _load_days(
    session: Session, clusterer: EventClusterer, low: date, high: date
) -> list[ArticleRecord]:
    """Clustered articles whose rarity day is in [low, high], and every timeless one."""
    # a confident event date is at most MAX_AGE_DAYS before publication (dedupe.dates)
    start = datetime.combine(low, time.min, WITA)
    end = datetime.combine(high + timedelta(days=MAX_AGE_DAYS + 1), time.max, WITA)
    condition = Article.clustered_at.is_not(None) & or_(
        Article.published_at.between(start, end), Article.published_at.is_(None)
    )
    records = []
    for record in _load(session, condition):
        day = clusterer.rarity_day(record)
        if day is None or low <= day <= high:
            records.append(record)
    return records


def _context(
    session: Session, clusterer: EventClusterer, pending: Sequence[ArticleRecord]
) -> tuple[list[ArticleRecord], list[ArticleRecord]]:
    """(context to re-decide, background that only completes rarity neighbourhoods).

    The context is every clustered article whose links can change: those whose rarity
    neighbourhood holds a pending article, and those they can link to (within `rarity_days +
    window_days + 1` days of a pending rarity day), every timeless article (it may report any
    event), and whole events. The background completes the neighbourhoods of the context, so
    every weight is the one `recluster_all` computes over the whole corpus.
    """
    config = clusterer.config
    clustered = Article.clustered_at.is_not(None)
    bounds = clusterer.reach(pending)
    if bounds is None:  # a timeless article may report any stored event
        return _load(session, clustered), []
    records = _load_days(session, clusterer, *bounds)
    # whole events, so that an event is never judged on part of its members
    event_ids = {r.event_id for r in records if r.event_id is not None}
    known = {r.key for r in records}
    if event_ids:
        more = _load(session, clustered & Article.event_id.in_(event_ids))
        records += [r for r in more if r.key not in known]
        known |= {r.key for r in more}
    dated = [d for d in (clusterer.rarity_day(r) for r in [*records, *pending]) if d is not None]
    radius = timedelta(days=config.rarity_days)
    background = [
        r
        for r in _load_days(session, clusterer, min(dated) - radius, max(dated) + radius)
        if r.key not in known
    ]
    return records, background


def recluster_all(
    session: Session, config: ClusterConfig | None = None, now: datetime | None = None
) -> ClusterReport:
    """Rebuild every duplicate group and event from the stored signatures and features.

    Event ids are kept where an event keeps members (the lowest old id of its members).
    """
    clusterer = EventClusterer(config)
    lock_clustering(session)
    missing = session.scalars(
        select(Article.id).where(or_(Article.signature.is_(None), Article.features.is_(None)))
    ).all()
    if missing:
        _fill_missing(session, clusterer.hasher, missing)
    stored = _load(session, Article.id.is_not(None))
    fresh = [
        ArticleRecord(r.key, r.rank, r.signature, r.features, r.outlet, r.published_at, r.title)
        for r in stored
    ]
    result = clusterer.cluster(fresh)
    return _write(session, clusterer, result, fresh, [], now, previous=stored)


def _assign_event_ids(
    result: ClusterResult, previous_event: dict[Hashable, int | None]
) -> dict[Hashable, int | None]:
    """Event key → stored event id to reuse (None: create), each stored id used once."""
    chosen: dict[Hashable, int | None] = {}
    used: set[int] = set()
    for head in sorted(result.events, key=lambda key: _article_id(result.events[key][0])):
        stored = (previous_event.get(member) for member in result.events[head])
        candidates = sorted({e for e in stored if e is not None} - used)
        chosen[head] = candidates[0] if candidates else None
        if candidates:
            used.add(candidates[0])
    return chosen


def _write(
    session: Session,
    clusterer: EventClusterer,
    result: ClusterResult,
    pending: Sequence[ArticleRecord],
    context: Sequence[ArticleRecord],
    now: datetime | None,
    previous: Sequence[ArticleRecord] | None = None,
) -> ClusterReport:
    now = now or datetime.now(UTC)
    before = {r.key: r for r in (previous if previous is not None else [*context, *pending])}
    records = {r.key: r for r in [*context, *pending]}
    pending_keys = {r.key for r in pending}
    chosen = _assign_event_ids(result, {k: r.event_id for k, r in before.items()})

    # Set-based writes: one INSERT for the new events, one executemany UPDATE for the articles
    # (a flush per event and an UPDATE statement per article dominated a 10k crawl's close).
    new_heads = [head for head in result.events if chosen[head] is None]
    created_ids = (
        session.scalars(
            insert(Event).returning(Event.id, sort_by_parameter_order=True),
            [{"title": "", "article_count": 0, "outlet_count": 0, "top_terms": []}]
            * len(new_heads),
        ).all()
        if new_heads
        else []
    )
    created = len(created_ids)
    event_ids: dict[Hashable, int] = {
        head: chosen_id for head, chosen_id in chosen.items() if chosen_id is not None
    }
    event_ids.update(zip(new_heads, created_ids, strict=True))

    touched: set[int] = set()
    duplicates = 0
    changes: dict[bool, list[dict[str, Any]]] = {True: [], False: []}  # by clustered_at set
    for key, assignment in result.assignments.items():
        event_id = event_ids[assignment.event]
        old = before.get(key)
        changed = (
            key in pending_keys
            or old is None
            or old.event_id != event_id
            or old.duplicate_of != assignment.duplicate_of
        )
        if key in pending_keys and assignment.duplicate_of is not None:
            duplicates += 1
        if not changed:
            continue
        touched.add(event_id)
        if old is not None and old.event_id is not None:
            touched.add(old.event_id)
        values: dict[str, Any] = {
            "id": key,
            "duplicate_of": assignment.duplicate_of,
            "event_id": event_id,
            "event_score": assignment.score,
            "event_reason": assignment.reason,
        }
        stamped = key in pending_keys or previous is not None
        if stamped:
            values["clustered_at"] = now
        changes[stamped].append(values)
    for rows in changes.values():
        if rows:  # ORM bulk UPDATE by primary key: one statement, executemany
            session.execute(update(Article), rows)

    live = set(event_ids.values())
    retired = {
        r.event_id for r in before.values() if r.event_id is not None and r.event_id not in live
    }
    if previous is not None:  # a rebuild also drops events no article points to any more
        retired |= set(session.scalars(select(Event.id))) - live
    refreshed = [
        _event_values(clusterer, event_ids[head], [records[m] for m in members], result)
        for head, members in result.events.items()
        if event_ids[head] in touched
    ]
    if refreshed:
        session.execute(update(Event), refreshed)
    updated = len(refreshed)
    if retired:
        session.execute(delete(Event).where(Event.id.in_(sorted(retired))))
    session.flush()
    return ClusterReport(
        pending=len(pending) if previous is None else len(before),
        context=len(context),
        duplicates=duplicates,
        events_created=created,
        events_updated=updated - created,
        events_merged=len(retired),
        events_total=len(result.events),
    )


def _event_values(
    clusterer: EventClusterer,
    event_id: int,
    members: list[ArticleRecord],
    result: ClusterResult,
) -> dict[str, Any]:
    """An event row recomputed from its members (title, date, place, counts, terms)."""
    members = sorted(members, key=lambda r: r.rank)
    originals = [m for m in members if result.assignments[m.key].duplicate_of is None] or members
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
        "id": event_id,
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
