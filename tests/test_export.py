"""`warta export`: CSV, JSON Lines and Parquet read back with pandas/pyarrow, stable columns, a
complete data dictionary, filters, atomic writes, and the same files from PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

from crawler.cli import cli
from storage import queries
from tests.research_sample import HOSTILE_TITLE, Sample, build_research_database

TABLES = ("events", "articles", "event_articles", "stories")


@pytest.fixture
def research_db(tmp_path: Path) -> tuple[Path, Sample]:
    path = tmp_path / "warta.db"
    return path, build_research_database(f"sqlite:///{path}")


def export(database: Path | str, out: Path, *args: str) -> Result:
    return CliRunner().invoke(
        cli, ["export", "--database", str(database), "--out", str(out), "--quiet", *args]
    )


def read(out: Path, table: str, file_format: str) -> pd.DataFrame:
    path = out / f"{table}.{file_format}"
    if file_format == "csv":
        return pd.read_csv(path, keep_default_na=False, na_values=[""])
    if file_format == "jsonl":
        return pd.read_json(path, lines=True)
    return pd.read_parquet(path)


@pytest.mark.parametrize("file_format", ["csv", "jsonl", "parquet"])
def test_export_reads_back(
    research_db: tuple[Path, Sample], tmp_path: Path, file_format: str
) -> None:
    path, sample = research_db
    out = tmp_path / "export"
    result = export(path, out, "--format", file_format)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{t}.{file_format}" for t in TABLES] + ["datadictionary.json", "datadictionary.md"]
    )
    frames = {table: read(out, table, file_format) for table in TABLES}
    for table, frame in frames.items():
        assert list(frame.columns) == [c.name for c in queries.EXPORT_TABLES[table][1]]
    events, articles, members = frames["events"], frames["articles"], frames["event_articles"]
    assert list(events["event_id"]) == [
        sample.flood,
        sample.election,
        sample.market,
        sample.protest,
        sample.quake,
    ]
    stories = frames["stories"]  # each event of the sample is a story of its own
    assert sorted(stories["story_id"]) == sorted(events["story_id"])
    assert list(stories["events"]) == [1] * 5
    assert len(articles) == 13  # no filter: every article, the unclustered one included
    assert articles.loc[articles["article_id"] == sample.unclustered, "event_id"].isna().all()
    assert len(members) == 12
    assert set(members["article_id"]) <= set(articles["article_id"])
    flood = members[members["event_id"] == sample.flood]
    assert list(flood["outlet"]) == ["telisik", "zonasultra", "sultrakini", "kendaripos"]
    assert list(flood["is_duplicate"].astype(bool)) == [False, False, True, False]
    protest = articles.loc[articles["event_id"] == sample.protest, "title"]
    assert HOSTILE_TITLE in list(protest)  # data files keep the text exactly as stored
    reason = articles.loc[articles["article_id"] == sample.flood_copy, "event_reason"].item()
    assert json.loads(reason)["places"] == ["Kendari"]
    late = articles.loc[articles["article_id"] == sample.late_flood_article]
    assert str(late["published_date"].item())[:10] == "2024-05-03"
    assert str(pd.Timestamp(late["published_at"].item()).tz_convert("UTC")) == (
        "2024-05-02 22:30:00+00:00"
    )


def test_parquet_types_are_stable(research_db: tuple[Path, Sample], tmp_path: Path) -> None:
    path, _ = research_db
    out = tmp_path / "export"
    assert export(path, out, "--format", "parquet").exit_code == 0
    schema = pq.read_schema(out / "articles.parquet")
    assert str(schema.field("published_at").type) == "timestamp[us, tz=UTC]"
    assert str(schema.field("published_date").type) == "date32[day]"
    assert str(schema.field("duplicate_of").type) == "int64"
    assert str(pq.read_schema(out / "event_articles.parquet").field("is_duplicate").type) == "bool"


def test_data_dictionary_describes_every_column(
    research_db: tuple[Path, Sample], tmp_path: Path
) -> None:
    path, _ = research_db
    out = tmp_path / "export"
    assert export(path, out, "--format", "csv", "--min-outlets", "3").exit_code == 0
    dictionary = json.loads((out / "datadictionary.json").read_text())
    assert dictionary["filters"] == {"min_outlets": 3}
    markdown = (out / "datadictionary.md").read_text()
    for table in TABLES:
        entry = dictionary["tables"][table]
        header = pd.read_csv(out / entry["file"], nrows=0).columns
        assert [c["name"] for c in entry["columns"]] == list(header)
        assert all(c["description"] for c in entry["columns"])
        assert entry["rows"] == len(pd.read_csv(out / entry["file"]))
        assert f"## {entry['file']}" in markdown


def test_export_filters_like_events(research_db: tuple[Path, Sample], tmp_path: Path) -> None:
    path, sample = research_db
    out = tmp_path / "export"
    result = export(path, out, "--format", "jsonl", "--min-outlets", "3", "--since", "2024-05-05")
    assert result.exit_code == 0, result.output
    events = read(out, "events", "jsonl")
    assert list(events["event_id"]) == [sample.election, sample.protest]
    articles = read(out, "articles", "jsonl")
    assert set(articles["event_id"]) == {sample.election, sample.protest}
    assert len(articles) == len(read(out, "event_articles", "jsonl")) == 6


def test_interrupted_export_leaves_no_half_file(
    research_db: tuple[Path, Sample], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = research_db
    out = tmp_path / "export"
    out.mkdir()
    (out / "articles.csv").write_text("previous export\n")

    def failing(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        yield from original(*args, **kwargs)
        raise KeyboardInterrupt

    original = queries.export_articles
    monkeypatch.setattr(queries, "export_articles", failing)
    result = export(path, out, "--format", "csv")
    assert result.exit_code != 0
    assert sorted(p.name for p in out.iterdir()) == ["articles.csv"]  # no staging, no new file
    assert (out / "articles.csv").read_text() == "previous export\n"


@pytest.mark.parametrize(
    "args",
    [("--format", "xlsx"), ("--source", "kompas"), ("--since", "2024-02-30")],
)
def test_bad_arguments_write_nothing(
    research_db: tuple[Path, Sample], tmp_path: Path, args: tuple[str, ...]
) -> None:
    path, _ = research_db
    out = tmp_path / "never"
    result = export(path, out, *args)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert not out.exists()


@pytest.mark.postgres
def test_postgresql_exports_the_same_rows(
    postgres_url: str, research_db: tuple[Path, Sample], tmp_path: Path
) -> None:
    build_research_database(postgres_url)
    sqlite_path, _ = research_db
    assert export(sqlite_path, tmp_path / "lite", "--format", "parquet").exit_code == 0
    result = export(postgres_url, tmp_path / "pg", "--format", "parquet")
    assert result.exit_code == 0, result.output
    for table in TABLES:
        pd.testing.assert_frame_equal(
            read(tmp_path / "lite", table, "parquet"), read(tmp_path / "pg", table, "parquet")
        )
