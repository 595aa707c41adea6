"""Benchmark of signatures and event clustering (issue 7). Not a test: run it by hand.

    .venv/bin/python bench/clustering.py                 # signatures + 10k + incremental
    .venv/bin/python bench/clustering.py --sizes 10000 100000

Parts:
- signatures per second: `MinHasher.signatures_bytes` (numpy shingle hashes, one
  `update_batch` per text) against the per-shingle `MinHash.update` loop with datasketch's
  default SHA-1 hash, on the same generated texts;
- clustering from scratch at each size: seconds, articles per second, peak RSS (each size runs
  in a fresh process so the peaks do not mix);
- one incremental run of 1,000 new articles against a corpus of each size, with the stage's
  time window, to show its cost follows the window, not the corpus.

Articles are generated: events of 1-4 reports on a date within two years, each report naming
the event's people and venue among generic regional names and noise, as stored features.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from datasketch import MinHash  # noqa: E402

from dedupe.clustering import ArticleRecord, EventClusterer, window_bounds  # noqa: E402
from dedupe.signatures import MinHasher  # noqa: E402
from dedupe.text import shingles, tokens  # noqa: E402

GENERIC = "kendari sultra kpu bawaslu pilkada polda polresta pemkot pemprov asn tni polri".split()
SYLLABLES = "ba bu di da ka ko la lo ma mu na ni ra ri sa su ta tu wa ya an ar in".split()
WORDS = (
    "rapat koordinasi pengamanan pemilihan kepala daerah serentak kegiatan masyarakat pemerintah "
    "kota kabupaten provinsi kesiapan tahapan logistik kampanye netralitas aparatur sinergi "
    "keamanan ketertiban pelaksanaan penyelenggara pengawas partisipasi pemilih anggaran"
).split()


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def generate(count: int, seed: int = 0) -> list[ArticleRecord]:
    """`count` stored articles of generated events (features and signatures as stored)."""
    rng = random.Random(seed)
    hasher = MinHasher()
    start = date(2023, 1, 1)
    records: list[ArticleRecord] = []
    while len(records) < count:
        day = start + timedelta(days=rng.randrange(730))
        people = [f"{_name(rng)} {_name(rng)}" for _ in range(2)]
        venue = f"aula {_name(rng)}"
        event_words = rng.sample(WORDS, 8)
        for _ in range(rng.randint(1, 4)):
            salient = {g: "name" for g in rng.sample(GENERIC, 5)}
            for person in people:
                salient[person] = "person"
                salient.update({part: "person" for part in person.split()})
            salient[venue] = "venue"
            salient.update({_name(rng): "name" for _ in range(8)})  # noise names
            terms = {w: rng.randint(1, 4) for w in event_words + rng.sample(WORDS, 10)}
            text_words = [w for w in terms for _ in range(terms[w])] + list(salient)
            rng.shuffle(text_words)
            published = datetime.combine(day, datetime.min.time(), UTC) + timedelta(
                hours=rng.randint(2, 30)
            )
            features = {
                "event_date": day.isoformat() if rng.random() < 0.8 else None,
                "date_confidence": 0.95,
                "published_date": published.date().isoformat(),
                "salient": salient,
                "terms": terms,
            }
            signature = hasher.to_bytes(hasher.minhash_of_set(shingles(text_words, 3)))
            key = len(records) + 1
            records.append(
                ArticleRecord(
                    key, (key,), signature, features, f"outlet{rng.randrange(50)}", published
                )
            )
    return records[:count]


def bench_signatures(texts: int = 300) -> dict[str, float]:
    rng = random.Random(1)
    corpus = [" ".join(rng.choice(WORDS + GENERIC) for _ in range(450)) for _ in range(texts)]
    hasher = MinHasher()
    began = time.perf_counter()
    hasher.signatures_bytes(corpus)
    vectorised = texts / (time.perf_counter() - began)
    began = time.perf_counter()
    for text in corpus:
        minhash = MinHash(num_perm=128, seed=1)
        for shingle in shingles(tokens(text), 3):
            minhash.update(shingle.encode())
    loop = texts / (time.perf_counter() - began)
    return {"vectorised_per_s": vectorised, "update_loop_per_s": loop, "speedup": vectorised / loop}


def bench_scratch(size: int) -> dict[str, float]:
    records = generate(size)
    began = time.perf_counter()
    result = EventClusterer().cluster(records)
    seconds = time.perf_counter() - began
    return {
        "articles": size,
        "seconds": seconds,
        "articles_per_s": size / seconds,
        "events": len(result.events),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def bench_incremental(size: int, new: int = 1000) -> dict[str, float]:
    """Cost of clustering `new` articles of the last few days into a corpus of `size`."""
    records = generate(size + new)
    records.sort(key=lambda r: r.published_at)  # type: ignore[arg-type, return-value]
    stored, fresh = records[:size], records[size:]
    clusterer = EventClusterer()
    began = time.perf_counter()
    bounds = window_bounds(fresh, clusterer.config.window_days)
    assert bounds is not None
    low, high = bounds
    context = [
        r
        for r in stored
        if low.isoformat()
        <= (r.features.get("event_date") or r.features["published_date"])
        <= high.isoformat()
    ]
    clusterer.cluster(fresh, context)
    seconds = time.perf_counter() - began
    return {"corpus": size, "new": new, "window_articles": len(context), "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000])
    parser.add_argument("--one", choices=["scratch", "incremental"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:  # a child process: one measurement, one JSON line
        bench = bench_scratch if args.one == "scratch" else bench_incremental
        print(json.dumps(bench(args.sizes[0])))
        return
    print("signatures:", json.dumps({k: round(v, 1) for k, v in bench_signatures().items()}))
    for kind in ("scratch", "incremental"):
        for size in args.sizes:
            out = subprocess.run(
                [sys.executable, __file__, "--one", kind, "--sizes", str(size)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            figures = {
                k: round(v, 2) if isinstance(v, float) else v for k, v in json.loads(out).items()
            }
            print(f"{kind}:", json.dumps(figures))


if __name__ == "__main__":
    main()
