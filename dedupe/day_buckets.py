"""LSH band buckets for a time-ordered sweep: partitioned by day, dropped once the sweep passes.

Links only join articles a few days apart (the hard date rule), so the clusterer visits
articles in day order, asks each one for the articles already visited that share a band in the
partitions it may link to, then files it. A partition is one day of confident event dates or
one day of publication (undated articles); the `None` partition (timeless articles) is visited
first and kept. Memory follows the days still reachable, not the corpus, and a query touches
only the days the date rule allows, so candidate sets do not grow with the corpus.

Band keys are plain hashables (the bytes of a band of hash values, or a band's single value):
two articles are candidates exactly when datasketch's `MinHashLSH` with the same bands would
return them, i.e. when some band is equal.
"""

from __future__ import annotations

from collections.abc import Container, Hashable, Iterable
from datetime import date

#: ("date", day) for a confident event date, ("published", day) for an undated article,
#: None for a timeless one
Partition = tuple[str, date] | None


class DayBuckets:
    """Item ids filed under (band key, partition); whole partitions are dropped by day.

    Keyed by band first: a query looks each of its band keys up once and keeps the
    partitions it may reach, however many days the date rule spans."""

    def __init__(self) -> None:
        self._buckets: dict[Hashable, dict[Partition, list[int]]] = {}
        self._keys: dict[Partition, list[Hashable]] = {}  #: band keys filed per partition

    def add(self, partition: Partition, keys: Iterable[Hashable], item: int) -> None:
        filed = self._keys.setdefault(partition, [])
        for key in keys:
            by_partition = self._buckets.setdefault(key, {})
            bucket = by_partition.get(partition)
            if bucket is None:
                bucket = by_partition[partition] = []
                filed.append(key)
            bucket.append(item)

    def candidates(self, reach: Container[Partition] | None, keys: Iterable[Hashable]) -> set[int]:
        """Items sharing a band key with `keys` in the `reach` partitions (None: in all)."""
        found: set[int] = set()
        for key in keys:
            by_partition = self._buckets.get(key)
            if by_partition is None:
                continue
            for partition, bucket in by_partition.items():
                if reach is None or partition in reach:
                    found.update(bucket)
        return found

    def drop_before(self, day: date) -> None:
        """Forget the dated partitions before `day`."""
        gone = [p for p in self._keys if p is not None and p[1] < day]
        for partition in gone:
            for key in self._keys.pop(partition):
                by_partition = self._buckets[key]
                del by_partition[partition]
                if not by_partition:
                    del self._buckets[key]
