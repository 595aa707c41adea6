"""The recorded pages of tests/pages: lines the expectation does not have, and titles.

A page "leaks" when its extracted text keeps a line that its expected text (the .json beside
the page) does not have. To measure an older version of the code on the same pages, run this
file with that version's crawler/ first on the path:

    .venv/bin/python bench/recorded_pages.py
    git archive <commit> crawler | tar -x -C /tmp/old
    PYTHONPATH=/tmp/old .venv/bin/python bench/recorded_pages.py
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from crawler.extraction.extract import ExtractionOptions, decode_html, extract_article

PAGES = Path(__file__).resolve().parent.parent / "tests" / "pages"


def main() -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    leaking = titles_off = total = 0
    for expected_file in sorted(PAGES.glob("*.json")):
        expected = json.loads(expected_file.read_text(encoding="utf-8"))
        if expected["article"] is None:
            continue
        total += 1
        html = decode_html(expected_file.with_suffix(".html").read_bytes(), None)
        article = extract_article(html, expected["url"], ExtractionOptions())
        text = article.text.split("\n") if article else []
        extra = [line for line in text if line not in expected["article"]["text"]]
        title = article.title if article else None
        leaking += bool(extra)
        titles_off += title != expected["article"]["title"]
        print(f"{expected_file.stem}: title {title!r}; lines not expected: {extra}")
    print(f"pages: {total}; with leaked lines: {leaking}; titles not as expected: {titles_off}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
