"""No module over 400 lines, bench and tests included: a longer module holds more than one idea."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("crawler", "spiders", "pipelines", "dedupe", "storage", "replayweb", "bench", "tests")
MAX_LINES = 400


def test_no_module_over_400_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for folder in FOLDERS
        for path in sorted((ROOT / folder).rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}, f"split these by idea: {long}"
