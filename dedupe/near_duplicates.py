"""Near-duplicates: the same text republished (new dateline, an inserted sentence, a changed last
paragraph) found with a MinHash LSH index and verified by the signatures' estimated Jaccard.

Candidates come from datasketch's `MinHashLSH` (banding tuned to the threshold); a candidate is
kept only when the estimated Jaccard of the two 3-shingle signatures reaches the threshold, so
the LSH's false positives never reach the groups. Identical texts have Jaccard 1 and always
group; empty texts never do (their signatures are all-max and would match each other).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping

from datasketch import LeanMinHash, MinHashLSH

from dedupe.signatures import is_empty

#: Republished releases score ~0.76 on 3-shingles (issue 3); rewrites of one event < 0.1.
DEFAULT_THRESHOLD = 0.5


class NearDuplicateIndex:
    """A MinHash LSH index of text signatures that answers "which stored texts is this one?"."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, num_perm: int = 128) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {threshold!r}")
        self.threshold = threshold
        self.num_perm = num_perm
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._minhashes: dict[Hashable, LeanMinHash] = {}

    def __len__(self) -> int:
        return len(self._minhashes)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._minhashes

    def add(self, key: Hashable, minhash: LeanMinHash) -> None:
        """Index a signature; empty signatures are ignored (an empty text duplicates nothing)."""
        if key in self._minhashes or is_empty(minhash):
            return
        self._lsh.insert(key, minhash)
        self._minhashes[key] = minhash

    def matches(
        self, minhash: LeanMinHash, exclude: Hashable = None
    ) -> list[tuple[Hashable, float]]:
        """Indexed keys whose estimated Jaccard with `minhash` reaches the threshold."""
        if is_empty(minhash):
            return []
        found = []
        for key in self._lsh.query(minhash):
            if key == exclude:
                continue
            similarity = minhash.jaccard(self._minhashes[key])
            if similarity >= self.threshold:
                found.append((key, similarity))
        return found


def duplicate_pairs(
    signatures: Mapping[Hashable, LeanMinHash],
    threshold: float = DEFAULT_THRESHOLD,
    queries: Iterable[Hashable] | None = None,
    num_perm: int = 128,
) -> list[tuple[Hashable, Hashable, float]]:
    """Verified near-duplicate pairs among `signatures`, each pair once.

    With `queries`, only pairs involving those keys are searched (an incremental run);
    otherwise every key is a query.
    """
    index = NearDuplicateIndex(threshold, num_perm)
    for key, minhash in signatures.items():
        index.add(key, minhash)
    seen: dict[frozenset[Hashable], tuple[Hashable, Hashable, float]] = {}
    for key in signatures if queries is None else queries:
        for other, similarity in index.matches(signatures[key], exclude=key):
            seen.setdefault(frozenset((key, other)), (key, other, similarity))
    return list(seen.values())


def band_ranges(threshold: float = DEFAULT_THRESHOLD, num_perm: int = 128) -> list[tuple[int, int]]:
    """The (start, end) hash-value slices `NearDuplicateIndex` bands by (datasketch's choice):
    two signatures are its candidates exactly when one of these slices is equal."""
    return [(start, end) for start, end in MinHashLSH(threshold, num_perm).hashranges]
