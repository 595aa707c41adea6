"""dedupe.signatures: the stored MinHash format, its parameters, and its speed-up's correctness."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.signatures import MinHasher, shingle_hashes, word_hashes
from dedupe.text import shingles, tokens

HASHER = MinHasher()
WORDS = st.lists(
    st.sampled_from("rakor polresta kendari pilkada aman damai kpu bawaslu 2024".split())
)


def test_bytes_have_the_documented_size(seeds_dir):
    text = (seeds_dir / "000_60fdf938be9f1d2d.txt").read_text()
    data = HASHER.signature_bytes(text)
    assert len(data) == 4 * 128 + 13
    assert HASHER.from_bytes(data).jaccard(HASHER.minhash(text)) == 1.0


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_same_text_same_bytes_and_round_trip(text):
    data = HASHER.signature_bytes(text)
    assert data == MinHasher().signature_bytes(text)
    assert HASHER.to_bytes(HASHER.from_bytes(data)) == data


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=60), max_size=6))
def test_batch_form_equals_single_form(texts):
    assert HASHER.signatures_bytes(texts) == [HASHER.signature_bytes(t) for t in texts]


@settings(max_examples=40, deadline=None)
@given(WORDS)
def test_shingle_hashes_match_the_shingles(words):
    # distinct shingles ↔ distinct hashes (no collisions on these small sets)
    assert len(shingle_hashes(word_hashes(words), 3)) == len(set(shingles(words, 3)))


def test_vectorised_sketch_equals_datasketch_update_loop():
    text = "Polresta Kendari menggelar rapat koordinasi pengamanan Pilkada di Aula Mapolresta"
    hashed = shingle_hashes(word_hashes(tokens(text)), 3)
    loop = MinHash(num_perm=128, seed=1, scheme="affine32", hashfunc=lambda v: v)
    for value in hashed.tolist():
        loop.update(value)
    assert np.array_equal(HASHER.minhash(text).hashvalues, LeanMinHash(loop).hashvalues)


def test_estimate_tracks_true_jaccard():
    base = [f"kata{i}" for i in range(300)]
    other = base[:200] + [f"lain{i}" for i in range(100)]
    a, b = HASHER.minhash_of_set(base), HASHER.minhash_of_set(other)
    assert a.jaccard(b) == pytest.approx(200 / 400, abs=0.12)


@pytest.mark.parametrize(
    "kwargs",
    [{"num_perm": 0}, {"num_perm": 5000}, {"shingle_size": 0}, {"seed": -1}, {"num_perm": 1.5}],
)
def test_constructor_rejects_bad_parameters(kwargs):
    with pytest.raises(ValueError):
        MinHasher(**kwargs)


def test_foreign_signature_is_rejected():
    data = MinHasher(num_perm=64).signature_bytes("teks berita")
    with pytest.raises(ValueError, match="num_perm=64"):
        HASHER.from_bytes(data)
    with pytest.raises(ValueError):
        HASHER.from_bytes(b"not a signature")
