"""`warta actor NAME`: one actor's events, offices held over time and who else was there."""

from __future__ import annotations

from typing import Any

import click

from crawler.commands.events import (
    ResearchCommand,
    console,
    format_option,
    read_session,
    table,
    write_records,
)
from crawler.commands.options import database_url_option
from storage import actor_queries


@click.command("actor", cls=ResearchCommand)
@click.argument("name")
@database_url_option
@format_option("table", "json")
def command(database_url: str, name: str, output_format: str) -> None:
    """Show the actor NAME means (a full or partial spelling): the spellings joined to it and
    why, the offices written for it with their first and last days, the events that name it
    (date, place, outlets) and who else was named at them. `warta plot actor NAME` draws
    the actor's appearances per day.

    Example: warta actor "Andap Budhi Revianto"
    """
    with read_session(database_url) as session:
        actor_id = actor_queries.find_actor(session, name)
        if actor_id is None:
            raise click.BadParameter(f"no actor named {name!r} in the database", param_hint="NAME")
        detail = actor_queries.actor_detail(session, actor_id)
    assert detail is not None
    if output_format == "json":
        write_records([_record(detail)], "json")
        return
    out = console()
    out.print(f"[bold]{detail.name}[/bold] ({detail.kind}, actor {detail.id})", markup=True)
    for spelling, reason in detail.spellings:
        out.print(f"  also written {spelling!r}: {reason}")
    out.print(
        table(
            "Offices as written",
            ["office", "first", "last", "articles"],
            detail.offices,
        )
    )
    out.print(
        table(
            "Events",
            ["event", "date", "place", "title", "outlets"],
            [(i, d, p or "", t, ", ".join(o)) for i, d, p, t, o in detail.events],
        )
    )
    out.print(table("Also there", ["name", "kind", "events shared"], detail.together))


def _record(detail: actor_queries.ActorDetail) -> dict[str, Any]:
    return {
        "id": detail.id,
        "kind": detail.kind,
        "name": detail.name,
        "spellings": [{"name": n, "reason": r} for n, r in detail.spellings],
        "offices": [
            {"office": o, "first": f, "last": last, "articles": c}
            for o, f, last, c in detail.offices
        ],
        "events": [
            {"id": i, "date": d, "place": p, "title": t, "outlets": o}
            for i, d, p, t, o in detail.events
        ],
        "together": [{"name": n, "kind": k, "events": c} for n, k, c in detail.together],
    }
