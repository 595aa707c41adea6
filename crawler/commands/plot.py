"""`warta plot timeline|coverage`: pictures of when coverage peaks and which outlets cover (and
republish) which events, as PNG or SVG.

Drawn on a bare matplotlib Figure (Agg/SVG canvases, no pyplot state, no display needed) and
written atomically: a temporary file beside --out, renamed when complete.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import click

from crawler.commands.events import (
    IsoDate,
    ResearchGroup,
    check_sources,
    event_filter,
    filter_options,
    printable,
    read_session,
)
from crawler.commands.options import database_url_option
from crawler.commands.plot_regions import regions_command
from storage import queries

_FORMATS = {".png": "png", ".svg": "svg"}


def _out_option(function: Any) -> Any:
    return click.option(
        "--out",
        "out_file",
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help="Picture to write: .png or .svg.",
    )(function)


def _check_out(out_file: Path) -> str:
    """The image format for `out_file`, or a usage error before any work is done."""
    file_format = _FORMATS.get(out_file.suffix.lower())
    if file_format is None:
        raise click.BadParameter(
            f"{out_file.name!r} must end in .png or .svg", param_hint="'--out'"
        )
    if not out_file.parent.resolve().is_dir():
        raise click.BadParameter(
            f"directory {str(out_file.parent)!r} does not exist", param_hint="'--out'"
        )
    return file_format


def _label(value: str) -> str:
    """Page text for a matplotlib label: printable, and `$` not read as mathtext."""
    return printable(value).replace("$", r"\$")


def _save(figure: Any, out_file: Path, file_format: str) -> None:
    handle, temporary = tempfile.mkstemp(
        prefix=f".{out_file.name}.", suffix=".tmp", dir=out_file.parent
    )
    os.close(handle)
    try:
        figure.savefig(temporary, format=file_format, dpi=150, bbox_inches="tight")
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes 0600; a picture is for sharing
        os.replace(temporary, out_file)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@click.group("plot", cls=ResearchGroup)
def command() -> None:
    """Draw coverage pictures (PNG or SVG) from the database.

    Example: warta plot timeline --out timeline.png
    """


@command.command("timeline")
@database_url_option
@click.option("--since", type=IsoDate(), help="First day, YYYY-MM-DD.")
@click.option("--until", type=IsoDate(), help="Last day, YYYY-MM-DD.")
@click.option("--source", "sources", multiple=True, metavar="KEY", help="Outlet key (repeatable).")
@click.option(
    "--top",
    type=click.IntRange(min=1, max=20),
    default=8,
    show_default=True,
    help="Outlets drawn apart; the rest are 'other'.",
)
@_out_option
def timeline(
    database_url: str,
    since: date | None,
    until: date | None,
    sources: tuple[str, ...],
    top: int,
    out_file: Path,
) -> None:
    """Articles per day by outlet (stacked) above events per day: when coverage peaks.

    Example: warta plot timeline --since 2024-05-01 --out timeline.svg
    """
    file_format = _check_out(out_file)
    filters = event_filter(since, until, sources, None, None, None)
    with read_session(database_url) as session:
        check_sources(session, sources)
        per_day = queries.articles_per_day(
            session, queries.ArticleFilter(since=since, until=until, sources=tuple(sources))
        )
        events = queries.events_per_day(session, filters)
    figure = draw_timeline(per_day, events, top=top)
    _save(figure, out_file, file_format)
    click.echo(f"wrote {out_file}", err=True)


def draw_timeline(
    per_day: list[tuple[date, str, int]], events: list[tuple[date, int]], *, top: int = 8
) -> Any:
    """The timeline figure; days are binned by week when the span exceeds 120 days."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    days = [day for day, _, _ in per_day] + [day for day, _ in events]
    figure = Figure(figsize=(12, 6.5), layout="constrained")
    upper, lower = figure.subplots(2, 1, sharex=True, height_ratios=(3, 1.4))
    if not days:
        upper.text(0.5, 0.5, "no dated articles", ha="center", va="center")
        return figure
    start, end = min(days), max(days)
    weekly = (end - start).days > 120
    step = timedelta(days=7 if weekly else 1)

    def bucket(day: date) -> date:
        return day - timedelta(days=day.weekday()) if weekly else day

    totals: dict[str, int] = defaultdict(int)
    for _, outlet, n in per_day:
        totals[outlet] += n
    named = sorted(totals, key=lambda outlet: (-totals[outlet], outlet))[:top]
    series: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for day, outlet, n in per_day:
        series[outlet if outlet in named else "other"][bucket(day)] += n
    buckets = []
    cursor = bucket(start)
    while cursor <= end:
        buckets.append(cursor)
        cursor += step
    width = step.days * 0.85
    bottom = [0] * len(buckets)
    for outlet in [*named, "other"] if "other" in series else named:  # colours: the cycle
        heights = [series[outlet].get(b, 0) for b in buckets]
        upper.bar(buckets, heights, width=width, bottom=bottom, label=_label(outlet))
        bottom = [a + b for a, b in zip(bottom, heights, strict=True)]
    unit = "week" if weekly else "day"
    upper.set_ylabel(f"articles per {unit}")
    upper.set_title(f"Articles per {unit} by outlet (WITA days) and events per {unit}")
    upper.legend(loc="upper left", fontsize="small", ncols=min(4, len(named) + 1), frameon=False)
    upper.grid(axis="y", alpha=0.3)
    upper.yaxis.set_major_locator(MaxNLocator(integer=True))
    event_counts: dict[date, int] = defaultdict(int)
    for day, n in events:
        event_counts[bucket(day)] += n
    lower.bar(buckets, [event_counts.get(b, 0) for b in buckets], width=width, color="#444444")
    lower.set_ylabel(f"events per {unit}")
    lower.grid(axis="y", alpha=0.3)
    lower.yaxis.set_major_locator(MaxNLocator(integer=True))
    figure.autofmt_xdate()
    return figure


