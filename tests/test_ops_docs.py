"""docs/OPERATIONS.md is executable: its crontab line, systemd unit and logrotate snippet run.

The exact commands are read from the document; only the install paths (/opt/warta,
/var/lib/warta, /var/log/warta) move to a temporary directory, the database becomes a SQLite
file, and the replay web stands in for the outlets (WARTA_BASE_URLS, WARTA_SOURCES).
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.commands.crawl import EXIT_LOCKED
from crawler.operations.replay import replay_web
from tests.archive_support import assert_every_article_archived, warcio_check
from tests.ops_support import PROJECT_ROOT, crawl_runs, run_warta

DOC = PROJECT_ROOT / "docs" / "OPERATIONS.md"
OUTLETS = ("indeks", "kabarsultra", "sibernas")


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def relocate(text: str, root: Path) -> str:
    for path, target in (
        ("/opt/warta", PROJECT_ROOT),
        ("/var/lib/warta", root / "lib"),
        ("/var/log/warta", root / "log"),
    ):
        text = text.replace(path, str(target))
    return text


def crontab(root: Path) -> tuple[dict[str, str], str]:
    """(variables, command) of the documented /etc/cron.d line."""
    (block,) = blocks("crontab")
    variables, commands = {}, []
    for line in relocate(block, root).splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if re.match(r"^[A-Z_]+=", line):
            name, _, value = line.partition("=")
            variables[name] = value
        else:
            commands.append(line.split(None, 6)[6])  # m h dom mon dow user command
    (command,) = commands
    return variables, command


def systemd_service(root: Path) -> tuple[dict[str, str], str, str, set[int]]:
    """(Environment, WorkingDirectory, ExecStart, success exit codes) of the documented unit."""
    (block,) = [b for b in blocks("ini") if "[Service]" in b]
    environment, directory, command, success = {}, "", "", {0}
    for line in relocate(block, root).splitlines():
        key, _, value = line.partition("=")
        if key == "Environment":
            name, _, setting = value.partition("=")
            environment[name] = setting
        elif key == "WorkingDirectory":
            directory = value
        elif key == "ExecStart":
            command = value
        elif key == "SuccessExitStatus":
            success |= {int(code) for code in value.split()}
    return environment, directory, command, success


def test_documented_exit_codes_match_the_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    for code in (0, 1, 2, EXIT_LOCKED):
        assert re.search(rf"^\| {code} \|", text, re.M), f"exit code {code} is not documented"
    _, _, _, success = systemd_service(Path("/tmp"))
    assert EXIT_LOCKED in success


def test_politeness_settings_are_wired(tmp_path: Path) -> None:
    probe = (
        "from crawler.operations.runner import project_settings as p; import json; s = p(); "
        "print(json.dumps("
        "[s['USER_AGENT'], s.getbool('HTTPCACHE_ENABLED'), s.getbool('ROBOTSTXT_OBEY'), "
        "s.getbool('AUTOTHROTTLE_ENABLED'), s.getint('CONCURRENT_REQUESTS_PER_DOMAIN'), "
        "'crawler.operations.incremental.IncrementalMiddleware' "
        "in s.getdict('DOWNLOADER_MIDDLEWARES')]))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("WARTA_")}
    default = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    agent, cache, robots, throttle, per_domain, incremental = json.loads(default.stdout)
    assert "Warta" in agent and "contact" in agent and not cache
    assert robots and throttle and per_domain <= 8 and incremental
    env.update(WARTA_USER_AGENT="Warta-test (ops@example.org)", WARTA_HTTPCACHE="1")
    changed = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(changed.stdout)[:2] == ["Warta-test (ops@example.org)", True]
    text = DOC.read_text(encoding="utf-8")
    for name in (
        "ROBOTSTXT_OBEY",
        "AUTOTHROTTLE_ENABLED",
        "CONCURRENT_REQUESTS_PER_DOMAIN",
        "WARTA_USER_AGENT",
        "WARTA_HTTPCACHE",
    ):
        assert name in text


@pytest.mark.slow
def test_systemd_unit_and_crontab_line_run_for_real(tmp_path: Path) -> None:
    database = tmp_path / "warta.db"
    with replay_web() as served:
        replay = {
            "WARTA_DATABASE_URL": f"sqlite:///{database}",
            "WARTA_BASE_URLS": json.dumps({key: served[key] for key in OUTLETS}),
            "WARTA_SOURCES": " ".join(OUTLETS),
        }
        base = {k: v for k, v in os.environ.items() if not k.startswith("WARTA_")}

        environment, directory, command, success = systemd_service(tmp_path)
        unit = subprocess.run(
            command.split(),
            cwd=directory,
            env={**base, **environment, **replay},
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert unit.returncode in success, unit.stderr
        assert unit.stdout == ""  # --quiet: nothing for cron to mail when all is well

        variables, line = crontab(tmp_path)
        cron = subprocess.run(
            [variables.get("SHELL", "/bin/sh"), "-c", line],
            env={**base, **variables, **replay},
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert cron.returncode == 0, cron.stderr

    runs = crawl_runs(f"sqlite:///{database}")
    assert [run["status"] for run in runs] == ["finished", "finished"]
    first, second = (run["stats"]["sources"] for run in runs)
    assert all(first[key]["articles_new"] > 0 for key in OUTLETS)
    assert all(second[key]["articles_new"] == 0 for key in OUTLETS)
    assert (tmp_path / "log" / "warta-crawl.log").stat().st_size > 0
    assert not any((tmp_path / "lib" / "jobs").iterdir())  # finished jobs are cleared
    # both documented runs archive: every article's page is in the WARC directory
    warcio_check(tmp_path / "lib" / "warc")
    assert_every_article_archived(f"sqlite:///{database}", tmp_path / "lib" / "warc")

    listing = run_warta(["runs", "--database", str(database), "--format", "json"], tmp_path / "log")
    assert listing.returncode == 0, listing.stderr
    report = json.loads(listing.stdout)
    assert [run["id"] for run in report["runs"]] == [runs[1]["id"], runs[0]["id"]]
    assert set(report["runs"][1]["sources"]) == set(OUTLETS)
    table = run_warta(["runs", "--database", str(database)], tmp_path / "log")
    assert table.returncode == 0 and "indeks" in table.stdout

    _rotate_logs(tmp_path)


def _rotate_logs(root: Path) -> None:
    """The documented logrotate snippet rotates the crawl log (run by logrotate itself)."""
    logrotate = shutil.which("logrotate") or (
        "/usr/sbin/logrotate" if Path("/usr/sbin/logrotate").exists() else None
    )
    if logrotate is None:
        pytest.skip("logrotate is not installed")
    (block,) = blocks("logrotate")
    user, group = pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name
    config = root / "logrotate.conf"
    config.write_text(
        relocate(block, root).replace("warta warta", f"{user} {group}"), encoding="utf-8"
    )
    config.chmod(0o644)
    done = subprocess.run(
        [logrotate, "--force", "--state", str(root / "logrotate.state"), str(config)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert (root / "log" / "warta-crawl.log.1").stat().st_size > 0  # delaycompress: plain
    assert (root / "log" / "warta-crawl.log").exists()  # created afresh
    assert (root / "log" / "warta-crawl.lock").exists()  # not a *.log: never rotated


def test_runs_refuses_a_missing_database(tmp_path: Path) -> None:
    result = run_warta(["runs", "--database", str(tmp_path / "none.db")], tmp_path)
    assert result.returncode == 2 and "no SQLite database" in result.stderr
