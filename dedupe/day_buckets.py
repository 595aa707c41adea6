"""LSH band buckets for a time-ordered sweep: partitioned by day, dropped once the sweep passes.

Links only join articles a few days apart (the hard date rule), so the clusterer visits
articles in day order, asks each one for the articles already visited that share a band in the
partitions it may link to, then files it. A partition is one day of confident event dates or
one day of publication (undated articles); the `None` partition (timeless articles) is visited
first and kept. Days are filed in epochs of a few days, dropped whole once the sweep has
passed them. Memory follows the days still reachable, not the corpus, and a query keeps only
the days the date rule allows, so candidate sets do not grow with the corpus.

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


#: what a band key holds in an epoch: (partition, item) while one item has it (most keys: a
#: tuple takes a fifth of a dict holding a list), else partition → items
_Filed = tuple[Partition, int] | dict[Partition, list[int]]


class DayBuckets:
    """Item ids filed under (band key, partition), in epochs of `span_days` days dropped whole.

    Keyed by band first within an epoch: a query looks each of its band keys up once per live
    epoch and keeps the partitions it may reach, however many days the date rule spans.
    Dropping an epoch is one deletion, where dropping a day visited every key filed that day."""

    def __init__(self, span_days: int) -> None:
        if span_days < 1:
            raise ValueError(f"span_days must be >= 1, got {span_days!r}")
        self.span_days = span_days
        #: epoch (day ordinal // span_days; None: timeless) → band key → what it holds
        self._epochs: dict[int | None, dict[Hashable, _Filed]] = {}

    def add(self, partition: Partition, keys: Iterable[Hashable], item: int) -> None:
        number = None if partition is None else partition[1].toordinal() // self.span_days
        epoch = self._epochs.setdefault(number, {})
        for key in keys:
            filed = epoch.get(key)
            if filed is None:
                epoch[key] = (partition, item)
            elif isinstance(filed, tuple):
                first_partition, first_item = filed
                if first_partition == partition:
                    epoch[key] = {partition: [first_item, item]}
                else:
                    epoch[key] = {first_partition: [first_item], partition: [item]}
            else:
                bucket = filed.get(partition)
                if bucket is None:
                    filed[partition] = [item]
                else:
                    bucket.append(item)

    def candidates(self, reach: Container[Partition] | None, keys: Iterable[Hashable]) -> set[int]:
        """Items sharing a band key with `keys` in the `reach` partitions (None: in all)."""
        found: set[int] = set()
        epochs = list(self._epochs.values())
        for key in keys:
            for epoch in epochs:
                filed = epoch.get(key)
                if filed is None:
                    continue
                if isinstance(filed, tuple):
                    if reach is None or filed[0] in reach:
                        found.add(filed[1])
                    continue
                for partition, bucket in filed.items():
                    if reach is None or partition in reach:
                        found.update(bucket)
        return found

    def drop_before(self, day: date) -> None:
        """Forget the epochs that end before `day` (a later query never reaches them)."""
        first_kept = day.toordinal() // self.span_days
        for number in [n for n in self._epochs if n is not None and n < first_kept]:
            del self._epochs[number]
