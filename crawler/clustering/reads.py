"""What the clustering stage reads: stored rows as records, rarity days, and the plan of a run
(which articles are re-decided, which only counted), streamed a chunk at a time."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from dedupe.clustering import (
    ArticleRecord,
    EventClusterer,
)
from dedupe.dates import MAX_AGE_DAYS, WITA
from dedupe.features import FEATURES_VERSION, extract_features
from dedupe.signatures import MinHasher
from storage.models import Article

COLUMNS = (
    Article.id,
    Article.source_id,
    Article.published_at,
    Article.title,
    Article.signature,
    Article.features,
    Article.duplicate_of,
    Article.event_id,
)


def record_of_row(row: Any) -> ArticleRecord:
    """The record of a row of `COLUMNS` (unpacked: a named look-up per field cost more)."""
    key, source_id, published_at, title, signature, features, duplicate_of, event_id = row
    return ArticleRecord(
        key=key,
        rank=(key,),
        signature=signature,
        features=features or {},
        outlet=str(source_id),
        published_at=aware(published_at),
        title=title,
        duplicate_of=duplicate_of,
        event_id=event_id,
    )


def aware(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes for timezone columns; they were stored as UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def outdated() -> Any:
    """Stored articles without a signature, or without features of this FEATURES_VERSION (made
    by an older Warta: `recluster_all` recomputes them, docs/EVENTS.md "Stored state")."""
    version = func.coalesce(Article.features["version"].as_integer(), 0)
    return or_(
        Article.signature.is_(None), Article.features.is_(None), version != FEATURES_VERSION
    )


def fill_missing(session: Session, hasher: MinHasher, ids: Iterable[int]) -> None:
    """Sign and featurise stored articles that reached the database without, or with features
    of an older version (older rows)."""
    for article in session.scalars(select(Article).where(Article.id.in_(list(ids)))):
        if article.signature is None:
            article.signature = hasher.signature_bytes(article.text)
        if (article.features or {}).get("version") != FEATURES_VERSION:
            article.features = extract_features(
                article.title, article.text, aware(article.published_at)
            )
    session.flush()


def load(session: Session, condition: Any) -> list[ArticleRecord]:
    return [record_of_row(row) for row in session.execute(select(*COLUMNS).where(condition))]


#: articles whose rarity-day rows are read per query
STREAM_CHUNK = 2000


def rarity_days(
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
            published_at=aware(published),
        )
        day = clusterer.rarity_day(stub)
        days[key] = day.toordinal() if day is not None else 0
    return days


def days_between(
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
    found = rarity_days(session, clusterer, condition, event_of)
    return {key: day for key, day in found.items() if day == 0 or low <= day <= high}


@dataclass(frozen=True)
class Plan:
    """What one sweep reads, in sweep order (timeless first, then by rarity day and id)."""

    ids: list[int]
    days: list[int]  #: rarity-day ordinals, 0 for timeless
    counted_only: list[bool]  #: completes rarity neighbourhoods, never linked or written

    @classmethod
    def of(cls, days: dict[int, int], counted: set[int]) -> Plan:
        ids = np.fromiter(days, dtype=np.int64, count=len(days))
        ordinals = np.fromiter(days.values(), dtype=np.int64, count=len(days))
        order = np.lexsort((ids, ordinals))
        keys = ids[order].tolist()
        return cls(keys, ordinals[order].tolist(), [key in counted for key in keys])

    def swept_days(self) -> list[int]:
        """The days of the records the sweep decides, in order."""
        pairs = zip(self.days, self.counted_only, strict=True)
        return [day for day, counted in pairs if not counted]


def pending_plan(
    session: Session, clusterer: EventClusterer, pending: dict[int, int]
) -> tuple[Plan, int]:
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
        context = rarity_days(session, clusterer, clustered)
        return Plan.of(context | pending, set()), len(context)
    low, high = (day.toordinal() for day in bounds)
    radius = clusterer.config.rarity_days
    event_of: dict[int, int] = {}
    read = days_between(session, clusterer, low - radius, high + radius, event_of)
    context = {key: day for key, day in read.items() if day == 0 or low <= day <= high}
    # whole events, so that an event is never judged on part of its members
    event_ids = sorted({event_of[key] for key in context if key in event_of})
    for start in range(0, len(event_ids), STREAM_CHUNK):
        condition = clustered & Article.event_id.in_(event_ids[start : start + STREAM_CHUNK])
        members = session.scalars(select(Article.id).where(condition)).all()
        unread = [key for key in members if key not in read]  # most were read with the days
        for chunk in range(0, len(unread), STREAM_CHUNK):
            ids = unread[chunk : chunk + STREAM_CHUNK]
            read.update(rarity_days(session, clusterer, Article.id.in_(ids)))
        context.update((key, read[key]) for key in members if key in read)
    dated = [day for day in (*context.values(), *pending.values()) if day]
    first, last = min(dated) - radius, max(dated) + radius
    for edge_low, edge_high in ((first, low - radius - 1), (high + radius + 1, last)):
        if edge_low <= edge_high:  # neighbourhoods of event members beyond the first read
            read.update(days_between(session, clusterer, edge_low, edge_high))
    background = {
        key: day for key, day in read.items() if key not in context and day and first <= day <= last
    }
    return Plan.of(pending | context | background, set(background)), len(context)


def stream_records(
    session: Session, ids: Sequence[int], counted_only: Sequence[bool]
) -> Iterator[tuple[ArticleRecord, bool]]:
    """The stored records of `ids` in that order, fetched a chunk at a time."""
    for start in range(0, len(ids), STREAM_CHUNK):
        chunk = ids[start : start + STREAM_CHUNK]
        records = {record.key: record for record in load(session, Article.id.in_(chunk))}
        for key, counted in zip(chunk, counted_only[start : start + STREAM_CHUNK], strict=True):
            if key in records:  # deleted meanwhile: nothing to cluster
                yield records[key], counted
