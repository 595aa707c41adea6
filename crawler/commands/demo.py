"""`warta demo`: the offline main job — crawl the replay web, then show groups and events."""

from __future__ import annotations

import click

from crawler.commands.options import database_url_option
from crawler.commands.run_report import print_crawl_summary, print_duplicate_groups, print_events
from crawler.operations.replay import replay_web
from crawler.operations.runner import project_settings, run_crawl

#: The replay web is ours and local: no throttling, and its loopback origins are allowed.
DEMO_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "LOG_LEVEL": "WARNING",
    "WARTA_ALLOW_PRIVATE_ADDRESSES": True,
}


@click.command("demo")
@database_url_option
def command(database_url: str) -> None:
    """Crawl every outlet of the offline replay web with Scrapy into the database.

    Starts the replay web on 127.0.0.1, crawls each of its outlets through the real
    spiders and pipelines, then prints the crawl figures, the near-duplicate groups and
    the event table. Running it again adds nothing.

    Example: warta demo --database warta.db
    """
    with replay_web() as origins:
        settings = project_settings(
            {**DEMO_SETTINGS, "WARTA_BASE_URLS": origins, "WARTA_DATABASE_URL": database_url}
        )
        outcome = run_crawl(sorted(origins), settings)
    print_crawl_summary(outcome)
    print_duplicate_groups(database_url)
    print_events(database_url)
