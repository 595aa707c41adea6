"""What extraction and language detection store, pinned on real pages as digests.

Speed work on `warta extract` must not change a stored field (issue 25). The expected values
are SHA-256 digests (16 hex digits) of the results of the code before that work: every field
of `ExtractedArticle` and the language detection (language, probability, allowed) for ten of
the ScrapingHub pages (every twentieth by name, read without and with the page's URL), the
lines `warta extract` prints for them, and the detections of all 4,048 dev-set articles. No
text of those pages is in the project; they are read from ../shared, and the tests skip with
the reason when it is absent. A failure prints the digests found.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from crawler.commands.extract import project_settings
from crawler.extraction.extract import ExtractionOptions, decode_html, extract_article
from crawler.extraction.language import LanguageDetector

SHARED = Path(__file__).resolve().parents[2] / "shared"
SCRAPINGHUB = SHARED / "benchmarks" / "scrapinghub"
DEV_SET = SHARED / "datasets" / "indonews-dev" / "articles.jsonl"

#: page name prefix → digests of (fields read without the URL, fields read with it)
PAGES = {
    "042bb7b5feda": ("5e4467ad0ebba575", "5e4467ad0ebba575"),
    "21486419bb10": ("ae60adcbe57f1828", "ae60adcbe57f1828"),
    "3cb22bfabed8": ("4419a90dbf893f67", "4419a90dbf893f67"),
    "5f03fc173ebc": ("6c8562618d511757", "6c8562618d511757"),
    "7916ecca969f": ("8224c8b9f94d3a91", "8224c8b9f94d3a91"),
    "8e3efab59f48": ("57b03a6b81c8e67f", "57b03a6b81c8e67f"),
    "ad826691a8a2": ("3f71a9584df19ec2", "3f71a9584df19ec2"),
    "c69e539d689a": ("ac8ad8bcf564ceda", "c8f2fd04535c8d5c"),
    "e593d7fe88f9": ("57eb0b3b7f6a9915", "57eb0b3b7f6a9915"),
    "ffc109d474fd": ("b38ae96aeaf81e7d", "b38ae96aeaf81e7d"),
}
#: page name prefix → digest of its `warta extract` line without the "file" field
CLI_LINES = {
    "042bb7b5feda": "45151457b93fdcaa",
    "21486419bb10": "9431c576a1271b5d",
    "3cb22bfabed8": "163eed5422eb0084",
    "5f03fc173ebc": "f403e71c01f3b4f5",
    "7916ecca969f": "1f6a414c9100e6f4",
    "8e3efab59f48": "a5a7e303b378986d",
    "ad826691a8a2": "5a04d7d1dc7e5d02",
    "c69e539d689a": "844753f6ba8e5b1d",
    "e593d7fe88f9": "603cc05187b777e7",
    "ffc109d474fd": "16ad34ab892d36ff",
}
#: digest of [language, probability, allowed] of every dev-set article, in file order
DEV_DETECTIONS = "06cb3850bc73fc7f"


def _digest(value: Any) -> str:
    encoded = json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()[:16]


@pytest.fixture(scope="module")
def pages() -> dict[str, Path]:
    if not (SCRAPINGHUB / "html").is_dir():
        pytest.skip(f"ScrapingHub pages not found at {SCRAPINGHUB} (../shared beside the project)")
    return {prefix: next((SCRAPINGHUB / "html").glob(f"{prefix}*.html")) for prefix in PAGES}


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector.from_settings(project_settings())


def test_stored_fields_of_scrapinghub_pages_are_unchanged(
    pages: dict[str, Path], detector: LanguageDetector
) -> None:
    options = ExtractionOptions.from_settings(project_settings())
    truth = json.loads((SCRAPINGHUB / "ground-truth.json").read_text(encoding="utf-8"))
    found = {}
    for prefix, path in pages.items():
        html = decode_html(path.read_bytes(), None)
        digests = []
        for url in (None, truth[path.stem]["url"]):
            article = extract_article(html, url, options)
            record: dict[str, Any] = {"article": None, "language": None}
            if article is not None:
                record["article"] = {
                    name: value.isoformat() if hasattr(value, "isoformat") else value
                    for name, value in vars(article).items()
                }
                detection = detector.detect(article.text)
                record["language"] = [detection.language, detection.probability,
                                      detection.allowed]
            digests.append(_digest(record))
        found[prefix] = tuple(digests)
    assert found == PAGES


def test_warta_extract_prints_the_same_lines(pages: dict[str, Path]) -> None:
    command = [sys.executable, "-c", "from crawler.cli import main; main()", "extract",
               *(str(path) for path in pages.values())]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=True)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    found = {}
    for prefix, line in zip(pages, lines, strict=True):
        assert line.pop("file") == str(pages[prefix])
        found[prefix] = _digest(line)
    assert found == CLI_LINES


def test_language_of_the_dev_set_is_unchanged(detector: LanguageDetector) -> None:
    if not DEV_SET.is_file():
        pytest.skip(f"dev set not found at {DEV_SET} (../shared beside the project)")
    with DEV_SET.open(encoding="utf-8") as lines:
        detections = [detector.detect(json.loads(line)["text"]) for line in lines]
    assert len(detections) == 4048
    assert _digest([[d.language, d.probability, d.allowed] for d in detections]) == (
        DEV_DETECTIONS
    )
