"""Union-find whose components remember their event date and refuse to merge across dates.

This is the hard date rule at the level of whole components: an undated article may link to two
events, but it cannot make an event of 9 July and an event of 16 July one. Merges are requested
in a canonical order (strongest link first, ties by the articles' ranks), so the result does not
depend on the order in which articles arrived.
"""

from __future__ import annotations

from datetime import date


class DatedUnionFind:
    """Components over 0..n-1; each carries the set of confident event dates of its members."""

    def __init__(self, dates: list[date | None], tolerance_days: int = 0) -> None:
        self._parent = list(range(len(dates)))
        self._dates: list[frozenset[date]] = [
            frozenset((d,)) if d is not None else frozenset() for d in dates
        ]
        self.tolerance_days = tolerance_days

    def find(self, item: int) -> int:
        root = item
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[item] != root:  # path compression
            self._parent[item], item = root, self._parent[item]
        return root

    def dates(self, item: int) -> frozenset[date]:
        return self._dates[self.find(item)]

    def compatible(self, a: int, b: int) -> bool:
        """True when the components of `a` and `b` hold no two dates further apart than allowed."""
        left, right = self.dates(a), self.dates(b)
        return all(abs((x - y).days) <= self.tolerance_days for x in left for y in right)

    def union(self, a: int, b: int, force: bool = False) -> bool:
        """Merge the components of `a` and `b` unless their dates conflict (or `force`)."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return True
        if not force and not self.compatible(root_a, root_b):
            return False
        # the lower index becomes the root: deterministic whatever the call order
        low, high = min(root_a, root_b), max(root_a, root_b)
        self._parent[high] = low
        self._dates[low] = self._dates[low] | self._dates[high]
        return True

    def groups(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for item in range(len(self._parent)):
            out.setdefault(self.find(item), []).append(item)
        return out
