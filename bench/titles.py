"""Titles and site names: what crawler.titles cuts, on real titles and on the replay web.

- dev set: the 4,048 real titles of ../shared/datasets/indonews-dev as their outlets wrote
  them (without the site's name; many with colons and dashes), with their URLs. Every cut
  there is a real title part lost, so the count should be 0.
- replay web: article pages of the generated replay web rendered in-process, extracted with
  `extract_article`; the extracted title should equal the generated one.

    .venv/bin/python bench/titles.py [--replay-pages 400]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter

import benchlib
from extraction import replay_pages

from crawler.extract import ExtractionOptions, extract_article
from crawler.titles import SEPARATOR, split_site_name

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
    args = parser.parse_args()
    dev_titles()
    if args.replay_pages:
        replay_titles(args.replay_pages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
