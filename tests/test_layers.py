"""One way down: the import graph of the project's packages read from the source (every import,
in functions and under TYPE_CHECKING too), checked against the layers of docs/ARCHITECTURE.md.

A module may import its own room and the layers below its own; never a layer above, never a
sibling room of its layer, and no two modules may import each other, directly or round a circle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("crawler", "spiders", "pipelines", "dedupe", "storage", "replayweb")

#: Rooms from the bottom up. A room is a package or module prefix; the longest prefix wins.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("storage", "dedupe", "replayweb"),
    ("crawler", "crawler.urls", "crawler.environment", "crawler.logformatter"),
    ("crawler.items", "crawler.sources"),
    ("crawler.extraction", "crawler.clustering", "crawler.operations", "crawler.origins",
     "crawler.discovery", "crawler.middlewares", "crawler.settings", "crawler.sources_report"),
    ("crawler.archive", "crawler.writer", "crawler.health"),
    ("spiders", "pipelines"),
    ("crawler.commands",),
    ("crawler.cli",),
)


def room_of(module: str) -> tuple[int, str]:
    """(layer, room) of a project module."""
    best: tuple[int, str] | None = None
    for layer, rooms in enumerate(LAYERS):
        for room in rooms:
            if (module == room or module.startswith(room + ".")) and (
                best is None or len(room) > len(best[1])
            ):
                best = (layer, room)
    if best is None:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS and ARCHITECTURE.md")
    return best


def project_modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts).removesuffix(".__init__")] = path
    return found


def imports(path: Path, known: set[str]) -> Iterator[str]:
    """The project modules a file imports (`from a import b` names a.b when b is a module)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        else:
            continue
        for name in names:
            if name.split(".")[0] not in PACKAGES:
                continue
            while name not in known and "." in name:
                name = name.rsplit(".", 1)[0]
            if name in known:
                yield name
                break


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = project_modules()
    known = set(modules)
    return {
        module: {target for target in imports(path, known) if target != module}
        for module, path in modules.items()
    }


def test_every_import_runs_down_or_within_a_room(graph: dict[str, set[str]]) -> None:
    wrong = []
    for module, targets in graph.items():
        layer, room = room_of(module)
        for target in targets:
            target_layer, target_room = room_of(target)
            if target_room != room and target_layer >= layer:
                wrong.append(f"{module} -> {target}")
    assert sorted(wrong) == []


def test_no_module_imports_itself_round_a_circle(graph: dict[str, set[str]]) -> None:
    # Tarjan's strongly connected components, iteratively
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    circles.append(sorted(component))
    assert circles == []


def test_the_checker_sees_a_back_arrow() -> None:
    """The rules themselves: an arrow up is caught, one down is not."""
    assert room_of("crawler.extraction.extract") == (3, "crawler.extraction")
    assert room_of("crawler.commands.events")[0] > room_of("spiders.base")[0]
    assert room_of("storage.warc")[0] < room_of("crawler.archive.middleware")[0]
