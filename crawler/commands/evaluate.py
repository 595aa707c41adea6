"""`warta evaluate`: BCubed and pairwise scores of Warta's events against labelled articles."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.clustering.devset import Evaluation, development_set, evaluate_rows, read_jsonl
from dedupe.evaluation import Scores


def _table(name: str, evaluation: Evaluation) -> list[str]:
    def row(system: str, bcubed: Scores, pairs: Scores) -> str:
        return (
            f"| {system:<34} | {bcubed.precision:5.3f} | {bcubed.recall:5.3f} | {bcubed.f1:5.3f} "
            f"| {pairs.precision:5.3f} | {pairs.recall:5.3f} | {pairs.f1:5.3f} |"
        )

    baseline = f"MinHash LSH, best threshold {evaluation.baseline_threshold:.2f}"
    return [
        f"{name}: {evaluation.articles} articles, {evaluation.events} events",
        "",
        "| system                             | B³ P  | B³ R  | B³ F1 "
        "| pair P | pair R | pair F1 |",
        "|------------------------------------|-------|-------|-------|--------|--------|---------|",
        row("Warta events", evaluation.warta_bcubed, evaluation.warta_pairwise),
        row(baseline, evaluation.baseline_bcubed, evaluation.baseline_pairwise),
        "",
    ]


@click.command("evaluate")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def command(files: tuple[Path, ...]) -> None:
    """Score event clustering on labelled articles (JSON lines with a `label` field).

    Prints BCubed and pairwise precision/recall/F1 for Warta and for plain MinHash LSH at its
    best threshold. Without FILES, evaluates the development set: the replay-web corpus (label =
    its event) plus the five seed articles.

    Example: warta evaluate labelled.jsonl
    """
    sets: list[tuple[str, list[dict]]] = []
    try:
        for file in files:
            rows = read_jsonl(file)
            if any("label" not in row for row in rows):
                raise ValueError(f"{file}: every article needs a `label`")
            sets.append((str(file), rows))
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    if not files:
        rows = [article.to_json() for article in development_set()]
        if not rows:
            raise click.ClickException(
                "development set not found (replayweb corpus, ../shared/seeds)"
            )
        sets.append(("development set", rows))
    for name, rows in sets:
        for line in _table(name, evaluate_rows(rows)):
            click.echo(line)
