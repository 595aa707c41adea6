"""`warta plot regions`: events per regency per month as a heat map (rows: regencies, columns:
months), readable at Sultra's 17 regencies × 12 months. Registered in crawler/commands/plot.py,
which hands over its --out option, its check and its atomic writer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from crawler.commands.events import IsoDate, read_session
from crawler.commands.options import RegionParam, database_url_option
from storage.regions import RegencyMonth, regency_months


def regions_command(
    out_option: Callable[[Any], Any],
    check_out: Callable[[Path], str],
    save: Callable[[Any, Path, str], None],
) -> click.Command:
    """The `plot regions` subcommand, built with the plot group's own --out handling."""

    @click.command("regions")
    @database_url_option
    @click.option(
        "--province",
        type=RegionParam(),
        default="74",
        show_default=True,
        metavar="NAME|CODE",
        help="The province whose regencies are rows (default Sulawesi Tenggara).",
    )
    @click.option("--since", type=IsoDate(), help="First day, YYYY-MM-DD.")
    @click.option("--until", type=IsoDate(), help="Last day, YYYY-MM-DD.")
    @out_option
    def regions(
        database_url: str,
        province: str,
        since: date | None,
        until: date | None,
        out_file: Path,
    ) -> None:
        """Events per regency/city per month, as a heat map (every regency of the province is
        a row, with or without events).

        Example: warta plot regions --province Sultra --out regions.png
        """
        file_format = check_out(out_file)
        if "." in province:
            raise click.BadParameter(f"{province!r} is not a province", param_hint="'--province'")
        from dedupe.gazetteer import gazetteer

        places = gazetteer()
        rows = [r.name for r in sorted(places.within(province), key=lambda r: r.code)]
        with read_session(database_url) as session:
            counts = regency_months(session, province, since, until)
        save(draw_regions(counts, rows, places[province].name), out_file, file_format)
        click.echo(f"wrote {out_file}", err=True)

    return regions


def draw_regions(counts: list[RegencyMonth], regencies: list[str], province: str) -> Any:
    """The heat map: one row per regency (all of them), one column per month in the data."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    months = _month_range(sorted({c.month for c in counts}))
    figure = Figure(
        figsize=(max(7.0, 2.5 + 0.75 * len(months)), 1.6 + 0.42 * len(regencies)),
        layout="constrained",
    )
    axes = figure.subplots()
    axes.set_title(f"Events per regency/city per month — {province}")
    if not months:
        axes.text(0.5, 0.5, "no events placed in a regency", ha="center", va="center")
        axes.set_axis_off()
        return figure
    index = {name: i for i, name in enumerate(regencies)}
    grid = [[0] * len(months) for _ in regencies]
    for c in counts:
        name = c.regency or c.regency_code
        if name in index:
            grid[index[name]][months.index(c.month)] += c.events
    import numpy

    # empty cells white, so that one event stands out from none
    shown = numpy.ma.masked_equal(numpy.array(grid, dtype=float), 0)
    image = axes.imshow(shown, aspect="auto", cmap="YlOrRd", vmin=0.5)
    axes.set_facecolor("white")
    axes.set_xticks([x - 0.5 for x in range(1, len(months))], minor=True)
    axes.set_yticks([y - 0.5 for y in range(1, len(regencies))], minor=True)
    axes.grid(which="minor", color="#dddddd", linewidth=0.6)
    axes.tick_params(which="minor", length=0)
    axes.set_xticks(range(len(months)), months, rotation=45, ha="right")
    axes.set_yticks(range(len(regencies)), regencies)
    most = max((n for row in grid for n in row), default=0) or 1
    for i, row in enumerate(grid):
        for j, n in enumerate(row):
            if n:
                colour = "white" if n >= most * 0.6 else "black"
                axes.text(j, i, str(n), ha="center", va="center", fontsize="small", color=colour)
    bar = figure.colorbar(image, ax=axes, shrink=0.7, label="events")
    bar.ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    return figure


def _month_range(months: list[str]) -> list[str]:
    """Every month from the first to the last of `months` (YYYY-MM), gaps included."""
    if not months:
        return []
    year, month = map(int, months[0].split("-"))
    last = tuple(map(int, months[-1].split("-")))
    found = []
    while (year, month) <= last:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found
