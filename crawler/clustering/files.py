"""Clustering a file of articles with the stage's code, no database: `warta cluster` and
`warta evaluate` (one JSON object per article)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import date, datetime
from typing import Any

from dedupe.clustering import (
    ArticleRecord,
    ClusterConfig,
    EventClusterer,
)
from dedupe.dates import WITA
from dedupe.features import extract_features
from dedupe.signatures import MinHasher
from dedupe.stories import Storyteller, event_date, event_summary, story_day


def parse_datetime(value: Any) -> datetime | None:
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
        published = parse_datetime(row.get("published_at"))
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
    """`{"id", "event_id", "duplicate_of", "story_id"}` per article, events and stories
    numbered 1.. in file order."""
    clusterer = EventClusterer(config)
    keys = [row["id"] for row in rows]
    if len(set(keys)) != len(keys):
        raise ValueError("article ids must be unique")
    records = records_from_rows(rows, clusterer.hasher)
    result = clusterer.cluster(records)
    story_of = file_stories(clusterer.config, records, result.events)
    numbers: dict[Hashable, int] = {}
    story_numbers: dict[Hashable, int] = {}
    out = []
    for row in rows:
        assignment = result.assignments[row["id"]]
        number = numbers.setdefault(assignment.event, len(numbers) + 1)
        story = story_numbers.setdefault(story_of[assignment.event], len(story_numbers) + 1)
        out.append(
            {
                "id": row["id"],
                "event_id": number,
                "duplicate_of": assignment.duplicate_of,
                "story_id": story,
            }
        )
    return out


def file_stories(
    config: ClusterConfig, records: Sequence[ArticleRecord], events: dict[Hashable, list[Hashable]]
) -> dict[Hashable, Hashable]:
    """The story (its first event's key) of each event (its first article's key) of a file:
    events ordered by day and their lowest article id, as text (no file order)."""
    by_key = {record.key: record for record in records}
    summaries = []
    for key, member_keys in events.items():
        members = [by_key[member] for member in member_keys]
        published = [m.published_at for m in members if m.published_at is not None]
        day = story_day(
            event_date(members, config.min_date_confidence), min(published, default=None)
        )
        order = (day or date.min, min(str(member) for member in member_keys))
        summaries.append(
            event_summary(
                key,
                order,
                day,
                [m.features for m in members],
                [m.title for m in members],
                [m.outlet for m in members],
            )
        )
    return {
        event.key: story[0].key
        for story in Storyteller(config.story).stories(summaries)
        for event in story
    }
