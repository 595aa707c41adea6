"""`warta serve` in a real headless Chromium: a real server in a subprocess on 127.0.0.1, the
event table and an event's articles in the DOM, screenshots kept in test-artifacts/.

Chromium is installed by .ci/run; without it these tests skip, except in CI where they fail.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect

from crawler.cli import cli
from crawler.commands.serve import DATASETTE_DIR
from tests.conftest import unavailable
from tests.research_sample import Sample, build_research_database
from tests.serve_support import running_server

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Sample]]:
    """(base URL of the `warta` database in Datasette, sample ids); the server is stopped after."""
    path = tmp_path_factory.mktemp("serve") / "warta.db"
    sample = build_research_database(f"sqlite:///{path}")
    with running_server(path) as root:
        yield f"{root}/warta", sample


@pytest.fixture
def chromium(tmp_path: Path) -> list[str]:
    """The headless Chromium command line (without the URL), with a throw-away profile."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        unavailable("chromium is not installed (apt-get install chromium)")
    return [
        str(binary),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]


def dump_dom(chromium: list[str], url: str) -> str:
    result = subprocess.run(
        [*chromium, "--dump-dom", url], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def screenshot(chromium: list[str], url: str, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / name
    target.unlink(missing_ok=True)
    result = subprocess.run(
        [*chromium, f"--screenshot={target}", "--window-size=1500,2600", url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert target.stat().st_size > 10_000  # a rendered page, not a blank one
    return target


def cells(dom: str, column: str) -> list[str]:
    """Texts of the table cells of `column` in Datasette's HTML."""
    found = re.findall(rf'<td class="col-{column}(?: [^"]*)?">(.*?)</td>', dom, flags=re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in found]


@pytest.mark.browser
def test_event_table_in_chromium(served: tuple[str, Sample], chromium: list[str]) -> None:
    base, sample = served
    dom = dump_dom(chromium, f"{base}/event_summary")
    assert "Events (summary)" in dom
    titles = cells(dom, "title")
    assert "Banjir Rendam Ratusan Rumah di Kendari" in titles
    assert "KPU Sultra Tetapkan DPT Pilgub 2024" in titles
    # Each event links to its articles.
    assert f'href="/warta/event_articles?event_id={sample.flood}"' in dom
    # Facets from the metadata.
    assert 'data-column="month"' in dom and 'data-column="place"' in dom
    # The hostile title is text: escaped in the DOM, no script element of its own.
    assert "&lt;script&gt;alert" in dom
    assert '<script>alert("warta")' not in dom
    assert "\u202e" not in dom and "\x1b" not in dom  # no bidi override, no escape character
    screenshot(chromium, f"{base}/event_summary", "serve-event-summary.png")


@pytest.mark.browser
def test_event_articles_in_chromium(served: tuple[str, Sample], chromium: list[str]) -> None:
    base, sample = served
    url = f"{base}/event_articles?event_id={sample.flood}"
    dom = dump_dom(chromium, url)
    assert sorted(cells(dom, "outlet")) == ["kendaripos", "sultrakini", "telisik", "zonasultra"]
    assert "BPBD Sultra Evakuasi Warga" in dom
    assert f'href="/warta/articles/{sample.flood_original}"' in dom  # article rows linked
    screenshot(chromium, url, "serve-event-articles.png")
    canned = dump_dom(chromium, f"{base}/articles_of_event?event_id={sample.election}")
    assert "Articles of an event" in canned
    assert sorted(cells(canned, "outlet")) == ["detiksultra", "kendaripos", "telisik"]
    three = dump_dom(chromium, f"{base}/events_with_3_outlets")
    assert len(cells(three, "event_id")) == 3


def test_metadata_describes_every_view_column(tmp_path: Path) -> None:
    path = tmp_path / "warta.db"
    build_research_database(f"sqlite:///{path}")
    metadata = yaml.safe_load((DATASETTE_DIR / "metadata.yaml").read_text())
    tables = metadata["databases"]["warta"]["tables"]
    engine = create_engine(f"sqlite:///{path}")
    try:
        inspector = inspect(engine)
        for view in inspector.get_view_names():
            described = tables[view]["columns"]
            assert [c["name"] for c in inspector.get_columns(view)] == list(described), view
        for name in ("articles", "events", "sources", "stories"):
            columns = {c["name"] for c in inspector.get_columns(name)}
            assert columns == set(tables[name]["columns"]), name
    finally:
        engine.dispose()
    assert "_html:" not in (DATASETTE_DIR / "metadata.yaml").read_text()  # unescaped HTML keys
    queries = metadata["databases"]["warta"]["queries"]
    assert ":event_id" in queries["articles_of_event"]["sql"]
    assert ":story_id" in queries["timeline_of_a_story"]["sql"]
    assert {"id", "first_day", "last_day", "title", "events", "articles", "outlets"} == set(
        tables["stories"]["columns"]
    )


@pytest.mark.parametrize(
    ("database", "message"),
    [
        ("postgresql://postgres@127.0.0.1:5432/test", "SQLite files only"),
        ("sqlite:///:memory:", "SQLite files only"),
    ],
)
def test_serve_refuses_non_sqlite(database: str, message: str) -> None:
    result = CliRunner().invoke(cli, ["serve", "--database", database])
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and message in result.stderr


def test_serve_refuses_a_taken_port(tmp_path: Path) -> None:
    path = tmp_path / "warta.db"
    build_research_database(f"sqlite:///{path}")
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            cli, ["serve", "--database", str(path), "--port", str(port)], env=dict(os.environ)
        )
    assert result.exit_code == 2
    assert "cannot listen on" in result.stderr
