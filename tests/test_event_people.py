"""Who was there, on SQLite and PostgreSQL: `warta event ID` lists the people with their offices
and the organisations, with how many of its articles name each; the events export has a people
column; offices spelled two ways are one office; degrees are stored apart from the name (issue
23). Uses test_actors' fiction and one article of our own."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.cli import cli
from crawler.clustering.actors import backfill
from storage.database import make_engine, session_scope
from storage.migrate import upgrade
from storage.models import Actor, ActorMention, Article, Source
from tests.test_actors import database  # noqa: F401 (a fixture: SQLite and PostgreSQL)


def test_warta_event_says_who_was_there(database: tuple[str, dict[str, int]]) -> None:  # noqa: F811
    url, events = database
    runner = CliRunner()
    shown = runner.invoke(cli, ["event", str(events["rakor"]), "--database", url])
    assert shown.exit_code == 0, shown.output
    assert "Who was there" in shown.stdout
    assert "Andap Budhi Revianto" in shown.stdout and "Kapolda / Polda Sultra" in shown.stdout

    as_json = runner.invoke(
        cli, ["event", str(events["rakor"]), "--database", url, "--format", "json"]
    )
    assert as_json.exit_code == 0, as_json.output
    event = json.loads(as_json.stdout)[0]
    people = {p["name"]: (p["office"], p["articles"], p["outlets"]) for p in event["people"]}
    # both articles name the governor and the police chief, one names the KPU chair
    assert people["Andap Budhi Revianto"] == ("Pj Gubernur / Provinsi Sultra", 2, 2)
    assert people["Dwi Irianto"] == ("Kapolda / Polda Sultra", 2, 2)
    assert people["Asril"] == ("Ketua KPU / KPU Sultra", 1, 1)
    assert {o["name"] for o in event["organisations"]} >= {"KPU Sultra"}


def test_events_export_has_the_people(database, tmp_path) -> None:  # noqa: F811
    url, events = database
    out = tmp_path / "export"
    done = CliRunner().invoke(
        cli, ["export", "--database", url, "--out", str(out), "--format", "csv"]
    )
    assert done.exit_code == 0, done.output
    rows = {int(r["event_id"]): r for r in csv.DictReader((out / "events.csv").open())}
    assert "Andap Budhi Revianto (Pj Gubernur / Provinsi Sultra)" in rows[events["rakor"]]["people"]
    assert rows[events["panen"]]["people"].startswith("Andap Budhi Revianto")


def test_one_office_spelled_two_ways_is_one_office(database) -> None:  # noqa: F811
    url, _ = database
    runner = CliRunner()
    held = runner.invoke(
        cli,
        ["actors", "--database", url, "--office", "gubernur / provinsi sultra", "--format", "csv"],
    )
    assert held.exit_code == 0, held.output
    rows = list(csv.DictReader(held.stdout.splitlines()))
    # "Pj Gubernur Sultra", "Gubernur Sultra" and "Pj Gubernur" are written for one person
    assert [r["name"] for r in rows] == ["Andap Budhi Revianto"]
    engine = make_engine(url)
    with Session(engine) as session:
        stored = set(session.scalars(select(ActorMention.office_canonical)))
    engine.dispose()
    assert {"Pj Gubernur / Provinsi Sultra", "Kapolda / Polda Sultra"} <= stored


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_degrees_are_stored_apart_from_the_name(kind: str, request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue("sqlite_url" if kind == "sqlite" else "postgres_url")
    engine = make_engine(url)
    upgrade(engine)
    text = (
        "Bombana - Pj Bupati Bombana Drs Laode Rahmat, M.Si membuka rapat koordinasi bersama "
        "Kepala Polres Bombana AKBP Yudi Prasetya, S.I.K., Selasa.\nLaode mengatakan rapat "
        "berjalan lancar."
    )
    with session_scope(engine) as session:
        source = Source(key="a", name="A", base_url="https://a.id")
        session.add(source)
        session.flush()
        session.add(
            Article(
                source_id=source.id,
                url="https://a.id/1",
                canonical_url="https://a.id/1",
                html_sha256="0" * 64,
                title="Rapat",
                published_at=datetime(2024, 7, 9, tzinfo=UTC),
                fetched_at=datetime(2024, 7, 9, tzinfo=UTC),
                language="id",
                language_probability=1.0,
                text=text,
                word_count=len(text.split()),
            )
        )
    assert backfill(engine).failed == 0
    with Session(engine) as session:
        rows = session.execute(
            select(Actor.name, ActorMention.titles, ActorMention.office_canonical).join(
                Actor, Actor.id == ActorMention.actor_id
            )
        ).all()
    engine.dispose()
    stored = {name: (titles, office) for name, titles, office in rows if titles}
    assert stored["Laode Rahmat"] == ("Drs, M.Si", "Pj Bupati / Kabupaten Bombana")
    assert stored["Yudi Prasetya"] == ("S.I.K.", "Kapolres / Polres Bombana")
