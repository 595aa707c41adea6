"""Bounded fuzz run over extraction: mutated replay-web pages and generated HTML, crashes counted.

Every case goes through the spider's code path for a body (crawler.extraction.extract.decode_html,
then
extract_article with the project's options). A crash is any exception; a slow case is one over
--slow seconds. Mutations of real pages (the replay web's article pages of every outlet) keep
the fuzzing near what outlets serve; generated documents (random tag soup, deep nesting, hostile
bytes) reach the corners. Seeded, so a crash can be replayed with the same --seed and --cases.

    .venv/bin/python bench/fuzz_extraction.py [--cases 600] [--seed 0] [--slow 5]

Exit code 1 when a case crashed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.extraction.extract import ExtractionOptions, decode_html, extract_article  # noqa: E402
from crawler.operations.runner import project_settings  # noqa: E402

HOSTILE_SNIPPETS = [
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"<!--",
    b"<![CDATA[",
    b"]]>",
    b"<script>",
    b"</script>",
    b"<style>",
    b"<svg><foreignObject>",
    b"<math><mi>",
    b"<table><tr><td>",
    b"&#0;",
    b"&#xD800;",
    b"&amp;&lt;&gt;",
    b"&unknown;",
    b"<?php echo 1 ?>",
    b"<!DOCTYPE x [<!ENTITY a 'b'>]>",
    b'<meta charset="utf-16">',
    b'<meta charset="x-unknown">',
    b'<base href="javascript:x">',
    b'<link rel="canonical" href="file:///etc/passwd">',
    b'<time datetime="99999-99-99">',
    b'<meta property="article:published_time" content="not a date">',
    "\u202eterbalik".encode(),
    b"\x1b[31m",
    "\ud83d\ude00".encode("utf-8", "surrogatepass"),
    b"\xc3\x28",
    b"<p>" * 50,
]


def replay_pages() -> list[bytes]:
    """The article pages of every replay-web outlet, as served (bytes)."""
    from replayweb.server import ReplayWeb

    pages = []
    with ReplayWeb() as web:
        for outlet in web.base_urls:
            site = web.site(outlet)
            for placement in site.placements:
                pages.append(site.respond(placement.path).body)
    return pages


def mutate(page: bytes, rng: random.Random) -> bytes:
    """One to four random edits: flips, cuts, splices, repeats and hostile snippets."""
    data = bytearray(page)
    for _ in range(rng.randint(1, 4)):
        if not data:
            data.extend(rng.choice(HOSTILE_SNIPPETS))
            continue
        at = rng.randrange(len(data))
        kind = rng.randrange(6)
        if kind == 0:  # flip bytes
            for offset in range(rng.randint(1, 16)):
                if at + offset < len(data):
                    data[at + offset] = rng.randrange(256)
        elif kind == 1:  # cut
            del data[at : at + rng.randint(1, max(1, len(data) // 3))]
        elif kind == 2:  # truncate
            del data[at:]
        elif kind == 3:  # insert a hostile snippet
            data[at:at] = rng.choice(HOSTILE_SNIPPETS) * rng.randint(1, 20)
        elif kind == 4:  # repeat a slice (duplicated blocks, huge pages)
            end = min(len(data), at + rng.randint(1, 4000))
            data[at:at] = bytes(data[at:end]) * rng.randint(2, 30)
        else:  # swap two slices (tags out of order)
            other = rng.randrange(len(data))
            first, second = sorted((at, other))
            data[first:second] = bytes(reversed(data[first:second]))
    return bytes(data)


TAGS = [
    "div",
    "p",
    "span",
    "article",
    "section",
    "h1",
    "h2",
    "a",
    "b",
    "i",
    "table",
    "tr",
    "td",
    "ul",
    "li",
    "script",
    "style",
    "noscript",
    "iframe",
    "template",
    "svg",
    "form",
    "main",
]
WORDS = "rapat koordinasi pengamanan pilkada kendari polresta bawaslu kpu warga kota selasa".split()


def generated(rng: random.Random) -> bytes:
    """Random tag soup: unbalanced, deeply nested, odd attributes, Indonesian-looking words."""
    parts = [
        "<!DOCTYPE html><html><head><title>",
        " ".join(rng.choices(WORDS, k=5)),
        "</title></head><body>",
    ]
    depth = 0
    for _ in range(rng.randint(1, 400)):
        roll = rng.random()
        if roll < 0.35:
            tag = rng.choice(TAGS)
            attributes = "".join(
                f' data-{rng.randrange(99)}="{"x" * rng.randrange(50)}"'
                for _ in range(rng.randrange(3))
            )
            parts.append(f"<{tag}{attributes}>")
            depth += 1
        elif roll < 0.55 and depth:
            parts.append(f"</{rng.choice(TAGS)}>")
            depth -= 1
        elif roll < 0.6:
            parts.append("<div>" * rng.randint(100, 3000))  # deep nesting
        else:
            parts.append(
                " ".join(rng.choices(WORDS, k=rng.randint(1, 60))) + rng.choice([". ", "\n", ""])
            )
    if rng.random() < 0.5:
        parts.append("</body></html>")
    return "".join(parts).encode("utf-8")


def run(cases: int, seed: int, slow: float, log: Callable[[str], None]) -> dict[str, float]:
    rng = random.Random(seed)
    options = ExtractionOptions.from_settings(project_settings())
    pages = replay_pages()
    crashes = slow_cases = extracted = 0
    worst = 0.0
    for number in range(cases):
        body = mutate(rng.choice(pages), rng) if number % 3 else generated(rng)
        declared = rng.choice(
            [None, "utf-8", "windows-1252", "iso-8859-1", "utf-16", "bogus", "base64"]
        )
        started = time.monotonic()
        try:
            article = extract_article(
                decode_html(body, declared), "https://telisik.id/news/fuzz", options
            )
        except Exception:  # the point of the run: any exception is a crash, counted and shown
            crashes += 1
            log(f"case {number}: CRASH\n{traceback.format_exc(limit=4)}")
            continue
        elapsed = time.monotonic() - started
        worst = max(worst, elapsed)
        slow_cases += elapsed > slow
        extracted += article is not None
    return {
        "cases": cases,
        "crashes": crashes,
        "slow": slow_cases,
        "extracted": extracted,
        "worst_seconds": round(worst, 2),
        "pages": len(pages),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=600)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--slow", type=float, default=5.0, help="seconds after which a case counts as slow"
    )
    args = parser.parse_args()
    if args.cases < 1:
        parser.error("--cases must be at least 1")
    result = run(args.cases, args.seed, args.slow, lambda line: print(line, file=sys.stderr))
    print(" ".join(f"{key}={value}" for key, value in result.items()))
    return 1 if result["crashes"] else 0


if __name__ == "__main__":
    sys.exit(main())
