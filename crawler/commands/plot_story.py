"""`warta plot story ID --out FILE.png`: a story's timeline, one row per event in time order,
a dot per day sized by its articles (registered on `warta plot` by crawler.commands.plot)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from crawler.commands.events import ResearchCommand, read_session
from crawler.commands.options import database_url_option
from crawler.commands.pictures import check_out, label, out_option, save, short
from storage import story_queries


@click.command("story", cls=ResearchCommand)
@click.argument("story_id", metavar="ID", type=click.IntRange(min=1))
@database_url_option
@out_option
def story(database_url: str, story_id: int, out_file: Path) -> None:
    """The events of story ID along its days: what happened when, and how widely reported.

    Example: warta plot story 7 --out story.png
    """
    file_format = check_out(out_file)
    with read_session(database_url) as session:
        detail = story_queries.story_detail(session, story_id)
    if detail is None:
        raise click.BadParameter(f"no story {story_id} in the database", param_hint="'ID'")
    save(draw_story(detail), out_file, file_format)
    click.echo(f"wrote {out_file}", err=True)


def draw_story(detail: story_queries.StoryDetail) -> Any:
    """One row per event (first at the top) at its date, dot area by articles."""
    from matplotlib.dates import AutoDateLocator, DateFormatter
    from matplotlib.figure import Figure

    events = [item.event for item in detail.events]
    figure = Figure(figsize=(11, 1.6 + 0.42 * len(events)), layout="constrained")
    axes = figure.subplots()
    axes.set_title(label(f"Story {detail.story.id}: {short(detail.story.title, 90)}"))
    dated: list[tuple[Any, date]] = []
    for row in events:
        day = row.event_date or (row.first_seen.date() if row.first_seen else None)
        if day is not None:
            dated.append((row, day))
    if not dated:
        axes.text(0.5, 0.5, "no dated events", ha="center", va="center")
        return figure
    rows = list(range(len(dated), 0, -1))
    days: Any = [day for _, day in dated]  # matplotlib plots dates; its stubs say numbers
    axes.scatter(
        days,
        rows,
        s=[40 + 30 * row.article_count for row, _ in dated],
        c=[row.outlet_count for row, _ in dated],
        cmap="viridis",
        edgecolors="#222222",
    )
    axes.set_yticks(rows, [label(short(row.title, 60)) for row, _ in dated], fontsize="small")
    axes.set_ylim(0.3, len(dated) + 0.7)
    axes.xaxis.set_major_locator(AutoDateLocator(minticks=3, maxticks=12, interval_multiples=True))
    axes.xaxis.set_major_formatter(DateFormatter("%Y-%m-%d"))  # days, never hours
    axes.grid(axis="x", alpha=0.3)
    axes.set_xlabel("event date (dot: articles; colour: outlets)")
    figure.autofmt_xdate()
    return figure
