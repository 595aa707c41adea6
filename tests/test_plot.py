"""`warta plot timeline|coverage`: real PNG and SVG files from a real database (copies kept in
test-artifacts/ to look at), and bad arguments that write nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from matplotlib.image import imread

from crawler.cli import cli
from tests.research_sample import Sample, build_research_database

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def research_db(tmp_path: Path) -> tuple[Path, Sample]:
    path = tmp_path / "warta.db"
    return path, build_research_database(f"sqlite:///{path}")


def plot(database: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["plot", *args, "--database", str(database)])


def keep(path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(path, ARTIFACTS / f"plot-{path.name}")


@pytest.mark.parametrize("kind", ["timeline", "coverage"])
def test_png(research_db: tuple[Path, Sample], tmp_path: Path, kind: str) -> None:
    path, _ = research_db
    out = tmp_path / f"{kind}.png"
    result = plot(path, kind, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == PNG_MAGIC
    height, width, _ = imread(out).shape
    assert width > 1000 and height > 400
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left
    keep(out)


def test_svg_names_outlets_and_events(research_db: tuple[Path, Sample], tmp_path: Path) -> None:
    path, _ = research_db
    out = tmp_path / "coverage.svg"
    assert plot(path, "coverage", "--out", str(out), "--min-outlets", "2").exit_code == 0
    svg = out.read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for text in ("kendaripos", "Banjir Rendam Ratusan Rumah", "Who republishes whom"):
        assert text in svg
    assert "<script>" not in svg  # a hostile title is text in the picture, escaped
    assert "Gempa" not in svg  # --min-outlets 2 left the one-outlet events out
    timeline = tmp_path / "timeline.svg"
    assert plot(path, "timeline", "--out", str(timeline), "--source", "telisik").exit_code == 0
    assert "telisik" in timeline.read_text()
    keep(timeline)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("timeline", "--out", "picture.gif"), "must end in .png or .svg"),
        (("coverage", "--out", "no/such/dir/c.png"), "does not exist"),
        (("timeline", "--out", "t.png", "--source", "kompas"), "unknown source"),
        (("coverage", "--out", "c.png", "--top", "0"), "--top"),
        (("timeline",), "Missing option '--out'"),
    ],
)
def test_bad_arguments(
    research_db: tuple[Path, Sample],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    message: str,
) -> None:
    path, _ = research_db
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = plot(path, *args)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and message in result.stderr
    assert list(work.iterdir()) == []
