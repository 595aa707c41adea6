"""Benchmark of signatures and event clustering (issue 7). Not a test: run it by hand.

    .venv/bin/python bench/clustering.py                 # signatures + 10k + incremental
    .venv/bin/python bench/clustering.py --sizes 10000 100000

Parts:
- signatures per second (CPU time, median of 5 alternating rounds): `MinHasher.signatures_bytes`
  and one-by-one `signature_bytes` (numpy shingle hashes and permutations) against the
  per-shingle `MinHash.update` loop with datasketch's default SHA-1 hash, on the same texts;
- clustering from scratch at each size: seconds, CPU seconds, articles per second, peak RSS
  (each size runs in a fresh process so the peaks do not mix);
- one incremental run of 1,000 new articles against a corpus of each size, loading what the
  stage loads (context and background), to show its cost follows the window, not the corpus
  (`--incremental-days`: the same window density as a bigger corpus, generated faster).

Articles are generated: events of 1-4 reports on a date within two years, each report naming
the event's people and venue among generic regional names and noise, as stored features. A
report's content words are its event's 8 topic words plus 6 common ones and 4 random topic
words of other events (a vocabulary of ~4,700): with only the 29 common words, unrelated reports
of one day shared every content word (T ~0.5, enough to link on its own), so the event count
fell as the corpus grew denser. Names have 3-4 syllables (2-syllable ones: only 529 exist).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from datasketch import MinHash  # noqa: E402

from dedupe.clustering import ArticleRecord, EventClusterer  # noqa: E402
from dedupe.signatures import MinHasher  # noqa: E402
from dedupe.text import shingles, tokens  # noqa: E402

GENERIC = "kendari sultra kpu bawaslu pilkada polda polresta pemkot pemprov asn tni polri".split()
SYLLABLES = "ba bu di da ka ko la lo ma mu na ni ra ri sa su ta tu wa ya an ar in".split()
WORDS = (
    "rapat koordinasi pengamanan pemilihan kepala daerah serentak kegiatan masyarakat pemerintah "
    "kota kabupaten provinsi kesiapan tahapan logistik kampanye netralitas aparatur sinergi "
    "keamanan ketertiban pelaksanaan penyelenggara pengawas partisipasi pemilih anggaran"
).split()


#: topic words: what reports of one event share and reports of other events mostly do not
TOPIC_WORDS = sorted(
    {"".join(random.Random(i).choices(SYLLABLES, k=3)) + "an" for i in range(6000)} - set(WORDS)
)


#: the generated corpus covers two years, whatever its size (a bigger crawl is a denser one)
SPAN_DAYS = 730


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 4)))


def generate(count: int, seed: int = 0, days: int = SPAN_DAYS) -> list[ArticleRecord]:
    """`count` stored articles of generated events (features and signatures as stored)."""
    rng = random.Random(seed)
    hasher = MinHasher()
    start = date(2023, 1, 1)
    records: list[ArticleRecord] = []
    while len(records) < count:
        day = start + timedelta(days=rng.randrange(days))
        people = [f"{_name(rng)} {_name(rng)}" for _ in range(2)]
        venue = f"aula {_name(rng)}"
        event_words = rng.sample(TOPIC_WORDS, 8)
        for _ in range(rng.randint(1, 4)):
            salient = {g: "name" for g in rng.sample(GENERIC, 5)}
            for person in people:
                salient[person] = "person"
                salient.update({part: "person" for part in person.split()})
            salient[venue] = "venue"
            salient.update({_name(rng): "name" for _ in range(8)})  # noise names
            common = rng.sample(WORDS, 6) + rng.sample(TOPIC_WORDS, 4)
            terms = {w: rng.randint(1, 4) for w in event_words + common}
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


def bench_signatures(texts: int = 300, rounds: int = 5) -> dict[str, float]:
    rng = random.Random(1)
    corpus = [" ".join(rng.choice(WORDS + GENERIC) for _ in range(450)) for _ in range(texts)]
    hasher = MinHasher()
    hasher.signatures_bytes(corpus)  # warm the process's word-hash memo, as a crawl does

    def update_loop() -> None:
        for text in corpus:
            minhash = MinHash(num_perm=128, seed=1)
            for shingle in shingles(tokens(text), 3):
                minhash.update(shingle.encode())

    workloads = {
        "vectorised": lambda: hasher.signatures_bytes(corpus),
        "single": lambda: [hasher.signature_bytes(text) for text in corpus],
        "update_loop": update_loop,
    }
    samples: dict[str, list[float]] = {name: [] for name in workloads}
    for _ in range(rounds):
        for name, run in workloads.items():
            began = time.process_time()
            run()
            samples[name].append(texts / (time.process_time() - began))
    rates = {f"{name}_per_s": statistics.median(values) for name, values in samples.items()}
    loop = rates["update_loop_per_s"]
    return rates | {
        "speedup": rates["vectorised_per_s"] / loop,
        "speedup_single": rates["single_per_s"] / loop,
    }


def bench_scratch(size: int) -> dict[str, float]:
    records = generate(size)
    began, cpu = time.perf_counter(), time.process_time()
    result = EventClusterer().cluster(records)
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    return {
        "articles": size,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "articles_per_s": size / seconds,
        "events": len(result.events),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def bench_incremental(size: int, new: int = 1000, days: int = SPAN_DAYS) -> dict[str, float]:
    """Cost of clustering `new` articles of the last few days into a corpus of `size`.

    The run loads what the stage loads (crawler.clustering.stage, `_context`): as context the stored
    articles within `clusterer.reach` of the new ones, as background the rest of their rarity
    neighbourhoods. Left out: the stage also loads whole events reaching outside the context
    (a few members each, and it needs a clustered corpus to know them).
    """
    records = generate(size + new, days=days)
    records.sort(key=lambda r: r.published_at)  # type: ignore[arg-type, return-value]
    stored, fresh = records[:size], records[size:]
    clusterer = EventClusterer()
    began, cpu = time.perf_counter(), time.process_time()
    bounds = clusterer.reach([clusterer.rarity_day(r) for r in fresh])
    assert bounds is not None
    by_day = [(clusterer.rarity_day(r), r) for r in stored]
    context = [r for day, r in by_day if day is None or bounds[0] <= day <= bounds[1]]
    dated = [day for day, r in by_day if day is not None and bounds[0] <= day <= bounds[1]]
    dated += [d for d in map(clusterer.rarity_day, fresh) if d is not None]
    radius = timedelta(days=clusterer.config.rarity_days)
    low, high = min(dated) - radius, max(dated) + radius
    background = [
        r
        for day, r in by_day
        if day is not None and low <= day <= high and not bounds[0] <= day <= bounds[1]
    ]
    clusterer.cluster(fresh, context, background=background)
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    return {
        "corpus": size,
        "new": new,
        "context_articles": len(context),
        "background_articles": len(background),
        "seconds": seconds,
        "cpu_seconds": cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000])
    parser.add_argument(
        "--incremental-days",
        type=int,
        default=SPAN_DAYS,
        help="spread the incremental corpus over fewer days: the density of a bigger corpus "
        "(a run loads only the ~2 months around the new articles)",
    )
    parser.add_argument("--one", choices=["scratch", "incremental"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:  # a child process: one measurement, one JSON line
        if args.one == "scratch":
            print(json.dumps(bench_scratch(args.sizes[0])))
        else:
            print(json.dumps(bench_incremental(args.sizes[0], days=args.incremental_days)))
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
