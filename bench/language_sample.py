"""How much text langdetect needs: decisions and cost at several sample sizes.

The language stage reads a bounded sample of each text (crawler.extraction.language.SAMPLE_CHARS).
This
script checks that a sample size gives the same decisions as the whole text, on the texts the
stage sees: the real articles of ../shared/datasets/indonews-dev, the generated replay web's
articles and the seed articles, plus the (mostly English) ScrapingHub pages as Warta extracts
them, so a smaller sample must also keep rejecting what is not Indonesian. A decision is the
pair (language, allowed); the probability may move in its last digits.

    .venv/bin/python bench/language_sample.py [--sizes 0,1500,600,400] [--limit N] [--check]

Size 0 is the whole text. Costs are CPU ms per text of this process (time.process_time).
`--check` also compares, text by text, the probabilities of crawler.extraction.langdetect_port with
langdetect's own `Detector.get_probabilities` on the same sample (they must be equal).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import benchlib

from crawler.extraction.extract import ExtractionOptions, decode_html, extract_article
from crawler.extraction.langdetect_port import Profiles, ngrams, prepared_text, probabilities
from crawler.extraction.language import SAMPLE_CHARS, LanguageDetector

SHARED = benchlib.PROJECT_ROOT.parent / "shared"


def corpora(limit: int | None) -> dict[str, list[str]]:
    """Texts per corpus; corpora whose files are absent are left out (and said so)."""
    found: dict[str, list[str]] = {}
    dev = SHARED / "datasets" / "indonews-dev" / "articles.jsonl"
    if dev.is_file():
        with dev.open(encoding="utf-8") as lines:
            found["indonews-dev"] = [json.loads(line)["text"] for line in lines][:limit]
    else:
        print(f"skipped indonews-dev: {dev} not found", file=sys.stderr)
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    found["seeds"] = [path.read_text(encoding="utf-8") for path in seeds]
    from replayweb.generate import generate_corpus

    found["replay web"] = [article.body for article in generate_corpus(400, seed=0).articles][
        :limit
    ]
    benchmark = SHARED / "benchmarks" / "scrapinghub"
    if (benchmark / "html").is_dir():
        options = ExtractionOptions()
        texts = []
        for path in sorted((benchmark / "html").glob("*.html"))[:limit]:
            article = extract_article(decode_html(path.read_bytes(), None), None, options)
            if article is not None:
                texts.append(article.text)
        found["scrapinghub"] = texts
    return {name: texts for name, texts in found.items() if texts}


def check_port(texts: dict[str, list[str]], seed: int = 0) -> None:
    """Count texts whose port probabilities differ from langdetect's own (must be 0)."""
    from langdetect import DetectorFactory, LangDetectException
    from langdetect.detector_factory import PROFILES_DIRECTORY

    factory = DetectorFactory()
    started = time.process_time()
    factory.load_profile(PROFILES_DIRECTORY)
    loading = time.process_time() - started
    started = time.process_time()
    profiles = Profiles()
    print(f"profiles: langdetect load_profile {loading:.3f} s CPU, "
          f"port {time.process_time() - started:.3f} s CPU")
    for corpus, items in texts.items():
        differing = 0
        reference_cost = port_cost = 0.0
        for text in items:
            sample = text[:SAMPLE_CHARS]
            started = time.process_time()
            detector = factory.create()
            detector.seed = seed
            detector.append(sample)
            try:
                expected = [(g.lang, g.prob) for g in detector.get_probabilities()]
            except LangDetectException:
                expected = []
            reference_cost += time.process_time() - started
            started = time.process_time()
            found = ngrams(prepared_text(sample), profiles)
            got = probabilities(found, profiles, seed) if found else []
            port_cost += time.process_time() - started
            differing += got != expected
        print(f"{corpus}: {len(items)} texts, {differing} with other probabilities than "
              f"langdetect's; CPU ms/text langdetect {reference_cost / len(items) * 1000:.2f}, "
              f"port {port_cost / len(items) * 1000:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0,1500,800,600,400,300")
    parser.add_argument("--limit", type=int, default=None, help="texts per corpus (default all)")
    parser.add_argument("--check", action="store_true", help="port against langdetect itself")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    host = benchlib.machine()
    texts = corpora(args.limit)
    if args.check:
        check_port(texts)
    rows = []
    for corpus, items in texts.items():
        reference: list[tuple[str, bool]] | None = None
        for size in sizes:
            detector = LanguageDetector(sample_chars=size or 10**9)
            detector.detect("Pemerintah daerah menyalurkan bantuan.")  # profiles loaded
            started = time.process_time()
            decisions = [detector.detect(text) for text in items]
            cost = (time.process_time() - started) / len(items) * 1000
            pairs = [(d.language, d.allowed) for d in decisions]
            reference = reference or pairs
            changed = sum(1 for a, b in zip(pairs, reference, strict=True) if a != b)
            allowed = sum(1 for _, ok in pairs if ok)
            rows.append((corpus, len(items), size or "whole", allowed, changed, f"{cost:.2f}"))
    host.finish()
    reference_name = sizes[0] or "whole"
    header = ("corpus", "texts", "sample chars", "allowed",
              f"decisions != size {reference_name}", "CPU ms/text")
    print(benchlib.table(rows, header))
    print(host.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
