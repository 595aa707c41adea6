"""The actor layer on SQLite and PostgreSQL: a real crawl fills it, `warta backfill actors`
fills it for stored articles, the `event_actors` view, resolution of spellings, and the
research commands (`warta actors`, `warta actor`, `warta network`, `warta plot actor`)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from crawler.cli import cli
from crawler.clustering.actors import backfill
from crawler.urls import normalise_url
from storage.database import make_engine, session_scope
from storage.migrate import upgrade
from storage.models import Actor, ActorMention, Article, Event, Source
from tests.test_crawl_e2e import replay, scrapy_crawl  # noqa: F401 (replay is a fixture)
from tests.test_mentions import REPLAY_LABELS

# Our own fiction: two events, three outlets, one person written three ways.
RAKOR = (
    "Kendari - Pj Gubernur Sultra Andap Budhi Revianto memimpin rapat koordinasi Pilkada "
    "bersama Ketua KPU Sultra Asril dan Kapolda Sultra Irjen Pol Dwi Irianto, Senin.\n"
    "Andap mengatakan semua instansi harus bergerak bersama menjaga ketertiban. Asril "
    "menambahkan bahwa tahapan berjalan sesuai jadwal."
)
RAKOR_AGAIN = (
    "Kendari - Rapat koordinasi Pilkada dipimpin Gubernur Sultra Andap Budhi Revianto. "
    "Kapolda Sultra Irjen Pol Dwi Irianto hadir.\nDwi mengatakan personel sudah disiapkan."
)
PANEN = (
    "Konawe - Pj Gubernur Andap meninjau panen raya di Desa Lalonggaluku bersama Kepala "
    "Dinas Pertanian Sultra La Ode Muhammad Rusdin Jaya, Selasa.\n"
    "Menurut Andap, hasil panen tahun ini lebih baik."
)


def _fill(session: Session) -> dict[str, int]:
    sources = [Source(key=k, name=k.title(), base_url=f"https://{k}.id") for k in ("a", "b", "c")]
    events = [
        Event(title="Rakor Pilkada", event_date=datetime(2024, 7, 9).date()),
        Event(title="Panen raya", event_date=datetime(2024, 7, 10).date()),
    ]
    session.add_all([*sources, *events])
    session.flush()
    rows = [
        (sources[0], events[0], RAKOR, datetime(2024, 7, 9, 6, tzinfo=UTC)),
        (sources[1], events[0], RAKOR_AGAIN, datetime(2024, 7, 9, 8, tzinfo=UTC)),
        (sources[2], events[1], PANEN, datetime(2024, 7, 10, 6, tzinfo=UTC)),
    ]
    for n, (source, event, body, published) in enumerate(rows):
        session.add(
            Article(
                source_id=source.id,
                url=f"https://{source.key}.id/{n}",
                canonical_url=f"https://{source.key}.id/{n}",
                html_sha256=f"{n:064d}",
                title=f"Artikel {n}",
                published_at=published,
                fetched_at=published,
                language="id",
                language_probability=1.0,
                text=body,
                word_count=len(body.split()),
                event_id=event.id,
            )
        )
    session.flush()
    return {"rakor": events[0].id, "panen": events[1].id}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest) -> Iterator[tuple[str, dict[str, int]]]:
    """A migrated database with three articles, backfilled: SQLite and PostgreSQL alike."""
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        events = _fill(session)
    report = backfill(engine)
    assert (report.articles, report.failed) == (3, 0)
    engine.dispose()
    yield url, events


def test_backfill_stores_mentions_and_joins_spellings(database: tuple[str, dict[str, int]]) -> None:
    url, _ = database
    engine = make_engine(url)
    with Session(engine) as session:
        actors = {a.name: a for a in session.scalars(select(Actor))}
        andap = actors["Andap Budhi Revianto"]
        assert andap.canonical_id is None
        assert actors["Andap"].canonical_id == andap.id  # "Pj Gubernur Andap" in another article
        assert actors["Andap"].reason == (
            '"Andap" is part of "Andap Budhi Revianto" and only of that name, '
            "and both were gubernur"
        )
        offices = set(
            session.scalars(select(ActorMention.office).where(ActorMention.actor_id == andap.id))
        )
        assert offices == {"Pj Gubernur Sultra", "Gubernur Sultra"}
    engine.dispose()
    # a second backfill replaces, it does not add
    before = _count(url)
    backfill(make_engine(url))
    assert _count(url) == before


def _count(url: str) -> int:
    engine = make_engine(url)
    with Session(engine) as session:
        count = session.scalar(text("SELECT COUNT(*) FROM actor_mentions"))
    engine.dispose()
    return int(count or 0)


def test_event_actors_view_counts_outlets(database: tuple[str, dict[str, int]]) -> None:
    url, events = database
    engine = make_engine(url)
    with Session(engine) as session:
        rows = session.execute(
            text(
                "SELECT name, kind, office, outlets FROM event_actors WHERE event_id = :e "
                "ORDER BY name"
            ),
            {"e": events["rakor"]},
        ).all()
    engine.dispose()
    by_name = {name: (kind, office, outlets) for name, kind, office, outlets in rows}
    assert by_name["Andap Budhi Revianto"] == ("person", "Pj Gubernur Sultra", 2)
    assert by_name["Dwi Irianto"] == ("person", "Kapolda Sultra", 2)
    assert by_name["Asril"] == ("person", "Ketua KPU Sultra", 1)
    assert by_name["KPU Sultra"][:2] == ("organisation", None)


def test_research_commands(database: tuple[str, dict[str, int]], tmp_path: Path) -> None:
    url, _ = database
    runner = CliRunner()
    listed = runner.invoke(
        cli, ["actors", "--database", url, "--kind", "person", "--format", "csv"]
    )
    assert listed.exit_code == 0, listed.output
    rows = list(csv.DictReader(listed.stdout.splitlines()))
    assert rows[0]["name"] == "Andap Budhi Revianto"
    assert (rows[0]["events"], rows[0]["articles"], rows[0]["outlets"]) == ("2", "3", "3")
    assert (rows[0]["first"], rows[0]["last"]) == ("2024-07-09", "2024-07-10")
    police = runner.invoke(
        cli, ["actors", "--database", url, "--office", "kapolda", "--format", "csv"]
    )
    assert [r["name"] for r in csv.DictReader(police.stdout.splitlines())] == ["Dwi Irianto"]

    shown = runner.invoke(cli, ["actor", "andap", "--database", url, "--format", "json"])
    assert shown.exit_code == 0, shown.output
    assert '"name": "Andap Budhi Revianto"' in shown.stdout
    assert '"office": "Pj Gubernur / Provinsi Sultra"' in shown.stdout  # one office, spelled 2 ways
    assert '"name": "Dwi Irianto"' in shown.stdout  # also there
    missing = runner.invoke(cli, ["actor", "Nobody Here", "--database", url])
    assert missing.exit_code == 2 and "no actor named" in missing.output

    edges, graph = tmp_path / "edges.csv", tmp_path / "actors.graphml"
    exported = runner.invoke(
        cli, ["network", "--database", url, "--edges", str(edges), "--graphml", str(graph)]
    )
    assert exported.exit_code == 0, exported.output
    pairs = {(r["source_name"], r["target_name"]) for r in csv.DictReader(edges.open())}
    assert ("Andap Budhi Revianto", "Dwi Irianto") in pairs or (
        "Dwi Irianto",
        "Andap Budhi Revianto",
    ) in pairs
    nodes = ElementTree.parse(graph).getroot().iter("{http://graphml.graphdrawing.org/xmlns}node")
    assert len(list(nodes)) >= 3

    picture = tmp_path / "andap.png"
    drawn = runner.invoke(cli, ["plot", "actor", "Andap", "--database", url, "--out", str(picture)])
    assert drawn.exit_code == 0, drawn.output
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_a_crawl_stores_who_each_article_names(replay, sqlite_url: str) -> None:  # noqa: F811
    result = scrapy_crawl("indeks", sqlite_url, {"indeks": replay.base_urls["indeks"]})
    assert result.returncode == 0, result.stderr[-3000:]
    article = next(e for e in replay.expected_articles() if e.id == "indeks-0001")
    people, bodies = REPLAY_LABELS["indeks-0001"]
    engine = make_engine(sqlite_url)
    with Session(engine) as session:
        rows = session.execute(
            select(Actor.kind, Actor.name, ActorMention.office, ActorMention.rank)
            .join(ActorMention, ActorMention.actor_id == Actor.id)
            .join(Article, Article.id == ActorMention.article_id)
            .where(Article.canonical_url == normalise_url(article.url))
        ).all()
    engine.dispose()
    assert {(n, o, r) for kind, n, o, r in rows if kind == "person"} == people
    assert {n for kind, n, _, _ in rows if kind == "organisation"} == bodies


def test_recluster_decides_the_spellings_again(database: tuple[str, dict[str, int]]) -> None:
    url, _ = database
    engine = make_engine(url)
    with session_scope(engine) as session:
        session.execute(text("UPDATE actors SET canonical_id = NULL, reason = NULL"))
    engine.dispose()
    result = CliRunner().invoke(cli, ["recluster", "--database", url, "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "actor spellings joined 1" in result.output
    engine = make_engine(url)
    with Session(engine) as session:
        joined = session.scalar(select(Actor.canonical_id).where(Actor.name == "Andap"))
        andap = session.scalar(select(Actor.id).where(Actor.name == "Andap Budhi Revianto"))
    engine.dispose()
    assert joined == andap


def test_an_oversized_name_is_cut_to_its_column_not_a_failed_article(
    database: tuple[str, dict[str, int]],
) -> None:
    from storage.actors import MentionRow, store_mentions

    url, _ = database
    long_name = "Badan " + "Sangat " * 120 + "Panjang"
    row = MentionRow(
        "organisation", "organisation:" + long_name.lower(), long_name, long_name, None, None, 0
    )
    engine = make_engine(url)
    with session_scope(engine) as session:
        article_id = session.scalar(select(Article.id).limit(1))
        assert store_mentions(session, article_id, [row]) == 1
    with Session(engine) as session:
        stored = session.scalar(select(Actor.name).where(Actor.name.like("Badan Sangat%")))
    engine.dispose()
    assert stored is not None and len(stored) == 300
