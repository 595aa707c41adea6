"""Regions stored (issue 26) on real SQLite and PostgreSQL databases: the replay corpus and the
seeds clustered by the stage, every article's and event's regency exact, the `regions` table
filled; then the researchers' commands through the real `warta` executable."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from crawler.clustering.devset import corpus_articles, seed_articles
from crawler.clustering.stage import cluster_pending
from replayweb.corpus import load_corpus
from storage.database import make_engine, session_scope
from storage.migrate import upgrade
from storage.models import Article, Event, Region
from tests.clustering_support import store_articles
from tests.conftest import SEEDS_DIR
from tests.test_places import SEED_REGENCIES

WARTA = str(Path(sys.executable).with_name("warta"))


def expected_regencies() -> dict[str, str]:
    """Article id → the regency its happening is in: corpus events' `regency`, the seeds'."""
    events = {event.label: event.regency for event in load_corpus().events}
    wanted = {a.id: str(events[a.label]) for a in corpus_articles()}
    if SEEDS_DIR.is_dir():
        wanted.update(SEED_REGENCIES)
    return wanted


def build(url: str) -> dict[str, int]:
    """Migrate `url`, store the corpus (and the seeds when present), run the clustering stage."""
    engine = make_engine(url)
    try:
        upgrade(engine)
        articles = corpus_articles() + (seed_articles() if SEEDS_DIR.is_dir() else [])
        with session_scope(engine) as session:
            ids = store_articles(session, articles, None)  # the stage signs and places them
        with session_scope(engine) as session:
            cluster_pending(session)
        return ids
    finally:
        engine.dispose()


def check_regions(url: str, ids: dict[str, int]) -> None:
    wanted = expected_regencies()
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            rows = {a.id: a for a in session.scalars(select(Article))}
            found = {key: (rows[ids[key]].region_code or "")[:5] for key in wanted}
            assert found == wanted
            assert all(rows[ids[key]].region_country == "ID" for key in wanted)
            assert all(rows[ids[key]].region_evidence for key in wanted)
            for event in session.scalars(select(Event)):
                members = {key for key in wanted if rows[ids[key]].event_id == event.id}
                assert {wanted[key] for key in members} == {(event.region_code or "")[:5]}
            assert session.scalar(select(func.count()).select_from(Region)) == 38 + 514 + 7285
    finally:
        engine.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "warta.db"
    yield path


def test_every_article_and_event_in_its_regency_on_sqlite(sqlite_db: Path) -> None:
    url = f"sqlite:///{sqlite_db}"
    check_regions(url, build(url))


def test_every_article_and_event_in_its_regency_on_postgresql(postgres_url: str) -> None:
    check_regions(postgres_url, build(postgres_url))
    found = warta("events", "--region", "Konsel", "--format", "json", database=postgres_url)
    assert found.returncode == 0, found.stderr
    assert [e["regency"] for e in json.loads(found.stdout)] == ["Kabupaten Konawe Selatan"]
    table = warta("regions", "--province", "74", "--format", "json", database=postgres_url)
    assert {row["regency"] for row in json.loads(table.stdout)} >= {
        "Kota Kendari",
        "Kabupaten Muna",
    }


def warta(*args: str, database: Path | str) -> subprocess.CompletedProcess[str]:
    """The real `warta` executable on `database` (a SQLite file or a URL)."""
    return subprocess.run(
        [WARTA, *args, "--database", str(database)],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=120,
    )


def test_backfill_places_articles_stored_before(sqlite_db: Path) -> None:
    url = f"sqlite:///{sqlite_db}"
    ids = build(url)
    engine = make_engine(url)
    with session_scope(engine) as session:  # as a database from before 0009 would hold them
        session.execute(
            update(Article.__table__).values(
                region_code=None, region_country=None, region_confidence=None
            )
        )
        session.execute(update(Event.__table__).values(region_code=None, region_country=None))
    engine.dispose()
    result = warta("backfill", "regions", database=sqlite_db)
    assert result.returncode == 0, result.stderr
    assert f"articles {len(ids)}  placed {len(ids)}  failed 0" in result.stdout
    check_regions(url, ids)


def test_researchers_commands_by_region(sqlite_db: Path) -> None:
    build(f"sqlite:///{sqlite_db}")
    by_code = warta("events", "--region", "74.05", "--format", "json", database=sqlite_db)
    by_short = warta("events", "--region", "Konsel", "--format", "json", database=sqlite_db)
    assert by_code.returncode == 0, by_code.stderr
    events = json.loads(by_code.stdout)
    assert events == json.loads(by_short.stdout)
    assert len(events) == 1 and events[0]["regency"] == "Kabupaten Konawe Selatan"
    assert events[0]["province"] == "Sulawesi Tenggara" and events[0]["country"] == "ID"

    # a regency takes its kecamatan: the Konawe flood and its flooded rice fields three days
    # later are placed in Wawotobi
    konawe = json.loads(
        warta("events", "--region", "Konawe", "--format", "json", database=sqlite_db).stdout
    )
    assert [e["region"] for e in konawe] == ["Wawotobi", "Wawotobi"]
    assert (
        json.loads(
            warta("events", "--region", "Wawotobi", "--format", "json", database=sqlite_db).stdout
        )
        == konawe
    )

    articles = json.loads(
        warta("articles", "--region", "Konsel", "--format", "json", database=sqlite_db).stdout
    )
    assert len(articles) == 3 and {a["regency"] for a in articles} == {"Kabupaten Konawe Selatan"}
    shown = warta("event", str(events[0]["event_id"]), database=sqlite_db).stdout
    assert "region: Kabupaten Konawe Selatan, Sulawesi Tenggara (74.05)" in shown

    ambiguous = warta("events", "--region", "Malang", database=sqlite_db)
    assert ambiguous.returncode == 2
    assert "Kabupaten Malang (35.07), Kota Malang (35.73)" in ambiguous.stderr

    not_a_province = warta("regions", "--province", "Konsel", database=sqlite_db)
    assert not_a_province.returncode == 2 and "'74.05' is not a province" in not_a_province.stderr

    table = warta("regions", "--format", "csv", database=sqlite_db)
    assert table.returncode == 0, table.stderr
    rows = list(csv.DictReader(io.StringIO(table.stdout)))
    kendari = {r["month"]: r for r in rows if r["regency_code"] == "74.71"}
    assert set(kendari) >= {"2024-07", "2024-08", "2024-09", "2024-10"}
    for month in ("2024-07", "2024-08", "2024-09", "2024-10"):  # the corpus's (seeds: undated)
        assert int(kendari[month]["events"]) >= 1 and int(kendari[month]["articles"]) >= 1
    assert {r["province"] for r in rows} == {"Sulawesi Tenggara"}

    picture = sqlite_db.parent / "regions.png"
    plotted = warta(
        "plot", "regions", "--province", "Sultra", "--out", str(picture), database=sqlite_db
    )
    assert plotted.returncode == 0, plotted.stderr
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    export = sqlite_db.parent / "export"
    exported = warta("export", "--out", str(export), "--format", "csv", database=sqlite_db)
    assert exported.returncode == 0, exported.stderr
    with (export / "articles.csv").open(encoding="utf-8") as file:
        header = next(csv.reader(file))
    assert header[-6:] == [
        "region_code",
        "region",
        "regency",
        "province",
        "country",
        "region_confidence",
    ]


def test_datasette_facets_events_by_region_and_finds_events_in_a_regency(sqlite_db: Path) -> None:
    import asyncio

    from crawler.commands.serve import make_datasette

    build(f"sqlite:///{sqlite_db}")

    async def fetch() -> tuple[dict[str, object], dict[str, object]]:
        datasette = make_datasette(sqlite_db)
        name = sqlite_db.stem
        facets = await datasette.client.get(f"/{name}/events.json?_facet=region_code")
        canned = await datasette.client.get(
            f"/{name}/events_in_a_regency.json?regency=Konawe+Selatan&_shape=objects"
        )
        return facets.json(), canned.json()

    facets, canned = asyncio.run(fetch())
    values = {
        item["value"]: item["count"]
        for item in facets["facet_results"]["region_code"]["results"]  # type: ignore[index]
    }
    assert values["74.71"] >= 8 and values["74.05"] == 1
    rows = canned["rows"]
    assert [row["regency"] for row in rows] == ["Kabupaten Konawe Selatan"]  # type: ignore[index]


def test_an_article_whose_text_changes_is_placed_again(sqlite_db: Path) -> None:
    from storage.articles import replace_extraction

    url = f"sqlite:///{sqlite_db}"
    ids = build(url)
    article_id = ids["kabarsultra-0007"]  # the Wakatobi fishermen's aid
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            assert (session.get(Article, article_id).region_code or "")[:5] == "74.07"  # type: ignore[union-attr]
            text = "KOLAKA – Bantuan perahu diserahkan di Kantor Bupati Kolaka, Senin."
            replace_extraction(session, article_id, {"text": text, "word_count": 9})
        with session_scope(engine) as session:
            cluster_pending(session)
        with session_scope(engine) as session:
            assert session.get(Article, article_id).region_code == "74.01"  # type: ignore[union-attr]
    finally:
        engine.dispose()
