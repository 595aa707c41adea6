"""`warta network`: who is named at the same events, as an edge list and as GraphML."""

from __future__ import annotations

import csv
from pathlib import Path
from xml.etree import ElementTree

import click

from crawler.commands.events import ResearchCommand, read_session
from crawler.commands.options import database_url_option
from storage import actor_queries


def write_edges(network: actor_queries.Network, path: Path) -> None:
    names = {node_id: name for node_id, name, _, _ in network.nodes}
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["source", "target", "source_name", "target_name", "events"])
        for a, b, weight in network.edges:
            writer.writerow([a, b, names.get(a, ""), names.get(b, ""), weight])


def write_graphml(network: actor_queries.Network, path: Path) -> None:
    """GraphML for Gephi, networkx, igraph: nodes with name, kind, events; edges weighted."""
    root = ElementTree.Element("graphml", xmlns="http://graphml.graphdrawing.org/xmlns")
    for key, owner, name, kind in (
        ("name", "node", "name", "string"),
        ("kind", "node", "kind", "string"),
        ("events", "node", "events", "int"),
        ("weight", "edge", "weight", "int"),
    ):
        ElementTree.SubElement(
            root, "key", {"id": key, "for": owner, "attr.name": name, "attr.type": kind}
        )
    graph = ElementTree.SubElement(root, "graph", id="co-presence", edgedefault="undirected")
    for node_id, name, kind, events in network.nodes:
        node = ElementTree.SubElement(graph, "node", id=f"a{node_id}")
        for key, value in (("name", name), ("kind", kind), ("events", events)):
            ElementTree.SubElement(node, "data", key=key).text = str(value)
    for a, b, weight in network.edges:
        edge = ElementTree.SubElement(graph, "edge", source=f"a{a}", target=f"a{b}")
        ElementTree.SubElement(edge, "data", key="weight").text = str(weight)
    ElementTree.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


@click.command("network", cls=ResearchCommand)
@database_url_option
@click.option("--edges", type=click.Path(dir_okay=False, path_type=Path), help="CSV edge list.")
@click.option("--graphml", type=click.Path(dir_okay=False, path_type=Path), help="GraphML file.")
@click.option(
    "--min-events",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Only pairs named together at this many events or more.",
)
def command(database_url: str, edges: Path | None, graphml: Path | None, min_events: int) -> None:
    """Export the co-presence network: actors (nodes) joined by the number of events that
    name both (edge weight), for network analysis.

    Example: warta network --edges actors.csv --graphml actors.graphml --min-events 2
    """
    if edges is None and graphml is None:
        raise click.UsageError("give --edges FILE.csv, --graphml FILE.graphml or both")
    with read_session(database_url) as session:
        network = actor_queries.co_presence_network(session, min_events)
    if edges:
        write_edges(network, edges)
    if graphml:
        write_graphml(network, graphml)
    click.echo(f"actors {len(network.nodes)}  pairs {len(network.edges)}", err=True)
