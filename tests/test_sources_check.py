"""`warta sources check` on the replay web (loopback only): outlets that move, die, change
theme or empty their feed, beside healthy ones; exact verdicts, stored and shown, with the real
command and a real SQLite database. The exit status tells cron when an outlet turned bad."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from crawler.health.probe import Thresholds
from crawler.sources import load_sources
from replayweb.server import ReplayWeb
from storage.models import SourceCheck
from tests.ops_support import run_warta

SOURCES = load_sources()
ORIGINS = {key: source.base_url for key, source in SOURCES.items()}
HEALTHY = ("antarasultra", "sibernas", "telisik", "tribunsultra")
#: outlet → its fault: a move (to 127.0.0.2), a 503 for everything, DNS failure, new theme,
#: empty feed
FAULTS = {"indeks": {"outlet_down"}, "kabarsultra": {"new_theme"}, "chanetujuh": {"feed_empty"}}
MOVED, DEAD_DNS = "kendaripos", "zonasultra"
FAST = ("--set", "AUTOTHROTTLE_ENABLED=false", "--set", "WARTA_ALLOW_PRIVATE_ADDRESSES=true")


@dataclass
class Checked:
    first: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]
    #: telisik, healthy twice, now answers nothing (a closed port)
    third: subprocess.CompletedProcess[str]
    new_home: str
    database: str
    log_dir: Path
    hits: dict[str, int]


def check(base_urls: dict[str, str], database: str, log_dir: Path, *extra: str):  # type: ignore[no-untyped-def]
    return run_warta(
        ["sources", "check", *sorted(base_urls), "--database", database,
         "--base-urls", json.dumps(base_urls), *FAST, *extra],
        log_dir,
    )  # fmt: skip


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Checked]:
    root = tmp_path_factory.mktemp("check")
    database = f"sqlite:///{root / 'warta.db'}"
    with ReplayWeb(host="127.0.0.2") as new_home:
        moved = {MOVED: new_home.base_urls[MOVED]}
        with ReplayWeb(origins=ORIGINS, faults=FAULTS, moved=moved) as web:
            base_urls = {**web.base_urls, DEAD_DNS: "http://zonasultra-tutup.invalid"}
            first = check(base_urls, database, root, "--format", "json")
            second = check(base_urls, database, root, "--format", "csv")
            hits = {key: sum(web.hits(key).values()) for key in web.base_urls}
            closed = {**base_urls, "telisik": "http://127.0.0.1:9"}
            third = check(closed, database, root, "--format", "json")
            yield Checked(first, second, third, moved[MOVED], database, root, hits)


def records(result: subprocess.CompletedProcess[str]) -> dict[str, dict]:  # type: ignore[type-arg]
    return {r["source"]: r for r in map(json.loads, result.stdout.splitlines())}


def test_each_outlet_gets_its_verdict(checked: Checked) -> None:
    found = records(checked.first)
    assert {key: record["verdict"] for key, record in found.items()} == {
        **dict.fromkeys(HEALTHY, "ok"),
        "indeks": "broken",
        DEAD_DNS: "broken",
        MOVED: "moved",
        "kabarsultra": "degraded",
        "chanetujuh": "degraded",
    }
    assert found["indeks"]["reasons"] == ["home page answers 503"]
    assert found[DEAD_DNS]["reasons"] == ["DNS: zonasultra.id does not resolve"]
    assert found[MOVED]["suggested_base_url"] == checked.new_home
    assert found[MOVED]["reasons"] == [f"redirects to {checked.new_home}"]
    assert found["chanetujuh"]["reasons"] == ["feed empty: https://chanetujuh.com/feed"]
    [theme] = found["kabarsultra"]["reasons"]
    assert theme.startswith("pattern refuses most listed links:")
    assert theme.endswith("article links of the listing pages")
    for key in HEALTHY:
        assert found[key]["reasons"] == [] and found[key]["newest_article"], key


def test_cron_hears_of_outlets_that_turned_bad_once(checked: Checked) -> None:
    assert checked.first.returncode == 1, checked.first.stderr
    named = {line.split()[3] for line in checked.first.stderr.splitlines()
             if line.startswith("warta sources check: ")}  # fmt: skip
    assert named == {"indeks", DEAD_DNS, MOVED, "kabarsultra", "chanetujuh"}
    # the same verdicts again: nothing turned bad since the last check
    assert checked.second.returncode == 0, checked.second.stderr
    assert "warta sources check:" not in checked.second.stderr
    header, *rows = checked.second.stdout.splitlines()
    assert header.split(",")[:3] == ["source", "base_url", "verdict"]
    assert len(rows) == 9
    # a healthy outlet dies: only it is named, against its last verdict
    assert checked.third.returncode == 1
    assert checked.third.stderr.splitlines()[-1:] == [
        "warta sources check: telisik is broken (was ok): home page: connection refused"
    ]
    assert records(checked.third)["telisik"]["previous_verdict"] == "ok"


def test_checks_are_stored_with_their_history_and_shown(checked: Checked) -> None:
    engine = create_engine(checked.database)
    with engine.connect() as connection:
        rows = connection.execute(
            select(SourceCheck.source, func.count()).group_by(SourceCheck.source)
        )
        per_source = {source: count for source, count in rows}
    engine.dispose()
    assert per_source == dict.fromkeys(records(checked.first), 3)
    shown = run_warta(["sources", "--database", checked.database, "--format", "json"],
                      checked.log_dir)  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    outlets = records(shown)
    assert set(outlets) == set(SOURCES)  # every registered outlet, checked or not
    verified = {key for key, record in outlets.items() if record["verified"]}
    assert verified == set(HEALTHY) - {"telisik"}  # its last check found it broken
    assert outlets["telisik"]["verdict"] == "broken"
    assert outlets[MOVED]["verdict"] == "moved"
    assert outlets["chanetujuh"]["newest_article"]
    assert outlets["kolakaposnews"]["verdict"] is None  # never checked


def test_each_check_stays_within_its_budget(checked: Checked) -> None:
    budget = Thresholds.load().budget
    for key, record in records(checked.first).items():
        assert 0 < record["requests"] <= budget.max_requests, key
    # what the outlets' servers saw over the first two checks
    assert max(checked.hits.values()) <= 2 * budget.documents * (budget.retry_times + 1)


def test_a_site_not_registered_is_judged_as_the_site_spider_judges_it(tmp_path: Path) -> None:
    with ReplayWeb() as web:
        site = web.base_urls["kabarsultra"]
        result = run_warta(
            ["sources", "check", "--url", site + "/", "--database", str(tmp_path / "w.db"),
             "--format", "json", *FAST],
            tmp_path,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    [record] = records(result).values()
    assert (record["source"], record["verdict"]) == ("site_127_0_0_1", "ok")


def test_unknown_outlet_and_unsafe_url_are_usage_errors(tmp_path: Path) -> None:
    unknown = run_warta(["sources", "check", "nosuch", "--database", str(tmp_path / "w.db")],
                        tmp_path)  # fmt: skip
    assert unknown.returncode == 2 and "unknown source(s): nosuch" in unknown.stderr
    private = run_warta(["sources", "check", "--url", "http://127.0.0.1:9/",
                         "--database", str(tmp_path / "w.db")], tmp_path)  # fmt: skip
    assert private.returncode == 2 and "private or loopback" in private.stderr


def test_checks_stored_in_postgresql(postgres_url: str, tmp_path: Path) -> None:
    with ReplayWeb(origins=ORIGINS, faults={"indeks": {"outlet_down"}}) as web:
        base_urls = {key: web.base_urls[key] for key in ("telisik", "indeks")}
        result = check(base_urls, postgres_url, tmp_path, "--format", "json")
    assert result.returncode == 1, result.stderr
    assert {k: r["verdict"] for k, r in records(result).items()} == {
        "telisik": "ok",
        "indeks": "broken",
    }
    shown = records(run_warta(["sources", "--database", postgres_url, "--format", "json"],
                              tmp_path))  # fmt: skip
    assert (shown["telisik"]["verified"], shown["indeks"]["verified"]) == (True, False)
    assert shown["indeks"]["reasons"] == ["home page answers 503"]
