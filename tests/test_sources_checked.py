"""The registry against real URLs: each outlet's pattern classifies every URL seen of it right.

The URLs are in crawler/sources_checked.toml (URLs only): the offline test of the patterns
(`verified` is a live check's, tests/test_sources_check.py). The generated part of
docs/SOURCES.md must be the rendering of both files.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import pytest

from crawler.sources import load_sources
from crawler.sources_report import DOCUMENT, MARKER, load_checked, misjudged, render

SOURCES = load_sources()
DAY, CHECKED = load_checked()


def amp_and_mobile_variants(url: str) -> list[str]:
    """The forms outlets serve one article under: `/amp` suffix and prefix, `?amp`, hosts."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/") or "/"
    host = parts.netloc.removeprefix("www.")
    with_query = (lambda q: f"{q}&amp=1" if q else "amp=1")(parts.query)
    return [
        urlunsplit((parts.scheme, parts.netloc, path.rstrip("/") + "/amp", parts.query, "")),
        urlunsplit((parts.scheme, parts.netloc, path.rstrip("/") + "/amp/", parts.query, "")),
        urlunsplit((parts.scheme, parts.netloc, "/amp" + path, parts.query, "")),
        urlunsplit((parts.scheme, parts.netloc, path, with_query, "")),
        urlunsplit((parts.scheme, f"m.{host}", path, parts.query, "")),
        urlunsplit((parts.scheme, f"amp.{host}", path, parts.query, "")),
    ]


def test_at_least_fifty_outlets_each_seen_or_said_why_not() -> None:
    assert len(SOURCES) >= 50
    assert set(CHECKED) <= set(SOURCES), set(CHECKED) - set(SOURCES)
    assert DAY


@pytest.mark.parametrize("key", sorted(CHECKED))
def test_pattern_classifies_every_url_seen(key: str) -> None:
    assert misjudged(SOURCES[key], CHECKED[key]) == []


@pytest.mark.parametrize("key", sorted(k for k in CHECKED if CHECKED[k].articles))
def test_amp_and_mobile_forms_map_onto_the_article(key: str) -> None:
    source = SOURCES[key]
    for article in CHECKED[key].articles:
        for variant in amp_and_mobile_variants(article):
            assert source.key_of(variant) == source.key_of(article), variant
            assert source.is_article_url(variant), variant


def test_documented_table_is_current() -> None:
    generated = DOCUMENT.read_text(encoding="utf-8").split(MARKER, 1)[-1]
    assert generated == render(SOURCES, DAY, CHECKED), (
        "docs/SOURCES.md is stale: run `python -m crawler.sources_report`"
    )
