"""Signatures and the near-duplicate LSH index: per-second rates on article-like texts.

Complements bench/clustering.py (the dedupe engineer's: signatures on word soup, clustering
from scratch and incremental) with what it does not measure:

- signing article texts of the generated replay corpus (real sentence structure): batch
  `MinHasher.signatures_bytes`, one-by-one `signature_bytes` (what the pipeline calls per
  page) with the process's word-hash memo warm and with it cleared before every text (every
  word unseen: the worst case), and the per-token `MinHash.update` loop over the same
  3-shingles (datasketch's default SHA-1 hash); `--scrapinghub` signs the ScrapingHub
  benchmark's article bodies instead (real outlets' vocabulary, longer texts);
- `NearDuplicateIndex.add` (datasketch `MinHashLSH.insert`) and `.matches` (LSH query plus
  Jaccard verification) per second at growing index sizes, plus stored-bytes → LeanMinHash
  loads per second (what every clustering run pays first).

Rates are CPU-time based (time.process_time), steadier than wall time on a shared machine.

    .venv/bin/python bench/lsh.py                    # 2,000 texts, index up to 20,000
    .venv/bin/python bench/lsh.py --full --json bench/results/lsh.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import benchlib
import numpy as np
from datasketch import LeanMinHash, MinHash

from dedupe.near_duplicates import NearDuplicateIndex
from dedupe.signatures import MinHasher, word_hash
from dedupe.text import shingles, tokens

CLOCK = time.process_time


def corpus_texts(count: int, seed: int = 0) -> list[str]:
    """Bodies of a generated replay corpus (Indonesian-looking news, ~1,500 characters)."""
    from replayweb.generate import generate_corpus

    return [article.body for article in generate_corpus(count, seed=seed).articles]


def scrapinghub_texts(ground_truth: Path) -> list[str]:
    """Article bodies of the ScrapingHub benchmark's ground-truth.json."""
    return [page["articleBody"] for page in json.loads(ground_truth.read_text()).values()]


def signing_rates(texts: Sequence[str], loop_texts: int) -> dict[str, float]:
    """Texts/s of the vectorised batch, one-by-one (warm and cold word-hash memo) and
    per-token-loop signing; and the memo's hit rate over a first pass from empty."""
    hasher = MinHasher()
    word_hash.cache_clear()
    hasher.signatures_bytes(texts)  # warm: the memo holds the corpus's words
    memo = word_hash.cache_info()
    started = CLOCK()
    hasher.signatures_bytes(texts)
    batch = len(texts) / (CLOCK() - started)
    started = CLOCK()
    for text in texts:
        hasher.signature_bytes(text)
    single = len(texts) / (CLOCK() - started)
    started = CLOCK()
    for text in texts:
        word_hash.cache_clear()
        hasher.signature_bytes(text)
    cold = len(texts) / (CLOCK() - started)
    sample = texts[:loop_texts]
    started = CLOCK()
    for text in sample:
        minhash = MinHash(num_perm=hasher.num_perm, seed=hasher.seed)
        for shingle in shingles(tokens(text), hasher.shingle_size):
            minhash.update(shingle.encode())
    loop = len(sample) / (CLOCK() - started)
    return {"first_pass_memo_hit_rate": memo.hits / max(1, memo.hits + memo.misses),
            "batch_per_s": batch, "single_per_s": single, "single_cold_per_s": cold,
            "update_loop_per_s": loop, "speedup_batch": batch / loop,
            "speedup_single": single / loop, "speedup_single_cold": cold / loop}


