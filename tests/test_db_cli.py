"""`warta db upgrade/current/check`, run for real in a subprocess on real databases."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage.articles import get_or_create_source, upsert_article
from storage.database import make_engine, session_scope
from storage.migrate import head, upgrade

WARTA = Path(sys.executable).parent / "warta"


def warta(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed `warta` command, with no database configured by the environment."""
    environment = {k: v for k, v in os.environ.items() if k != "WARTA_DATABASE_URL"}
    return subprocess.run(
        [str(WARTA), *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def store_one_article(url: str) -> None:
    engine = make_engine(url)
    with session_scope(engine) as session:
        source = get_or_create_source(session, "telisik", "Telisik", "https://telisik.example")
        upsert_article(
            session,
            source=source,
            url="https://telisik.example/berita/1",
            canonical_url="https://telisik.example/berita/1",
            html_sha256="a" * 64,
            title="Banjir di Kendari",
            author=None,
            editor=None,
            published_at=None,
            fetched_at=datetime(2024, 7, 9, tzinfo=UTC),
            language="id",
            language_probability=0.99,
            text="Banjir merendam Kendari.",
            signature=None,
            features=None,
            crawl_run_id=None,
        )
    engine.dispose()


def test_upgrade_current_check_on_a_sqlite_file(tmp_path: Path) -> None:
    database = tmp_path / "warta.db"
    created = warta("db", "upgrade", "--database", str(database), cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    assert f"to {head()}" in created.stdout
    assert database.is_file()

    shown = warta("db", "current", "--database", str(database), cwd=tmp_path)
    assert (shown.returncode, shown.stdout.strip()) == (0, head())

    store_one_article(f"sqlite:///{database}")
    checked = warta("db", "check", "--database", f"sqlite:///{database}", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "consistent" in checked.stdout

    again = warta("db", "upgrade", "--database", str(database), cwd=tmp_path)
    assert (again.returncode, again.stdout.strip()) == (0, f"database already at {head()}")


def test_upgrade_of_an_older_database_keeps_its_rows(tmp_path: Path) -> None:
    database = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{database}")
    upgrade(engine, "0001_initial")
    engine.dispose()
    store_one_article(f"sqlite:///{database}")

    result = warta("db", "upgrade", "--database", str(database), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "from 0001_initial" in result.stdout
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT title FROM articles").fetchall() == [
            ("Banjir di Kendari",)
        ]
        assert connection.execute("SELECT count(*) FROM article_urls").fetchone() == (1,)


def test_check_reports_problems_with_exit_1(tmp_path: Path) -> None:
    database = tmp_path / "warta.db"
    assert warta("db", "upgrade", "--database", str(database), cwd=tmp_path).returncode == 0
    store_one_article(f"sqlite:///{database}")
    with sqlite3.connect(database) as connection:  # foreign keys are off in a bare connection
        connection.execute("UPDATE articles SET event_id = 42, source_id = 77")
        connection.execute(
            "INSERT INTO crawl_runs (spider, started_at, status, pages_fetched, articles_new,"
            " articles_unchanged, duplicates, rejected_language, errors, stats)"
            " VALUES ('telisik', '2024-07-09 03:00:00', 'running', 0, 0, 0, 0, 0, 0, '{}')"
        )
    result = warta("db", "check", "--database", str(database), cwd=tmp_path)
    assert result.returncode == 1
    assert "error: article_missing_event:" in result.stdout
    assert "error: article_missing_source:" in result.stdout
    assert "notice: run_interrupted: crawl run 1 (telisik" in result.stdout


def test_check_of_an_interrupted_run_only_passes(tmp_path: Path) -> None:
    database = tmp_path / "warta.db"
    assert warta("db", "upgrade", "--database", str(database), cwd=tmp_path).returncode == 0
    with sqlite3.connect(database) as connection:
        connection.execute(
            "INSERT INTO crawl_runs (spider, started_at, status, pages_fetched, articles_new,"
            " articles_unchanged, duplicates, rejected_language, errors, stats)"
            " VALUES ('telisik', '2024-07-09 03:00:00', 'running', 0, 0, 0, 0, 0, 0, '{}')"
        )
    result = warta("db", "check", "--database", str(database), cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert "notice: run_interrupted" in result.stdout


@pytest.mark.parametrize("subcommand", ["check", "current"])
def test_missing_sqlite_file_is_a_one_line_error_and_stays_missing(
    tmp_path: Path, subcommand: str
) -> None:
    result = warta("db", subcommand, "--database", "nothing-here.db", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"Error: no SQLite database at {Path('nothing-here.db')}"
    ]
    assert not (tmp_path / "nothing-here.db").exists()


def test_check_of_a_database_without_schema_exits_2(tmp_path: Path) -> None:
    sqlite3.connect(tmp_path / "empty.db").close()
    result = warta("db", "check", "--database", "empty.db", cwd=tmp_path)
    assert result.returncode == 2
    assert "warta db upgrade" in result.stderr


def test_bad_arguments_exit_2(tmp_path: Path) -> None:
    unknown_option = warta("db", "check", "--no-such-option", cwd=tmp_path)
    assert unknown_option.returncode == 2
    assert "No such option" in unknown_option.stderr
    bad_url = warta("db", "upgrade", "--database", "nosuchdb://x/y", cwd=tmp_path)
    assert bad_url.returncode == 2
    assert "Invalid value for --database" in bad_url.stderr
    bad_revision = warta(
        "db", "upgrade", "--database", "w.db", "--revision", "9999_nope", cwd=tmp_path
    )
    assert bad_revision.returncode == 2
    assert "unknown revision" in bad_revision.stderr
    assert not (tmp_path / "w.db").exists()
    no_workers = warta("recluster", "--database", "r.db", "--workers", "0", cwd=tmp_path)
    assert no_workers.returncode == 2
    assert "Invalid value for '--workers'" in no_workers.stderr
    assert not (tmp_path / "r.db").exists()


def test_unreachable_postgresql_is_one_line(tmp_path: Path) -> None:
    url = "postgresql://postgres@127.0.0.1:1/warta"
    upgraded = warta("db", "upgrade", "--database", url, cwd=tmp_path)
    assert upgraded.returncode == 1
    assert len(upgraded.stderr.strip().splitlines()) == 1
    assert "refused" in upgraded.stderr.lower()
    checked = warta("db", "check", "--database", url, cwd=tmp_path)
    assert checked.returncode == 2
    assert len(checked.stderr.strip().splitlines()) == 1


def test_unwritable_sqlite_path_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    result = warta("db", "upgrade", "--database", str(tmp_path / "file" / "w.db"), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: cannot open database sqlite:///{tmp_path}/file/w.db: unable to open database file"
    ]


@pytest.mark.postgres
def test_upgrade_current_check_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    upgraded = warta("db", "upgrade", "--database", postgres_url, cwd=tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    shown = warta("db", "current", "--database", postgres_url, cwd=tmp_path)
    assert (shown.returncode, shown.stdout.strip()) == (0, head())
    store_one_article(postgres_url)
    checked = warta("db", "check", "--database", postgres_url, cwd=tmp_path)
    assert (checked.returncode, checked.stdout.strip()) == (0, "database is consistent")


def test_help_gives_an_example_for_every_db_command(tmp_path: Path) -> None:
    for subcommand in ("upgrade", "current", "check"):
        result = warta("db", subcommand, "--help", cwd=tmp_path)
        assert result.returncode == 0
        assert "Example: warta db " + subcommand in result.stdout
