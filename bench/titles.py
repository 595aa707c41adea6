"""Titles and site names: what crawler.extraction.titles cuts, on real titles and on the replay web.

- dev set: the 4,048 real titles of ../shared/datasets/indonews-dev as their outlets wrote
  them (without the site's name; many with colons and dashes), with their URLs. Every cut
  there is a real title part lost, so the count should be 0.
- ScrapingHub: the 181 benchmark pages (mostly English, varied sites); each title that
  loses a part is printed with the part, to be read.
- replay web: article pages of the generated replay web rendered in-process, extracted with
  `extract_article`; the extracted title should equal the generated one.

    .venv/bin/python bench/titles.py [--replay-pages 400] [--list]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter

import benchlib
from extraction import replay_pages
from trafilatura.utils import load_html

from crawler.extraction.extract import (
    ExtractionOptions,
    _read_metadata,
    decode_html,
    extract_article,
)
from crawler.extraction.titles import SEPARATOR, split_site_name

SCRAPINGHUB = benchlib.PROJECT_ROOT.parent / "shared" / "benchmarks" / "scrapinghub"
DEV_SET = benchlib.PROJECT_ROOT.parent / "shared" / "datasets" / "indonews-dev" / "articles.jsonl"


def dev_titles() -> None:
    if not DEV_SET.is_file():
        print(f"dev set skipped: {DEV_SET} not found")
        return
    rows = [json.loads(line) for line in DEV_SET.open(encoding="utf-8")]
    with_separator = sum(1 for row in rows if SEPARATOR.search(row["title"]))
    cuts = Counter()
    for row in rows:
        split = split_site_name(row["title"], [], [], row["url"])
        if split.site_name is not None:
            cuts[row["title"]] += 1
    print(f"dev set: {len(rows)} real titles, {with_separator} with a separator; "
          f"cut: {sum(cuts.values())}")
    for title, _ in cuts.most_common(10):
        print(f"  cut: {title!r}")


def scrapinghub_titles(show: bool) -> None:
    truth_file = SCRAPINGHUB / "ground-truth.json"
    if not truth_file.is_file():
        print(f"ScrapingHub skipped: {truth_file} not found")
        return
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    options = ExtractionOptions()
    cut = 0
    for key, expected in sorted(truth.items()):
        html = decode_html((SCRAPINGHUB / "html" / f"{key}.html").read_bytes(), None)
        article = extract_article(html, expected.get("url"), options)
        tree = load_html(html)
        raw = _read_metadata(tree, expected.get("url")).title if tree is not None else None
        if article is None or not raw or article.title == " ".join(raw.split()):
            continue
        cut += 1
        if show:
            print(f"  {raw!r} -> {article.title!r} (site_name {article.site_name!r})")
    print(f"ScrapingHub: {len(truth)} pages, {cut} titles lost a part")


def replay_titles(count: int) -> None:
    from replayweb.generate import generate_corpus

    generated = {article.title for article in generate_corpus(count * 2, seed=0).articles}
    options = ExtractionOptions()
    extracted = equal = 0
    for html, url in replay_pages(count):
        article = extract_article(html, url, options)
        if article is None or article.title is None:
            continue
        extracted += 1
        equal += article.title in generated
    print(f"replay web: {count} pages, {extracted} with a title, "
          f"{equal} equal to the generated title")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replay-pages", type=int, default=400)
    parser.add_argument("--list", action="store_true", help="print each cut ScrapingHub title")
    args = parser.parse_args()
    dev_titles()
    scrapinghub_titles(args.list)
    if args.replay_pages:
        replay_titles(args.replay_pages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
