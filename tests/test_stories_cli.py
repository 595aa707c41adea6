"""`warta stories`, `warta story ID` and `warta plot story ID` run for real against a migrated
SQLite file and PostgreSQL database holding the story fixtures, clustered by the stage."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.clustering.actors import backfill
from crawler.clustering.stage import cluster_pending
from storage.database import make_engine, session_scope
from storage.migrate import upgrade
from storage.models import Article, Event, Story
from tests.clustering_support import store_articles
from tests.serve_support import running_server
from tests.stories_support import EXPECTED_STORIES
from tests.test_stories_db import ARTICLES, FIELDS

WARTA = [sys.executable, "-c", "from crawler.cli import main; main()"]


def _warta(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*WARTA, *args], capture_output=True, text=True, timeout=120)


def _filled(url: str) -> int:
    """Store and cluster the fixtures; the id of the licence story."""
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        store_articles(session, ARTICLES, FIELDS)
        cluster_pending(session)
    backfill(engine)  # who was there: the actor tables, as `warta actors backfill` fills them
    with session_scope(engine) as session:
        licence = session.scalar(
            select(Event.story_id)
            .join(Article, Article.event_id == Event.id)
            .where(Article.url.endswith("/audit-1"))
        )
        assert session.query(Story).count() == len(EXPECTED_STORIES)
    engine.dispose()
    assert licence is not None
    return licence


def _check_commands(url: str, tmp_path: Path) -> None:
    licence = _filled(url)
    done = _warta("stories", "--database", url, "--format", "json")
    assert done.returncode == 0, done.stderr
    stories = json.loads(done.stdout)
    assert sorted(s["events"] for s in stories) == [1, 1, 2, 3]
    first = stories[0]  # by first day: the licence decision of 3 June
    assert (first["id"], first["first_day"], first["last_day"]) == (
        licence,
        "2024-06-03",
        "2024-06-07",
    )
    assert (first["articles"], first["outlets"]) == (4, 2)

    done = _warta("stories", "--database", url, "--query", "jembatan", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [row["title"] for row in rows] == [
        "Kejati Sultra Tahan Kepala Dinas PUPR Kolaka Hasanuddin Mokodompit"
    ]
    done = _warta("stories", "--database", url, "--since", "2024-06-08")
    assert done.returncode == 0, done.stderr
    assert "Stories (1 of 1)" in done.stdout and "PTUN" in done.stdout

    done = _warta("story", str(licence), "--database", url, "--format", "json")
    assert done.returncode == 0, done.stderr
    (story,) = json.loads(done.stdout)
    events = story["events_in_order"]
    assert [e["event_date"] for e in events] == ["2024-06-03", "2024-06-05", "2024-06-07"]
    assert [e["article_count"] for e in events] == [2, 1, 1]
    assert all("actors" in e for e in events)
    done = _warta("story", str(licence), "--database", url)
    assert done.returncode == 0, done.stderr
    assert "who was there" in done.stdout
    audit = next(e for e in events if e["event_date"] == "2024-06-07")
    assert "Andi Rahman Ladongi" in audit["actors"]  # the audit's director, from event_actors
    done = _warta("story", "999", "--database", url)
    assert done.returncode == 2 and "no story 999" in done.stderr

    picture = tmp_path / "story.png"
    done = _warta("plot", "story", str(licence), "--database", url, "--out", str(picture))
    assert done.returncode == 0, done.stderr
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_story_commands_on_sqlite(tmp_path):
    _check_commands(f"sqlite:///{tmp_path / 'warta.db'}", tmp_path)


@pytest.mark.postgres
def test_story_commands_on_postgresql(postgres_url, tmp_path):
    _check_commands(postgres_url, tmp_path)


def test_stories_in_datasette(tmp_path):
    """`warta serve`: the stories table with its facets, and the canned "timeline of a story"."""
    path = tmp_path / "warta.db"
    licence = _filled(f"sqlite:///{path}")
    with running_server(path) as root:
        with urllib.request.urlopen(f"{root}/warta/stories.json?_shape=array", timeout=30) as r:
            rows = json.load(r)
        assert sorted(row["events"] for row in rows) == [1, 1, 2, 3]
        url = f"{root}/warta/timeline_of_a_story.json?_shape=array&story_id={licence}"
        with urllib.request.urlopen(url, timeout=30) as response:
            timeline = json.load(response)
        assert [row["event_date"] for row in timeline] == ["2024-06-03", "2024-06-05", "2024-06-07"]
        with urllib.request.urlopen(f"{root}/warta/stories", timeout=30) as response:
            page = response.read().decode()
        assert "Stories" in page and "first_day" in page
