"""Connected components of the links a sweep has found, handed back whole once closed.

Links join articles a few days apart at most, so once the sweep has moved further than that
past a component's last day, no later article can join it: the component is closed, decided
(dedupe.clustering) and forgotten. Memory follows the open components, not the corpus. A
component holding a timeless article stays open to the end (any article may link to it).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Generic, Protocol, TypeVar


class Indexed(Protocol):
    @property
    def index(self) -> int: ...


Member = TypeVar("Member", bound=Indexed)
Link = TypeVar("Link")

#: the last day of a component holding a timeless member: it never closes early
OPEN_TO_THE_END = date.max


class LinkGraph(Generic[Member, Link]):
    """Union-find over members (by their `index`); each root keeps members, links, last day."""

    def __init__(self) -> None:
        self._parent: dict[int, int] = {}
        self._members: dict[int, list[Member]] = {}
        self._links: dict[int, list[Link]] = {}
        self._last: dict[int, date] = {}

    def __len__(self) -> int:
        """Open components."""
        return len(self._members)

    def add(self, member: Member, day: date | None) -> None:
        """A new component of one member (`day` None: timeless)."""
        index = member.index
        self._parent[index] = index
        self._members[index] = [member]
        self._links[index] = []
        self._last[index] = OPEN_TO_THE_END if day is None else day

    def _find(self, index: int) -> int:
        parent = self._parent
        root = index
        while parent[root] != root:
            root = parent[root]
        while parent[index] != root:  # path compression
            parent[index], index = root, parent[index]
        return root

    def link(self, a: Member, b: Member, link: Link) -> None:
        """Record `link` between two open members, joining their components."""
        root_a, root_b = self._find(a.index), self._find(b.index)
        if root_a != root_b:
            if len(self._members[root_a]) < len(self._members[root_b]):
                root_a, root_b = root_b, root_a
            self._parent[root_b] = root_a
            self._members[root_a] += self._members.pop(root_b)
            self._links[root_a] += self._links.pop(root_b)
            self._last[root_a] = max(self._last[root_a], self._last.pop(root_b))
        self._links[root_a].append(link)

    def close(self, member: Member, day: date) -> tuple[list[Member], list[Link]] | None:
        """`member` (of `day`) is out of reach: its component, when that was its last day."""
        if member.index not in self._parent:  # its component closed already
            return None
        root = self._find(member.index)
        if day < self._last[root]:
            return None
        return self._pop(root)

    def close_all(self) -> Iterator[tuple[list[Member], list[Link]]]:
        """Every open component (the sweep has ended), oldest root first."""
        for root in sorted(self._members):
            yield self._pop(root)

    def _pop(self, root: int) -> tuple[list[Member], list[Link]]:
        members = self._members.pop(root)
        for member in members:
            del self._parent[member.index]
        del self._last[root]
        return members, self._links.pop(root)
