"""Every bad URL of a real `warta serve` answers 4xx with Datasette's error page, never 500.

The server runs in a subprocess on 127.0.0.1 over a research database; requests go over HTTP.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from tests.research_sample import Sample, build_research_database
from tests.serve_support import running_server


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Sample]]:
    path = tmp_path_factory.mktemp("serve-errors") / "warta.db"
    sample = build_research_database(f"sqlite:///{path}")
    with running_server(path, "--warc-dir", str(path.parent / "warc")) as root:
        yield root, sample


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/-/warta/archive/warta/abc", 404),  # an article id that is not a number
        ("/-/warta/archive/warta/", 404),
        ("/-/warta/archive/warta/-1", 404),
        ("/-/warta/archive/warta/99999999999999999999999", 404),  # past SQLite's integers
        ("/-/warta/archive/warta/1/more", 404),
        ("/-/warta/archive/nosuch/1", 404),
        ("/-/warta/nothing", 404),
        ("/-/nothing", 404),
        ("/nosuch", 404),
        ("/warta/nosuch", 404),
        ("/warta/articles/abc", 404),
        ("/warta/articles?_sort=nosuch", 400),
        ("/warta/event_summary?_sort_desc=nosuch", 400),
        ("/warta/articles?_sort=title&_sort_desc=title", 400),
        ("/warta/articles.json?_size=abc", 400),
        ("/warta/event_summary?_facet=nosuch", 400),
        ("/warta/articles?_search=%22", 400),
        ("/warta.json?sql=selec", 400),
    ],
)
def test_a_bad_url_answers_its_4xx(served: tuple[str, Sample], path: str, expected: int) -> None:
    root, _ = served
    assert status(root + path) == expected


def test_good_urls_still_answer(served: tuple[str, Sample]) -> None:
    root, sample = served
    assert status(f"{root}/warta/event_summary") == 200
    assert status(f"{root}/warta/articles/{sample.flood_original}") == 200
    # an article with no archived page here: a 404 that says so
    assert status(f"{root}/-/warta/archive/warta/{sample.flood_original}") == 404

