"""Average linkage over a component: an article joins an event only when it fits the event as
a whole, not one member of it.

Single linkage (the connected components of pairwise links) chains at real density: A–B and
B–C link, A and C share nothing, and a day of national news becomes one "event" of hundreds of
articles (issue 15). Within each component of links, a group is one event only when the mean
pair score over *all* its article pairs — each pair scored exactly, linked or not — reaches a
bar that rises with its size (UPGMA, scipy; the bar in `ClusterConfig.event_cohesion`): chance
similarity accumulates over many pairs, and a real day of news holds stories of a hundred
articles that share their names and words without being one happening. Pairs that can never be
one event (two confident dates, headlines with different figures) hold a distance no mean can
overcome.

Deterministic: the pair scores come from matrices over the component's sorted vocabulary (no
string hashing), and scipy breaks ties by the order of the members (rank order).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
from scipy.cluster.hierarchy import linkage, to_tree
from scipy.sparse import csr_array

#: the distance of a pair that can never be in one event: a mean over a million pairs holding
#: it still exceeds every cut (scores are at most ~2)
NEVER = 1e9


def cosine_matrix(vectors: Sequence[Mapping[str, float]], norms: Sequence[float]) -> np.ndarray:
    """Dense cosines of weighted vectors, over their sorted vocabulary (process-independent)."""
    vocabulary = {key: column for column, key in enumerate(sorted(set().union(*vectors)))}
    indptr = np.zeros(len(vectors) + 1, dtype=np.int64)
    np.cumsum([len(v) for v in vectors], out=indptr[1:])
    columns = np.fromiter(
        (vocabulary[key] for v in vectors for key in sorted(v)), dtype=np.int64, count=indptr[-1]
    )
    values = np.fromiter(
        (v[key] / norm for v, norm in zip(vectors, norms, strict=True) for key in sorted(v)),
        dtype=np.float64,
        count=indptr[-1],
    )
    matrix = csr_array((values, columns, indptr), shape=(len(vectors), max(1, len(vocabulary))))
    return (matrix @ matrix.T).toarray()


def cohesive_groups(
    scores: np.ndarray, never: np.ndarray, min_mean: Callable[[list[int]], float]
) -> list[int]:
    """The group (its lowest member index) of each of n items, from their symmetric pair
    `scores` (n×n) and the pairs that may `never` be together.

    The UPGMA tree is cut from the top: a node is one group when the mean score over its pairs
    reaches `min_mean(its members)`, else its two children are looked at in turn.
    """
    count = len(scores)
    if count == 1:
        return [0]
    if count == 2:  # one node: no tree to build
        together = not never[0, 1] and scores[0, 1] >= min_mean([0, 1])
        return [0, 0] if together else [0, 1]
    distance = np.where(never, NEVER, 1.0 - scores)
    np.fill_diagonal(distance, 0.0)
    condensed = np.maximum(distance[np.triu_indices(count, k=1)], 0.0)
    labels = [0] * count
    stack = [to_tree(linkage(condensed, method="average"))]
    while stack:
        node = stack.pop()
        members = node.pre_order()
        if node.is_leaf() or 1.0 - node.dist >= min_mean(members):
            first = min(members)
            for member in members:
                labels[member] = first
        else:
            stack += [node.right, node.left]
    return labels
