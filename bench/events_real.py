"""Event clustering measured on real news: judged pairs, Warta against a TF-IDF baseline.

Real articles come with no event labels, so quality is measured as JUDGING.md says: pairs are
sampled, read and judged against the rules of docs/EVENTS.md ("Judging"), and the verdicts
(ids, verdict, reason; never the texts) are committed in `bench/judgements/`.

- precision of a system: a uniform seeded sample of the pairs it puts in one event;
- recall: a pool of pairs published within a day of each other, sampled evenly from strata of
  TF-IDF cosine, judged, and weighted by the size of each stratum (pairs below the lowest
  stratum are taken as different events, an assumption the figures state); and the pooled
  recall over every pair judged "same" (strata and both systems' samples).

The baseline is the classic one: TF-IDF cosine of title and text, average linkage, articles
published more than a day apart never in one cluster (scikit-learn).

    python bench/events_real.py packets --out /tmp/packets   # pairs still to judge, as packets
    python bench/events_real.py score                        # the table, from the verdicts
    python bench/events_real.py score --stories              # the story level's table
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.clustering.devset import read_jsonl  # noqa: E402
from crawler.clustering.stage import cluster_rows  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SET = PROJECT_ROOT.parent / "shared" / "datasets" / "indonews-dev" / "articles.jsonl"
VERDICTS = PROJECT_ROOT / "bench" / "judgements" / "events-dev.tsv"
#: TF-IDF cosine strata of the recall pool (JUDGING.md)
STRATA = (0.06, 0.12, 0.2, 0.3, 0.45, 1.01)
#: the baseline links clusters whose average TF-IDF cosine is at least this (fixed a priori,
#: the usual cut of news-event detection with TF-IDF; not tuned on the verdicts)
BASELINE_MIN_COSINE = 0.3
#: "published within a day of each other", in seconds
DAY = 24 * 3600
#: how much of each article a judge reads
EXCERPT = 900

Pair = tuple[str, str]


def pair(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


@dataclass(frozen=True)
class Corpus:
    rows: list[dict[str, Any]]
    ids: list[str]
    times: np.ndarray  #: POSIX seconds, NaN when undated
    similarity: np.ndarray  #: dense TF-IDF cosine matrix

    @classmethod
    def load(cls, path: Path) -> Corpus:
        from sklearn.feature_extraction.text import TfidfVectorizer

        rows = read_jsonl(path)
        texts = [f"{row.get('title') or ''}\n{row.get('text') or ''}" for row in rows]
        matrix = TfidfVectorizer(sublinear_tf=True, min_df=2).fit_transform(texts)
        times = np.array([_timestamp(row.get("published_at")) for row in rows], dtype=float)
        similarity = (matrix @ matrix.T).toarray()
        return cls(rows, [str(row["id"]) for row in rows], times, similarity)

    def within_a_day(self) -> np.ndarray:
        gap = np.abs(self.times[:, None] - self.times[None, :])
        return np.nan_to_num(gap, nan=np.inf) <= DAY


def _timestamp(value: Any) -> float:
    return datetime.fromisoformat(value).timestamp() if value else float("nan")


def baseline_partition(corpus: Corpus) -> dict[str, int]:
    """TF-IDF cosine, average linkage, nothing published more than a day apart together."""
    from sklearn.cluster import AgglomerativeClustering

    distance = 1.0 - corpus.similarity
    distance[~corpus.within_a_day()] = 10.0  # an average over such a pair cannot reach the cut
    np.fill_diagonal(distance, 0.0)
    labels = AgglomerativeClustering(
        n_clusters=None,
        metric="precomputed",
        linkage="average",
        distance_threshold=1.0 - BASELINE_MIN_COSINE,
    ).fit_predict(distance)
    return dict(zip(corpus.ids, (int(label) for label in labels), strict=True))


def warta_partition(corpus: Corpus) -> dict[str, int]:
    return {row["id"]: row["event_id"] for row in cluster_rows(corpus.rows)}


def same_event_pairs(partition: dict[str, int]) -> list[Pair]:
    members: dict[int, list[str]] = {}
    for key, event in partition.items():
        members.setdefault(event, []).append(key)
    return sorted(pair(a, b) for group in members.values() for a, b in combinations(group, 2))


def uniform_sample(pairs: Sequence[Pair], size: int, seed: int) -> list[Pair]:
    """`size` pairs drawn uniformly: those first in a seeded hash order. A pair keeps its place
    whatever else is linked, so after a change of the algorithm the sample keeps the verdicts
    of the pairs still linked and only the new ones need judging."""
    ranked = sorted(
        pairs, key=lambda p: hashlib.sha256(f"{seed}\t{p[0]}\t{p[1]}".encode()).digest()
    )
    return sorted(ranked[:size])


def strata_pool(corpus: Corpus, per_stratum: int, seed: int) -> tuple[list[Pair], list[int]]:
    """Pairs published within a day, `per_stratum` drawn uniformly from each cosine stratum (the
    first in the seeded hash order, as `uniform_sample`), and the number each stratum holds."""
    upper = np.triu(corpus.within_a_day(), k=1)
    pool, sizes = [], []
    for low, high in zip(STRATA, STRATA[1:], strict=False):
        rows, cols = np.nonzero(upper & (corpus.similarity >= low) & (corpus.similarity < high))
        sizes.append(len(rows))
        pairs = [pair(corpus.ids[i], corpus.ids[j]) for i, j in zip(rows, cols, strict=True)]
        pool += uniform_sample(pairs, per_stratum, seed)
    return pool, sizes


def stratum_of(corpus: Corpus, index: dict[str, int], p: Pair) -> int | None:
    value = corpus.similarity[index[p[0]], index[p[1]]]
    for number, (low, high) in enumerate(zip(STRATA, STRATA[1:], strict=False)):
        if low <= value < high:
            return number
    return None


def read_verdicts(path: Path = VERDICTS) -> dict[Pair, tuple[str, str]]:
    verdicts: dict[Pair, tuple[str, str]] = {}
    if path.exists():
        with path.open(encoding="utf-8") as handle:
            for fields in csv.reader(handle, delimiter="\t"):
                if fields and not fields[0].startswith("#"):
                    a, b, verdict, *reason = fields
                    if verdict not in ("yes", "no", "unsure"):
                        raise ValueError(f"{path}: bad verdict {verdict!r} for {a} {b}")
                    verdicts[pair(a, b)] = (verdict, reason[0] if reason else "")
    return verdicts


def write_packets(corpus: Corpus, pairs: Iterable[Pair], out: Path, size: int) -> int:
    """Packets of `size` pairs, each article shown with outlet, time, title and an excerpt."""
    rows = {row["id"]: row for row in corpus.rows}
    todo = list(pairs)
    out.mkdir(parents=True, exist_ok=True)
    for number in range(0, len(todo), size):
        lines = []
        for a, b in todo[number : number + size]:
            lines.append(f"=== PAIR {a}\t{b}")
            for key in (a, b):
                row = rows[key]
                text = " ".join(str(row.get("text") or "").split())[:EXCERPT]
                lines.append(f"--- {key} | {row.get('outlet')} | {row.get('published_at')}")
                lines.append(f"TITLE: {row.get('title')}")
                lines.append(text)
            lines.append("")
        (out / f"packet-{number // size + 1:02d}.txt").write_text("\n".join(lines), "utf-8")
    return len(todo)


@dataclass
class Judged:
    yes: int = 0
    no: int = 0
    unsure: int = 0
    unjudged: int = 0

    @property
    def precision(self) -> float:
        return self.yes / (self.yes + self.no) if self.yes + self.no else float("nan")


def judge_sample(sample: Sequence[Pair], verdicts: dict[Pair, tuple[str, str]]) -> Judged:
    judged = Judged()
    for p in sample:
        verdict = verdicts.get(p, ("unjudged", ""))[0]
        setattr(judged, verdict, getattr(judged, verdict) + 1)
    return judged


def recall(
    corpus: Corpus,
    pool: Sequence[Pair],
    sizes: Sequence[int],
    verdicts: dict[Pair, tuple[str, str]],
    linked: set[Pair],
) -> tuple[float, list[tuple[int, int]]]:
    """Stratum-weighted recall over the judged pool, and (true, linked true) per stratum."""
    index = {key: i for i, key in enumerate(corpus.ids)}
    per = [[0, 0, 0] for _ in sizes]  # judged, true, linked true
    for p in pool:
        verdict = verdicts.get(p, ("unjudged", ""))[0]
        stratum = stratum_of(corpus, index, p)
        if verdict in ("yes", "no") and stratum is not None:
            per[stratum][0] += 1
            per[stratum][1] += verdict == "yes"
            per[stratum][2] += verdict == "yes" and p in linked
    true = sum(size * t / n for size, (n, t, _) in zip(sizes, per, strict=True) if n)
    found = sum(size * f / n for size, (n, _, f) in zip(sizes, per, strict=True) if n)
    return (found / true if true else float("nan")), [(t, f) for _, t, f in per]


def plan(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    corpus = Corpus.load(args.articles)
    partitions = {"warta": warta_partition(corpus), "baseline": baseline_partition(corpus)}
    links = {name: same_event_pairs(part) for name, part in partitions.items()}
    samples = {name: uniform_sample(pairs, args.sample, args.seed) for name, pairs in links.items()}
    pool, sizes = strata_pool(corpus, args.per_stratum, args.seed)
    return {
        "corpus": corpus,
        "partitions": partitions,
        "links": links,
        "samples": samples,
        "pool": pool,
        "sizes": sizes,
        "seconds": time.perf_counter() - started,
    }


def command_packets(args: argparse.Namespace) -> None:
    planned = plan(args)
    verdicts = read_verdicts(args.verdicts)
    sources = {"pool": planned["pool"], **planned["samples"]}
    wanted = dict.fromkeys(p for name in args.include for p in sources[name])
    todo = [p for p in wanted if p not in verdicts]
    count = write_packets(planned["corpus"], todo, args.out, args.packet_size)
    print(f"{count} pairs to judge in {args.out} ({len(wanted)} planned, {len(verdicts)} judged)")


def command_score(args: argparse.Namespace) -> None:
    planned = plan(args)
    corpus, verdicts = planned["corpus"], read_verdicts(args.verdicts)
    true_pairs = {p for p, (verdict, _) in verdicts.items() if verdict == "yes"}
    pooled = true_pairs & {*planned["pool"], *(p for s in planned["samples"].values() for p in s)}
    print(
        f"articles: {len(corpus.ids)} ({args.articles.name}); seed {args.seed}; "
        f"{len(verdicts)} verdicts in {args.verdicts.name}"
    )
    print(
        f"recall pool: {len(planned['pool'])} pairs published within a day, strata "
        f"{', '.join(f'{a:g}-{b:g}' for a, b in zip(STRATA, STRATA[1:], strict=False))}"
        f" holding {', '.join(map(str, planned['sizes']))} pairs"
    )
    print()
    print(
        "| system | events | largest | same-event pairs | precision (yes/judged, unsure) "
        "| recall, strata-weighted | pooled recall |"
    )
    print("|---|---|---|---|---|---|---|")
    report: dict[str, Any] = {"strata_sizes": planned["sizes"]}
    for name, partition in planned["partitions"].items():
        linked = set(planned["links"][name])
        judged = judge_sample(planned["samples"][name], verdicts)
        weighted, per_stratum = recall(corpus, planned["pool"], planned["sizes"], verdicts, linked)
        found = len(pooled & linked)
        sizes = Counter(partition.values())
        print(
            f"| {name} | {len(sizes)} | {max(sizes.values())} | {len(linked)} "
            f"| {judged.precision:.3f} ({judged.yes}/{judged.yes + judged.no}, "
            f"{judged.unsure}{f', {judged.unjudged} unjudged' if judged.unjudged else ''}) "
            f"| {weighted:.3f} | {found / len(pooled) if pooled else float('nan'):.3f} "
            f"({found}/{len(pooled)}) |"
        )
        report[name] = {
            "precision": judged.__dict__,
            "recall_weighted": weighted,
            "per_stratum": per_stratum,
            "pooled_found": found,
            "pooled_true": len(pooled),
            "events": len(sizes),
        }
    print()
    print(
        "true pairs found per stratum (true judged / linked): "
        + "; ".join(
            f"{name}: " + ", ".join(f"{t}/{f}" for t, f in report[name]["per_stratum"])
            for name in planned["partitions"]
        )
    )
    print(f"({planned['seconds']:.0f} s to cluster and sample)")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))


def main(argv: Sequence[str] | None = None) -> None:
    given = list(sys.argv[1:] if argv is None else argv)
    if "--stories" in given:  # the story level: bench/story_eval.py (its own options)
        from story_eval import main as stories_main

        return stories_main([arg for arg in given if arg != "--stories"])
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=("packets", "score"))
    parser.add_argument("--articles", type=Path, default=DEV_SET)
    parser.add_argument("--verdicts", type=Path, default=VERDICTS)
    parser.add_argument("--seed", type=int, default=20250610)
    parser.add_argument("--sample", type=int, default=220, help="pairs sampled per system")
    parser.add_argument("--per-stratum", type=int, default=100)
    parser.add_argument("--out", type=Path, help="packets: the folder to write them to")
    parser.add_argument("--packet-size", type=int, default=80)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--include",
        nargs="+",
        default=["pool", "warta", "baseline"],
        choices=("pool", "warta", "baseline"),
        help="packets: pairs of these",
    )
    dispatch(parser, argv, command_packets, command_score)


def dispatch(
    parser: argparse.ArgumentParser,
    argv: Sequence[str] | None,
    packets: Callable[[argparse.Namespace], None],
    score: Callable[[argparse.Namespace], None],
) -> None:
    """Parse, skip without the development set, and run `packets` or `score` (both levels)."""
    args = parser.parse_args(argv)
    if not args.articles.exists():
        parser.exit(0, f"skipped: {args.articles} not found (the real development set)\n")
    if args.command == "packets":
        if args.out is None:
            parser.error("packets needs --out")
        packets(args)
    else:
        score(args)


if __name__ == "__main__":
    main()
