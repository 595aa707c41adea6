"""Helpers of the archive tests: crawl with archiving on, read every article's record back.

"Read back" means what a researcher would do: open the WARC record an article row points at,
decode the page as the crawl did, and find the very HTML whose hash the row stores.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections import Counter
from pathlib import Path

from sqlalchemy import create_engine, select
from warcio.archiveiterator import ArchiveIterator

from crawler.archive.reextract import page_html
from storage.database import normalise_driver
from storage.models import Article
from storage.warc import read_page

BIN = Path(sys.executable).parent


def archive_args(warc_dir: Path) -> list[str]:
    """`warta crawl` options that archive into `warc_dir`."""
    return ["--set", f"WARTA_WARC_DIR={warc_dir}"]  # naming the directory turns archiving on


Pointer = tuple[int, str, str, str | None, int | None, str | None]


def stored_pointers(database_url: str) -> list[Pointer]:
    """(id, url, html_sha256, warc_file, warc_offset, warc_record_id) of every article."""
    engine = create_engine(normalise_driver(database_url))
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                Article.id,
                Article.url,
                Article.html_sha256,
                Article.warc_file,
                Article.warc_offset,
                Article.warc_record_id,
            ).order_by(Article.id)
        ).all()
    engine.dispose()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def assert_every_article_archived(database_url: str, warc_dir: Path) -> int:
    """Each article's record is readable and holds the page whose hash the row stores; the
    number of articles checked."""
    rows = stored_pointers(database_url)
    assert rows, "nothing stored"
    for article_id, url, html_sha256, file, offset, record_id in rows:
        assert file is not None and offset is not None, f"article {article_id} not archived"
        page = read_page(warc_dir, file, offset, record_id)
        assert page.url == url
        digest = hashlib.sha256(page_html(page).encode("utf-8", "surrogatepass")).hexdigest()
        assert digest == html_sha256, f"article {article_id}: archived page is another page"
    return len(rows)


def warcio_check(warc_dir: Path) -> list[Path]:
    """`warcio check` passes on every file of `warc_dir` (the files, sorted)."""
    files = sorted(warc_dir.glob("*.warc.gz"))
    assert files, f"no WARC file in {warc_dir}"
    done = subprocess.run(
        [str(BIN / "warcio"), "check", *map(str, files)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return files


def response_uris(warc_dir: Path) -> Counter[str]:
    """How many response records each URL has across the files of `warc_dir`."""
    found: Counter[str] = Counter()
    for path in sorted(warc_dir.glob("*.warc.gz")):
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type == "response":
                    found[record.rec_headers.get_header("WARC-Target-URI")] += 1
    return found
