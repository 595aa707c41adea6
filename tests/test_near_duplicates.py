"""dedupe.near_duplicates: republished releases group, different reports do not."""

from __future__ import annotations

from dedupe.clustering import ArticleRecord, EventClusterer
from dedupe.features import extract_features
from dedupe.near_duplicates import duplicate_pairs
from dedupe.signatures import MinHasher

HASHER = MinHasher()


def _republications(text: str) -> dict[str, str]:
    """The ways outlets republish a release, built from a real text at run time."""
    paragraphs = [p for p in text.split("\n") if p.strip()]
    first = paragraphs[0]
    body = paragraphs[1:]
    return {
        "original": text,
        "new_dateline": "\n".join(["KENDARI, OUTLETLAIN.COM - " + first.split("–", 1)[-1], *body]),
        "inserted_sentence": "\n".join(
            [first, "Baca juga: Warga Kendari Antusias Sambut Pilkada Serentak", *body]
        ),
        "changed_last_paragraph": "\n".join(
            [first, *body[:-1], "Kegiatan ditutup dengan foto bersama seluruh peserta rapat."]
        ),
        "identical_copy": text,
    }


def test_republished_variants_form_one_group_apart_from_other_seeds(seeds_dir):
    seeds = {p.name[:3]: p.read_text() for p in sorted(seeds_dir.glob("*.txt"))}
    variants = _republications(seeds["000"])
    signatures = {key: HASHER.minhash(text) for key, text in variants.items()}
    signatures |= {f"seed-{n}": HASHER.minhash(t) for n, t in seeds.items() if n != "000"}
    pairs = duplicate_pairs(signatures)
    linked = {frozenset((a, b)) for a, b, _ in pairs}
    for name in variants:
        if name != "original":
            assert frozenset(("original", name)) in linked, name
    assert all(key in variants for pair in linked for key in pair)


def test_variants_share_duplicate_group_and_event(seeds_dir):
    text = (seeds_dir / "000_60fdf938be9f1d2d.txt").read_text()
    variants = list(_republications(text).items())
    records = [
        ArticleRecord(name, (i,), HASHER.signature_bytes(t), extract_features(None, t, None))
        for i, (name, t) in enumerate(variants)
    ]
    result = EventClusterer().cluster(records)
    assert result.events == {"original": [name for name, _ in variants]}
    assert result.assignments["original"].duplicate_of is None
    assert {result.assignments[n].duplicate_of for n, _ in variants[1:]} == {"original"}


def test_empty_texts_are_no_duplicates():
    empty = HASHER.minhash("")
    assert duplicate_pairs({"a": empty, "b": empty}) == []
