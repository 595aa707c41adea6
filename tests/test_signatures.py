"""dedupe.signatures: the stored MinHash format, its parameters, and its speed-up's correctness."""

from __future__ import annotations

import hashlib
import unicodedata

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.signatures import BLOCK_ELEMENTS, MinHasher, shingle_hashes, word_hashes
from dedupe.text import normalise, shingles, tokens

HASHER = MinHasher()
WORDS = st.lists(
    st.sampled_from("rakor polresta kendari pilkada aman damai kpu bawaslu 2024".split())
)
LONG_WORDS = 20_000  # shingles beyond one permutation block of the default MinHasher
TEXTS = [
    "",
    "Kendari",
    "Polresta Kendari menggelar rapat koordinasi pengamanan Pilkada di Aula Mapolresta",
    "“Kami siap,” kata Kapolda Sultra — Irjen Pol. Dwi Irianto — di Kendari, Senin (4/11/2024).",
    "ＫＥＮＤＡＲＩ ’24: banjir rob di Kolaka Utara; 1.200 warga mengungsi…",
    " ".join(f"kata{i % 997} sultra{i % 13}" for i in range(LONG_WORDS)),
]
# sha256 of the TEXTS' signatures made by the implementation before numpy permutations
# (word hashes per word in Python, datasketch update_batch): stored signatures stay comparable.
STORED_FORMAT_DIGESTS = {
    (128, 3, 1): "8f1678c99fdd71e57ffe042e4af46d2d543e38e9f1db471f05140e21f8934e34",
    (64, 2, 7): "e5d9459dea9852ada2f50c68f1403e635983fde8ee0886ae5e71170cb702a750",
}


def datasketch_bytes(hasher: MinHasher, hashed: np.ndarray) -> bytes:
    """The reference: datasketch's own update_batch over the same 32-bit hashes, serialised."""
    minhash = MinHash(hasher.num_perm, seed=hasher.seed, scheme="affine32", hashfunc=lambda v: v)
    minhash.update_batch(hashed.tolist())
    lean = LeanMinHash(minhash)
    buffer = bytearray(lean.bytesize(byteorder="<"))
    lean.serialize(buffer, byteorder="<")
    return bytes(buffer)


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
    # one hash per shingle; distinct shingles ↔ distinct hashes (no collisions on small sets)
    hashed = shingle_hashes(word_hashes(words), 3)
    assert len(hashed) == len(shingles(words, 3))
    assert len(np.unique(hashed)) == len(set(shingles(words, 3)))


def test_word_hashes_are_little_endian_blake2b():
    words = ["kendari", "Sultra", "ñ", "2024"]
    expected = [
        int.from_bytes(hashlib.blake2b(w.encode(), digest_size=8).digest(), "little") for w in words
    ]
    assert word_hashes(words).tolist() == expected
    assert word_hashes([]).dtype == np.uint64


def test_long_text_spans_several_permutation_blocks():
    assert len(shingle_hashes(word_hashes(tokens(TEXTS[-1])), 3)) > BLOCK_ELEMENTS // 128


@pytest.mark.parametrize("params", [(128, 3, 1), (64, 2, 7)])
@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_signature_equals_datasketch_update_batch(params, text):
    hasher = MinHasher(*params)
    hashed = shingle_hashes(word_hashes(tokens(text)), hasher.shingle_size)
    expected = datasketch_bytes(hasher, hashed)
    assert hasher.signature_bytes(text) == expected
    assert hasher.to_bytes(hasher.minhash(text)) == expected


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_signature_of_any_text_equals_datasketch_update_batch(text):
    hashed = shingle_hashes(word_hashes(tokens(text)), 3)
    assert HASHER.signature_bytes(text) == datasketch_bytes(HASHER, hashed)


def test_set_sketch_equals_datasketch_update_batch():
    items = ["kendari", "aula merdeka", "ali mazi", "kendari"]
    hashed = word_hashes(sorted(set(items)))
    folded = ((hashed ^ (hashed >> np.uint64(32))) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    assert HASHER.to_bytes(HASHER.minhash_of_set(items)) == datasketch_bytes(HASHER, folded)


@pytest.mark.parametrize("params", sorted(STORED_FORMAT_DIGESTS))
def test_signatures_are_byte_identical_to_the_stored_ones(params):
    hasher = MinHasher(*params)
    data = b"".join(hasher.signatures_bytes(TEXTS))
    assert hashlib.sha256(data).hexdigest() == STORED_FORMAT_DIGESTS[params]


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from("aA “”„‘’`–—\"'-Ａé\n\t") | st.characters(), max_size=80))
def test_normalisation_is_the_one_stored_signatures_were_made_with(text):
    table = str.maketrans(
        {"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "`": "'", "–": "-", "—": "-"}
    )
    expected = unicodedata.normalize("NFKC", text).translate(table).lower()
    assert normalise(text) == " ".join(expected.split())


def test_empty_and_one_word_texts():
    empty = HASHER.minhash("")
    assert empty.hashvalues.tolist() == [2**32 - 1] * 128
    assert HASHER.minhash("Kendari").jaccard(HASHER.minhash("  kendari ")) == 1.0
    assert HASHER.minhash("Kendari").jaccard(empty) == 0.0


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


def test_set_minimums_equal_one_sketch_per_set():
    hasher = MinHasher(16, 1, 1)
    sets = [["kendari"], ["aula merdeka", "ali mazi", "kendari"], ["x", "x", "y"]]
    rows = hasher.set_minimums(sets)
    assert [row.tolist() for row in rows] == [
        hasher.minhash_of_set(items).hashvalues.tolist() for items in sets
    ]
    with pytest.raises(ValueError, match="empty"):
        hasher.set_minimums([["kendari"], []])


def test_hashvalues_are_read_in_place_and_checked():
    data = HASHER.signature_bytes("rapat koordinasi pengamanan pilkada di aula polda")
    assert HASHER.hashvalues(data).tolist() == HASHER.from_bytes(data).hashvalues.tolist()
    with pytest.raises(ValueError, match="num_perm=128"):
        HASHER.hashvalues(MinHasher(num_perm=128, seed=2).signature_bytes("teks berita"))
    with pytest.raises(ValueError, match="not a Warta signature"):
        HASHER.hashvalues(b"not a signature")