def synthetic_minhashes(count: int, seed: int = 0) -> list[LeanMinHash]:
    """`count` distinct signatures (random shingle sets, ~1 in 10 a near-copy of another)."""
    hasher = MinHasher()
    rng = np.random.default_rng(seed)
    result: list[LeanMinHash] = []
    previous: np.ndarray | None = None
    for _ in range(count):
        if previous is not None and rng.random() < 0.1:
            hashed = previous.copy()
            hashed[: len(hashed) // 8] = rng.integers(0, 2**32, len(hashed) // 8, dtype=np.uint32)
        else:
            hashed = rng.integers(0, 2**32, 300, dtype=np.uint32)
        previous = hashed
        result.append(hasher._from_hashes(hashed))
    return result


def index_rates(sizes: Sequence[int], queries: int) -> list[dict[str, float]]:
    """Inserts/s building an index of each size, then queries/s (matches) against it."""
    hasher = MinHasher()
    largest = max(sizes)
    minhashes = synthetic_minhashes(largest + queries)
    stored = [hasher.to_bytes(m) for m in minhashes[:2000]]
    started = CLOCK()
    for data in stored:
        hasher.from_bytes(data)
    loads = len(stored) / (CLOCK() - started)
    rows = []
    for size in sizes:
        index = NearDuplicateIndex()
        started = CLOCK()
        for key in range(size):
            index.add(key, minhashes[key])
        inserts = size / (CLOCK() - started)
        probes = minhashes[largest : largest + queries]
        found = 0
        started = CLOCK()
        for minhash in probes:
            found += len(index.matches(minhash))
        rate = len(probes) / (CLOCK() - started)
        rows.append({"index_size": size, "inserts_per_s": inserts, "queries_per_s": rate,
                     "matches": found, "signature_loads_per_s": loads})
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[2:]))
    parser.add_argument("--texts", type=int, default=2000, help="texts signed")
    parser.add_argument("--loop-texts", type=int, default=300, help="texts for the slow loop")
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000],
                        help="index sizes")
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--full", action="store_true",
                        help="10,000 texts, index sizes 10k/100k/300k, 5 repeats")
    parser.add_argument("--scrapinghub", type=Path, metavar="GROUND_TRUTH_JSON",
                        help="sign these article bodies instead of the replay corpus")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    if args.full:
        args.texts, args.sizes, args.repeats = 10_000, [10_000, 100_000, 300_000], 5
    host = benchlib.machine()
    texts = scrapinghub_texts(args.scrapinghub) if args.scrapinghub else corpus_texts(args.texts)
    source = "ScrapingHub article bodies" if args.scrapinghub else "replay-corpus texts"
    signing = [signing_rates(texts, args.loop_texts) for _ in range(args.repeats)]
    figures: dict[str, Any] = {"texts": len(texts), "mean_chars": sum(map(len, texts)) / len(texts)}
    figures["signing"] = {k: benchlib.Samples([s[k] for s in signing]).median for k in signing[0]}
    figures["signing_runs"] = signing
    sign = figures["signing"]
    print(f"## signing {len(texts)} {source} (~{figures['mean_chars']:.0f} chars), "
          f"median of {args.repeats}, texts/s per core; word memo hit rate over a first pass "
          f"from empty {sign['first_pass_memo_hit_rate']:.1%}")
    print(benchlib.table(
        [("signatures_bytes (batch)", f"{sign['batch_per_s']:.0f}", f"{sign['speedup_batch']:.1f}"),
         ("signature_bytes (one by one)", f"{sign['single_per_s']:.0f}",
          f"{sign['speedup_single']:.1f}"),
         ("signature_bytes, word memo cleared per text", f"{sign['single_cold_per_s']:.0f}",
          f"{sign['speedup_single_cold']:.1f}"),
         ("MinHash.update per shingle", f"{sign['update_loop_per_s']:.0f}", "1.0")],
        ["method", "texts/s", "× update loop"]))
    runs = [index_rates(args.sizes, args.queries) for _ in range(args.repeats)]
    rows = []
    figures["index"] = []
    for position, size in enumerate(args.sizes):
        merged = {k: benchlib.Samples([run[position][k] for run in runs]).median
                  for k in runs[0][position]}
        figures["index"].append(merged)
        rows.append((size, f"{merged['inserts_per_s']:.0f}", f"{merged['queries_per_s']:.0f}",
                     f"{merged['signature_loads_per_s']:.0f}"))
    print(f"\n## NearDuplicateIndex (MinHashLSH, threshold 0.5, 128 perm), "
          f"median of {args.repeats}")
    print(benchlib.table(rows, ["index size", "inserts/s", "queries/s (verified)",
                                "signature loads/s"]))
    host.finish()
    print(host.line())
    benchlib.write_json(args.json, "lsh", figures, host)
    return 0


if __name__ == "__main__":
    sys.exit(main())
