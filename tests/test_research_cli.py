"""`warta events/event/articles/stats` on a real database file: rows, filters, safe terminal
output, one-line errors with exit code 2, and the PostgreSQL path through the same commands."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from crawler.cli import cli
from tests.test_queries import HOSTILE_TITLE, Sample, build_research_database

WARTA = str(Path(sys.executable).with_name("warta"))
DOCS = Path(__file__).resolve().parent.parent / "docs" / "RESEARCH.md"


@pytest.fixture
def research_db(tmp_path: Path) -> tuple[Path, Sample]:
    path = tmp_path / "warta.db"
    return path, build_research_database(f"sqlite:///{path}")


def run(*args: str, database: Path | str) -> Result:
    runner = CliRunner()
    return runner.invoke(
        cli, [*args, "--database", str(database)], env={"COLUMNS": "200"}, catch_exceptions=False
    )


def records(result: Result) -> list[dict[str, str]]:
    assert result.exit_code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


# --------------------------------------------------------------------------- events


def test_events_csv_in_date_order(research_db: tuple[Path, Sample]) -> None:
    path, sample = research_db
    rows = records(run("events", "--format", "csv", database=path))
    assert [int(r["event_id"]) for r in rows] == [
        sample.flood,
        sample.election,
        sample.market,
        sample.protest,
        sample.quake,
    ]
    assert rows[0]["outlets"] == "kendaripos; sultrakini; telisik; zonasultra"
    assert rows[0]["event_date"] == "2024-05-02"
    assert rows[3]["title"] == HOSTILE_TITLE.replace("\x1b", "\ufffd").replace("\u202e", "\ufffd")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--since", "2024-05-03", "--until", "2024-06-03"), ["election", "market"]),
        (
            ("--source", "detiksultra", "--source", "sultrakini"),
            ["flood", "election", "protest", "quake"],
        ),
        (("--min-outlets", "4"), ["flood"]),
        (("--place", "kolaka"), ["protest"]),
        (("--query", "Jum'at"), ["election"]),
        (("--query", "tambang nikel", "--min-outlets", "2"), ["protest"]),
        (("--limit", "2", "--newest-first"), ["protest", "market"]),
    ],
)
def test_events_filters(
    research_db: tuple[Path, Sample], args: tuple[str, ...], expected: list[str]
) -> None:
    path, sample = research_db
    result = run("events", *args, "--format", "json", database=path)
    assert result.exit_code == 0, result.stderr
    assert [row["event_id"] for row in json.loads(result.stdout)] == [
        getattr(sample, name) for name in expected
    ]


def test_events_table_is_safe_for_a_terminal(research_db: tuple[Path, Sample]) -> None:
    path, _ = research_db
    result = run("events", database=path)
    assert result.exit_code == 0
    out = result.stdout
    assert "Banjir Rendam Ratusan Rumah di Kendari" in out
    assert "\x1b" not in out and "\u202e" not in out  # no escape sequence reaches the terminal
    assert "[bold red]Kolaka[/bold red]" in out  # markup shown as text, not interpreted
    assert "Events (5 of 5)" in out


# --------------------------------------------------------------------------- event, articles


def test_event_shows_every_article_and_why(research_db: tuple[Path, Sample]) -> None:
    path, sample = research_db
    result = run("event", str(sample.flood), database=path)
    assert result.exit_code == 0, result.stderr
    for text in (
        "telisik",
        "kendaripos",
        "zonasultra",
        "sultrakini (copy)",
        "seed=True",
        "places=Kendari",
        "https://telisik.id/berita/banjir-kendari",
        "0.80",
    ):
        assert text in result.stdout
    data = json.loads(run("event", str(sample.flood), "--format", "json", database=path).stdout)
    event = data[0]
    assert event["outlet_count"] == 4
    assert [a["outlet"] for a in event["articles"]] == [
        "telisik",
        "zonasultra",
        "sultrakini",
        "kendaripos",
    ]
    assert json.loads(event["articles"][1]["event_reason"])["places"] == ["Kendari"]
    assert event["articles"][2]["duplicate_of"] == sample.flood_original


def test_articles_search(research_db: tuple[Path, Sample]) -> None:
    path, sample = research_db
    rows = records(run("articles", "--query", "Jum'at", "--format", "csv", database=path))
    assert {r["outlet"] for r in rows} == {"telisik", "kendaripos"}
    copies = records(run("articles", "--duplicates-only", "--format", "csv", database=path))
    assert [int(r["duplicate_of"]) for r in copies][0] == sample.flood_original
    members = records(
        run("articles", "--event", str(sample.flood), "--format", "csv", database=path)
    )
    assert len(members) == 4
    late = records(
        run(
            "articles",
            "--since",
            "2024-05-03",
            "--until",
            "2024-05-03",
            "--format",
            "csv",
            database=path,
        )
    )
    assert [int(r["article_id"]) for r in late] == [sample.late_flood_article]
    assert late[0]["published_date"] == "2024-05-03"
    table = run("articles", "--source", "telisik", database=path)
    assert "Harga Cengkih Naik di Kolaka Utara" in table.stdout


def test_stats(research_db: tuple[Path, Sample]) -> None:
    path, _ = research_db
    data = json.loads(run("stats", "--format", "json", database=path).stdout)
    assert (data["articles"], data["duplicates"], data["events"], data["crawl_runs"]) == (
        13,
        2,
        5,
        2,
    )
    table = run("stats", database=path).stdout
    for text in ("Articles per outlet and month", "2024-05", "Republished", "Latest crawl runs"):
        assert text in table


# --------------------------------------------------------------------------- bad arguments


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("events", "--since", "2024-13-01"), "is not a date"),
        (("events", "--until", "yesterday"), "is not a date"),
        (("events", "--since", "2024-06-01", "--until", "2024-05-01"), "after until"),
        (("events", "--source", "kompas"), "unknown source 'kompas'"),
        (("events", "--format", "xml"), "'xml' is not one of"),
        (("events", "--limit", "-1"), "--limit"),
        (("articles", "--source", "tribun"), "unknown source"),
        (("articles", "--event", "0"), "--event"),
        (("event", "999"), "no event 999"),
        (("event", "abc"), "not a valid integer"),
        (("stats", "--format", "csv"), "'csv' is not one of"),
    ],
)
def test_bad_arguments_one_line_exit_2(
    research_db: tuple[Path, Sample], args: tuple[str, ...], message: str
) -> None:
    path, _ = research_db
    result = CliRunner().invoke(cli, [*args, "--database", str(path)])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert message in lines[0]


@pytest.mark.parametrize(
    "command",
    [
        "events",
        "event 1",
        "articles",
        "stats",
        "export --out x",
        "plot timeline --out x.png",
        "serve",
    ],
)
def test_missing_database_is_not_created(tmp_path: Path, command: str) -> None:
    missing = tmp_path / "nothing-here.db"
    result = subprocess.run(
        [WARTA, *command.split(), "--database", str(missing)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "COLUMNS": "200"},
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "no SQLite database at" in result.stderr
    assert list(tmp_path.iterdir()) == []  # neither the database nor any output was written


def test_not_a_warta_database(tmp_path: Path) -> None:
    import sqlite3

    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    result = CliRunner().invoke(cli, ["events", "--database", str(other)])
    assert result.exit_code == 2
    assert "warta db upgrade" in result.stderr and len(result.stderr.splitlines()) == 1


def test_real_cli_with_a_quote_in_the_search(research_db: tuple[Path, Sample]) -> None:
    path, sample = research_db
    result = subprocess.run(
        [
            WARTA,
            "events",
            "--query",
            "Jum'at\" OR 1=1; --",
            "--format",
            "json",
            "--database",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []  # every phrase must match: "OR", "1=1" do not
    result = subprocess.run(
        [WARTA, "events", "--query", "Jum'at", "--format", "json", "--database", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert [row["event_id"] for row in json.loads(result.stdout)] == [sample.election]


# --------------------------------------------------------------------------- PostgreSQL


@pytest.mark.postgres
def test_same_commands_on_postgresql(postgres_url: str, research_db: tuple[Path, Sample]) -> None:
    build_research_database(postgres_url)
    sqlite_path, _ = research_db
    for args in (
        ("events", "--format", "csv"),
        ("events", "--query", "Jum'at", "--format", "csv"),
        ("articles", "--since", "2024-05-03", "--format", "csv"),
        ("articles", "--duplicates-only", "--format", "csv"),
        ("event", "1", "--format", "csv"),
    ):
        on_postgres = records(run(*args, database=postgres_url))
        on_sqlite = records(run(*args, database=sqlite_path))
        assert on_postgres == on_sqlite, args
    stats = json.loads(run("stats", "--format", "json", database=postgres_url).stdout)
    assert stats["articles"] == 13


# --------------------------------------------------------------------------- docs


def test_docs_show_every_research_command() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for command in (
        "warta events",
        "warta event ",
        "warta articles",
        "warta stats",
        "warta export",
        "warta serve",
        "warta plot timeline",
        "warta plot coverage",
    ):
        assert command in text, command


def test_tables_in_a_pipe_are_plain_columns_one_row_a_line(
    research_db: tuple[Path, Sample],
) -> None:
    """`warta events | less`: no box drawing, no wrapping at 80 columns (not even at a COLUMNS
    inherited from a parent process), CSV unchanged."""
    path, _sample = research_db
    env = {key: value for key, value in os.environ.items() if key != "FORCE_COLOR"}
    env["COLUMNS"] = "80"

    def piped(*arguments: str) -> str:
        result = subprocess.run(
            [WARTA, *arguments, "--database", str(path)],
            capture_output=True, text=True, env=env, timeout=60, check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    shown = piped("events").splitlines()
    rows = list(csv.DictReader(io.StringIO(piped("events", "--format", "csv"))))
    assert shown[0].startswith("Events (5 of 5)")
    assert shown[1].split() == ["id", "date", "outlets", "articles", "region", "place", "title",
                                "outlet", "keys"]
    assert len(shown) == 2 + len(rows)  # title, header, one line per event
    assert not any(character in "".join(shown) for character in "│┃━─┏┗")
    for row, line in zip(rows, shown[2:], strict=True):
        assert line.startswith(row["event_id"] + " ")
        assert row["title"] in line  # the whole title on the event's line
    assert max(len(line) for line in shown) > 80
