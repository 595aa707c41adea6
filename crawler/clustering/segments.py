"""A sweep cut into segments of days, each swept by its own process reading the database
itself; their open components joined (docs/EVENTS.md, "One streaming sweep")."""

from __future__ import annotations

import itertools
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from crawler.clustering.reads import Plan, stream_records
from crawler.clustering.writes import Outcome
from dedupe.clustering import (
    ClusterConfig,
    EventClusterer,
    OpenComponent,
    Segment,
)
from storage.database import make_engine

SEGMENT_MIN_ARTICLES = 10_000


def cuts(days: list[int], workers: int) -> list[date]:
    """The days that cut the sweep into up to `workers` segments of about as many dated
    articles to decide, at least SEGMENT_MIN_ARTICLES each (fewer segments when there are fewer
    distinct days; none for one worker)."""
    dated = [day for day in days if day]  # in sweep order: sorted
    workers = min(workers, len(dated) // max(SEGMENT_MIN_ARTICLES, 1))
    if workers < 2:
        return []
    cuts = {dated[len(dated) * k // workers] for k in range(1, workers)} - {dated[0]}
    return [date.fromordinal(cut) for cut in sorted(cuts)]


def sweep_segments(
    url: str, clusterer: EventClusterer, plan: Plan, cuts: list[date], spill: Path
) -> Outcome:
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
    outcome = Outcome()
    for decided, _ in results:
        outcome.extend(decided)
    joined = clusterer.join(component for _, components in results for component in components)
    outcome.extend(Outcome.of(clusterer, joined))
    return outcome


def _sweep_segment(
    url: str,
    config: ClusterConfig,
    segment: Segment,
    ids: list[int],
    counted_only: list[bool],
    spill: Path,
) -> tuple[Outcome, list[OpenComponent]]:
    """One segment's sweep, in a worker process with its own connection (read only); its
    decided events go to the file `spill`."""
    clusterer = EventClusterer(config)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            sweep = clusterer.sweep(stream_records(session, ids, counted_only), segment)
            outcome = Outcome.of(clusterer, sweep, spill)
    finally:
        engine.dispose()
    return outcome, sweep.open_components