@command.command("coverage")
@database_url_option
@filter_options
@click.option(
    "--top",
    type=click.IntRange(min=1, max=200),
    default=30,
    show_default=True,
    help="Events drawn: those with most outlets.",
)
@_out_option
def coverage(
    database_url: str,
    filters: queries.EventFilter,
    top: int,
    out_file: Path,
) -> None:
    """Which outlets cover which events (a matrix), and who republishes whom.

    Example: warta plot coverage --min-outlets 2 --top 40 --out coverage.png
    """
    file_format = _check_out(out_file)
    with read_session(database_url) as session:
        check_sources(session, filters.sources)
        matrix = queries.coverage(session, filters, top=top)
    figure = draw_coverage(matrix)
    _save(figure, out_file, file_format)
    click.echo(f"wrote {out_file}", err=True)


def draw_coverage(matrix: queries.Coverage) -> Any:
    """Left: events × outlets (articles); right: republishing outlet × original outlet."""
    from matplotlib.figure import Figure

    rows = len(matrix.events)
    figure = Figure(figsize=(14, max(4.0, 1.2 + 0.32 * rows)), layout="constrained")
    left, right = figure.subplots(1, 2, width_ratios=(3, 1.3))
    if not rows:
        left.text(0.5, 0.5, "no events", ha="center", va="center")
        right.set_axis_off()
        return figure
    image = left.imshow(matrix.counts, aspect="auto", cmap="Blues", vmin=0)
    left.set_xticks(
        range(len(matrix.outlets)), [_label(o) for o in matrix.outlets], rotation=45, ha="right"
    )
    left.set_yticks(
        range(rows),
        [
            _label(f"{e.event_date or '????-??-??'}  {_short(e.title)}  ({e.outlet_count})")
            for e in matrix.events
        ],
        fontsize="small",
    )
    darkest = max((n for counts in matrix.counts for n in counts), default=1)
    for i, counts in enumerate(matrix.counts):
        for j, n in enumerate(counts):
            if n:
                left.text(
                    j,
                    i,
                    str(n),
                    ha="center",
                    va="center",
                    fontsize="small",
                    color="white" if n >= darkest / 2 else "black",
                )
    left.set_title("Articles per event (rows, with outlet count) and outlet")
    figure.colorbar(image, ax=left, shrink=0.6, label="articles")
    outlets = sorted({o for pair in matrix.republished for o in pair[:2]})
    if not outlets:
        right.text(0.5, 0.5, "no republished\nnear-duplicates", ha="center", va="center")
        right.set_axis_off()
        return figure
    index = {outlet: k for k, outlet in enumerate(outlets)}
    copies = [[0] * len(outlets) for _ in outlets]
    for copier, original, n in matrix.republished:
        copies[index[copier]][index[original]] += n
    right.imshow(copies, cmap="Oranges", vmin=0)
    labels = [_label(o) for o in outlets]
    right.set_xticks(range(len(outlets)), labels, rotation=45, ha="right")
    right.set_yticks(range(len(outlets)), labels)
    most = max(n for counts in copies for n in counts)
    for i, counts in enumerate(copies):
        for j, n in enumerate(counts):
            if n:
                right.text(
                    j,
                    i,
                    str(n),
                    ha="center",
                    va="center",
                    fontsize="small",
                    color="white" if n >= most / 2 else "black",
                )
    right.set_xlabel("copied from (original outlet)")
    right.set_ylabel("republished by")
    right.set_title("Who republishes whom")
    return figure


def _short(title: str, limit: int = 48) -> str:
    title = " ".join(title.split())
    return title if len(title) <= limit else title[: limit - 1] + "…"


@command.command("actor")
@click.argument("name")
@database_url_option
@_out_option
def actor(database_url: str, name: str, out_file: Path) -> None:
    """Articles naming the actor NAME per day: when a person or body is in the news.

    Example: warta plot actor "Andap Budhi Revianto" --out andap.png
    """
    from storage import actor_queries

    file_format = _check_out(out_file)
    with read_session(database_url) as session:
        actor_id = actor_queries.find_actor(session, name)
        if actor_id is None:
            raise click.BadParameter(f"no actor named {name!r} in the database", param_hint="NAME")
        detail = actor_queries.actor_detail(session, actor_id, limit=0)
        days = actor_queries.appearances(session, actor_id)
    assert detail is not None
    _save(draw_appearances(days, detail.name), out_file, file_format)
    click.echo(f"wrote {out_file}", err=True)


def draw_appearances(days: list[tuple[date, int]], name: str) -> Any:
    """Bars of articles per publication day (UTC) naming one actor."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(10, 3.5), layout="constrained")
    axes = figure.subplots()
    axes.set_title(f"Articles naming {_label(name)} per day")
    if not days:
        axes.text(0.5, 0.5, "no dated articles", ha="center", va="center")
        return figure
    axes.bar([day for day, _ in days], [n for _, n in days], width=0.85, color="#444444")
    axes.set_ylabel("articles")
    axes.grid(axis="y", alpha=0.3)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    figure.autofmt_xdate()
    return figure


command.add_command(regions_command(_out_option, _check_out, _save))
