"""dedupe.clustering: exact events on the seeds, quality on the development set, and the same
partition whatever the order or the batches the articles arrive in."""

from __future__ import annotations

import random
import subprocess
import sys
from collections.abc import Hashable, Sequence
from dataclasses import replace
from datetime import timedelta

import pytest

from crawler.clustering.devset import development_set
from dedupe.clustering import ArticleRecord, ClusterResult, EventClusterer
from dedupe.evaluation import bcubed
from dedupe.features import extract_features
from dedupe.signatures import MinHasher

HASHER = MinHasher()


def _records(articles) -> list[ArticleRecord]:  # type: ignore[no-untyped-def]
    return [
        ArticleRecord(
            key=a.id,
            rank=(i,),
            signature=HASHER.signature_bytes(a.text),
            features=extract_features(a.title, a.text, a.published_at),
            outlet=a.outlet,
            published_at=a.published_at,
        )
        for i, a in enumerate(articles)
    ]


def _partition(result: ClusterResult) -> set[frozenset[Hashable]]:
    return {frozenset(members) for members in result.events.values()}


@pytest.fixture(scope="module")
def dev_records():
    articles = development_set()
    if len(articles) < 20:
        pytest.skip("development set not found")
    return articles, _records(articles)


def test_seed_events(seeds_dir):
    from crawler.clustering.devset import seed_articles

    result = EventClusterer().cluster(_records(seed_articles(seeds_dir)))
    assert _partition(result) == {
        frozenset({"seed-000", "seed-001"}),
        frozenset({"seed-002"}),
        frozenset({"seed-003"}),
        frozenset({"seed-004"}),
    }
    # the link says why: the same date and the same named people
    reason = result.assignments["seed-001"].reason
    assert reason["date"] == "2024-07-09"
    assert "aris tri" in reason["matched"]


def test_development_set_quality(dev_records):
    articles, records = dev_records
    result = EventClusterer().cluster(records)
    predicted = {key: a.event for key, a in result.assignments.items()}
    scores = bcubed(predicted, {a.id: a.label for a in articles})
    assert scores.f1 >= 0.95, scores


def test_republications_are_duplicates_of_their_original(dev_records):
    articles, records = dev_records
    result = EventClusterer().cluster(records)
    by_id = {a.id: a for a in articles}
    checked = 0
    for key, assignment in result.assignments.items():
        if assignment.duplicate_of is not None:
            checked += 1
            assert by_id[key].label == by_id[assignment.duplicate_of].label
    assert checked > 0


def test_shuffled_input_gives_the_same_partition(dev_records):
    _, records = dev_records
    expected = _partition(EventClusterer().cluster(records))
    for seed in range(3):
        shuffled = list(records)
        random.Random(seed).shuffle(shuffled)
        assert _partition(EventClusterer().cluster(shuffled)) == expected


def _in_reach(clusterer: EventClusterer, record: ArticleRecord, bounds) -> bool:  # type: ignore[no-untyped-def]
    """The stage's selection: a rarity day within the bounds, or none (timeless)."""
    day = clusterer.rarity_day(record)
    return bounds is None or day is None or bounds[0] <= day <= bounds[1]


def _incremental(records: Sequence[ArticleRecord], batches: list[list[ArticleRecord]]):
    """Cluster batch after batch, each against what earlier batches stored (as the stage does:
    the articles within reach and their whole events re-decided, their rarity neighbourhoods
    completed by a background)."""
    clusterer = EventClusterer()
    stored: dict[Hashable, ArticleRecord] = {}
    next_id = 1
    radius = timedelta(days=clusterer.config.rarity_days)
    for batch in batches:
        bounds = clusterer.reach([clusterer.rarity_day(r) for r in batch])
        context = [r for r in stored.values() if _in_reach(clusterer, r, bounds)]
        events = {r.event_id for r in context}
        context += [r for r in stored.values() if r.event_id in events and r not in context]
        days = [d for d in map(clusterer.rarity_day, [*context, *batch]) if d is not None]
        around = (min(days) - radius, max(days) + radius) if days else None
        background = [
            r for r in stored.values() if r not in context and _in_reach(clusterer, r, around)
        ]
        result = clusterer.cluster(batch, context, background=background)
        used: set[int] = set()
        for head, members in result.events.items():
            event_id = result.assignments[head].event_id
            if event_id is None or event_id in used:  # a split event: one part keeps the id
                event_id, next_id = next_id, next_id + 1
            used.add(event_id)
            for key in members:
                record = stored.get(key) or next(r for r in batch if r.key == key)
                stored[key] = replace(
                    record, event_id=event_id, duplicate_of=result.assignments[key].duplicate_of
                )
    partition: dict[int, set[Hashable]] = {}
    for record in stored.values():
        partition.setdefault(record.event_id, set()).add(record.key)  # type: ignore[arg-type]
    return {frozenset(members) for members in partition.values()}


def test_incremental_equals_from_scratch(dev_records):
    _, records = dev_records
    expected = _partition(EventClusterer().cluster(records))
    # in publication order, a few articles per crawl run
    ordered = sorted(records, key=lambda r: (r.published_at is None, r.published_at or 0, r.rank))
    runs = [ordered[i : i + 7] for i in range(0, len(ordered), 7)]
    assert _incremental(records, runs) == expected
    # two workers' batches, interleaved at random
    shuffled = list(records)
    random.Random(7).shuffle(shuffled)
    assert _incremental(records, [shuffled[::2], shuffled[1::2]]) == expected


def test_dedupe_imports_neither_scrapy_nor_storage():
    code = (
        "import sys, dedupe.clustering, dedupe.evaluation, dedupe.features;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('scrapy', 'storage', 'crawler')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout + completed.stderr
