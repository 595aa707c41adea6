"""Bad configuration: wrong arguments, environment and base URLs end in one line and exit 2
or fetch nothing (split from tests/test_hostile_input.py)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.reliability import CRAWL_SETTINGS, VENV_BIN, articles_in, scrapy_crawl
from tests.research_sample import build_research_database

BAD_CONFIGURATION = [
    (["crawl", "nosuchoutlet"], {}),
    (["crawl", "telisik", "--base-urls", '{"nosuchoutlet": "http://127.0.0.1:1"}'], {}),
    (["crawl", "telisik", "--base-urls", "{not json"], {}),
    (["crawl", "telisik", "--max-articles", "-3"], {}),
    (["crawl", "telisik", "--since", "2024-13-45"], {}),
    (["crawl", "telisik"], {"WARTA_BASE_URLS": '{"nosuchoutlet": "http://127.0.0.1:1"}'}),
    (["events", "--since", "yesterday"], {}),
    (["events", "--min-outlets", "-1"], {}),
    (["articles", "--source", "nosuchoutlet"], {}),
    pytest.param(
        ["db", "check", "--database", "nosuchdriver://x/y"],
        {},
    ),
    (["events", "--database", "notadialect+nodriver://x"], {}),
]


@pytest.fixture(scope="module")
def research_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with outlets, events and articles, for the commands that read one."""
    path = tmp_path_factory.mktemp("bad-configuration") / "warta.db"
    build_research_database(f"sqlite:///{path}")
    return path


@pytest.mark.slow
@pytest.mark.parametrize(("arguments", "environ"), BAD_CONFIGURATION)
def test_bad_arguments_and_configuration_end_in_one_line_and_exit_2(
    research_database: Path, tmp_path: Path, arguments: list[str], environ: dict[str, str]
) -> None:
    import os

    target = tmp_path / "fresh.db"
    if "--database" not in arguments:
        database = str(research_database) if arguments[0] in {"events", "articles"} else str(target)
        arguments = [*arguments, "--database", database]
    if arguments[0] == "crawl":
        arguments += ["--log-file", str(tmp_path / "log"), "--lock-file", str(tmp_path / "lock")]
    env = {**os.environ, **environ}
    done = subprocess.run(
        [str(VENV_BIN / "warta"), *arguments],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, (arguments, done.stdout[-500:], done.stderr[-1500:])
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, (arguments, done.stderr)
    assert not target.exists(), "a refused command wrote a database"


@pytest.mark.slow
def test_scrapy_crawl_with_an_unknown_base_url_source_fetches_nothing(tmp_path: Path) -> None:
    database = tmp_path / "w.db"
    result = scrapy_crawl(
        "telisik", {"nosuchoutlet": "http://127.0.0.1:1"}, f"sqlite:///{database}", timeout=120
    )
    assert "WARTA_BASE_URLS names unknown sources: nosuchoutlet" in result.log
    assert articles_in(database) == 0
    assert "downloader/request_count" not in result.log, "the crawl fetched the real site instead"


def test_crawl_settings_keep_the_replay_web_allowed() -> None:
    # the helpers crawl loopback origins: the allow switch must be explicit there, never a default
    from crawler import settings

    assert settings.WARTA_ALLOW_PRIVATE_ADDRESSES is False
    assert CRAWL_SETTINGS["WARTA_ALLOW_PRIVATE_ADDRESSES"] == "1"
    assert json.loads(json.dumps(CRAWL_SETTINGS))
