"""MinHash signatures of article texts: the stored near-duplicate fingerprint.

This module is the one boundary where datasketch's quirks are pinned: the permutation scheme
(``affine32``), the number of permutations, the seed and the byte format. Signing runs in numpy
end to end: words are hashed once per process (memoised), combined into shingle hashes by vector
arithmetic, and datasketch's ``affine32`` permutation step (MurmurHash3 ``fmix32`` pre-mix, then
``a * h + b`` modulo 2^32 with the ``a``/``b`` of ``MinHash(num_perm, seed).permutations``) is
applied to all shingles at once; datasketch's ``update_batch`` would call a Python hash function
per shingle. The results are byte-identical to ``MinHash.update_batch`` (tests pin both).

Stored format (``Article.signature``): a datasketch ``LeanMinHash`` serialised little-endian,
i.e. ``struct`` layout ``<qiB{n}I`` = int64 seed, int32 ``-num_perm`` (negative: a scheme byte
follows), uint8 scheme code (1 = affine32), then ``num_perm`` uint32 hash values;
``4 * num_perm + 13`` bytes (525 bytes for 128 permutations).
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import chain

import numpy as np
from datasketch import LeanMinHash, MinHash

from dedupe.text import tokens

SCHEME = "affine32"
SCHEME_CODE = 1  # datasketch's byte-format code of affine32
BYTEORDER = "<"
WORD_MEMO_SIZE = 1 << 16  # distinct words remembered per process (~12 MB when full)
BLOCK_ELEMENTS = 1 << 18  # one (shingles x num_perm) uint32 block: 1 MB, stays in cache

_HEADER = struct.Struct(BYTEORDER + "qiB")
_VALUES = np.dtype(BYTEORDER + "u4")
_EMPTY = np.iinfo(np.uint32).max  # a slot no shingle reached (datasketch's initial value)
_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit constant: position-dependent word mixing
# MurmurHash3 fmix32, datasketch's pre-mix for affine32: shift, multiplier, shift, multiplier, shift
_FMIX32 = tuple(np.uint32(c) for c in (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16))


@lru_cache(maxsize=WORD_MEMO_SIZE)
def word_hash(word: str) -> int:
    """64-bit blake2b hash of a word (stable across processes, unlike ``hash()``).

    Memoised per process, not per MinHasher: every hasher of a process (the pipeline's, the
    clusterer's, one per unpickled copy) shares it, and news vocabulary repeats across pages.
    """
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")


def word_hashes(words: Iterable[str]) -> np.ndarray:
    """`word_hash` of each word, in order, as one uint64 array."""
    return np.fromiter(map(word_hash, words), dtype=np.uint64)


def shingle_hashes(hashed_words: np.ndarray, size: int) -> np.ndarray:
    """32-bit hashes of the word `size`-grams, one per position (repeats kept: a minimum
    ignores them, and dropping them would cost a sort); combined with numpy, no Python loop."""
    count = len(hashed_words)
    if count == 0:
        return np.empty(0, dtype=np.uint32)
    width = min(size, count)
    combined = hashed_words[: count - width + 1]
    for offset in range(1, width):
        combined = combined * _MIX + hashed_words[offset : count - width + 1 + offset]
    return _fold32(combined)


def _fold32(values: np.ndarray) -> np.ndarray:
    """64-bit hashes to 32 bits: high half xor low half (the uint32 cast keeps the low half)."""
    return (values ^ (values >> np.uint64(32))).astype(np.uint32)


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's finaliser on uint32 arrays (array products wrap modulo 2^32, as meant)."""
    shift1, mult1, shift2, mult2, shift3 = _FMIX32
    values = values ^ (values >> shift1)
    values = values * mult1
    values = values ^ (values >> shift2)
    values = values * mult2
    return values ^ (values >> shift3)


def pack(seed: int, hashvalues: np.ndarray) -> bytes:
    """The stored bytes of affine32 hash values: what ``LeanMinHash.serialize`` writes."""
    return _HEADER.pack(seed, -len(hashvalues), SCHEME_CODE) + hashvalues.astype(_VALUES).tobytes()


class MinHasher:
    """Signs texts (word shingles) and sets of strings (event features) with one pinned MinHash."""

    def __init__(self, num_perm: int = 128, shingle_size: int = 3, seed: int = 1) -> None:
        if not isinstance(num_perm, int) or num_perm < 16 or num_perm > 1024:
            raise ValueError(f"num_perm must be an int in [16, 1024], got {num_perm!r}")
        if not isinstance(shingle_size, int) or not 1 <= shingle_size <= 10:
            raise ValueError(f"shingle_size must be an int in [1, 10], got {shingle_size!r}")
        if not isinstance(seed, int) or seed < 0:
            raise ValueError(f"seed must be a non-negative int, got {seed!r}")
        self.num_perm = num_perm
        self.shingle_size = shingle_size
        self.seed = seed
        self._a, self._b = MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME).permutations
        self._block_rows = max(1, BLOCK_ELEMENTS // num_perm)

    # -- texts -------------------------------------------------------------------------------
    def minhash(self, text: str) -> LeanMinHash:
        """The MinHash of a text's normalised word shingles."""
        return self._from_hashes(self._shingle_hashes(text))

    def signature_bytes(self, text: str) -> bytes:
        """The stored signature of a text (see the module docstring for the format)."""
        return pack(self.seed, self._permuted_minimum(self._shingle_hashes(text)))

    def signatures_bytes(self, texts: Iterable[str]) -> list[bytes]:
        """Batch form of `signature_bytes`."""
        return [self.signature_bytes(text) for text in texts]

    # -- sets of strings (event features) ----------------------------------------------------
    def minhash_of_set(self, items: Iterable[str]) -> LeanMinHash:
        """The MinHash of a set of strings (each string one element, not shingled)."""
        return self._from_hashes(_fold32(word_hashes(items)))

    def set_minimums(self, sets: Sequence[Sequence[str]]) -> np.ndarray:
        """`minhash_of_set` of many non-empty sets at once: one row of hash values per set.

        The clusterer sketches every article of a day together; one numpy pass over all their
        elements replaces a LeanMinHash per article."""
        sizes = [len(items) for items in sets]
        if not sizes or min(sizes) == 0:
            raise ValueError("set_minimums needs at least one set, and no empty set")
        mixed = _fmix32(_fold32(word_hashes(chain.from_iterable(sets))))
        block = np.multiply.outer(mixed, self._a)
        block += self._b
        starts = np.cumsum([0, *sizes[:-1]])
        return np.minimum.reduceat(block, starts, axis=0)

    # -- bytes -------------------------------------------------------------------------------
    def to_bytes(self, minhash: LeanMinHash) -> bytes:
        """The stored bytes of an affine32 MinHash (its own seed and size are written)."""
        if minhash.scheme != SCHEME:
            raise ValueError(f"only {SCHEME} MinHashes are stored, got {minhash.scheme}")
        return pack(minhash.seed, minhash.hashvalues)

    def from_bytes(self, data: bytes) -> LeanMinHash:
        """Load a stored signature; ValueError if it was made with other parameters."""
        try:
            minhash = LeanMinHash.deserialize(data, byteorder=BYTEORDER)
        except Exception as error:  # struct.error and friends: the bytes are not a signature
            raise ValueError(f"not a Warta signature: {error}") from error
        if minhash.seed != self.seed or len(minhash) != self.num_perm or minhash.scheme != SCHEME:
            raise ValueError(
                f"signature made with seed={minhash.seed}, num_perm={len(minhash)}, "
                f"scheme={minhash.scheme}; this MinHasher uses seed={self.seed}, "
                f"num_perm={self.num_perm}, scheme={SCHEME}"
            )
        return minhash

    def hashvalues(self, data: bytes) -> np.ndarray:
        """The hash values of a stored signature, read in place (no LeanMinHash is built: the
        clusterer reads every stored signature); ValueError if made with other parameters."""
        if len(data) != _HEADER.size + _VALUES.itemsize * self.num_perm:
            raise ValueError(f"not a Warta signature of {self.num_perm} permutations")
        seed, size, scheme = _HEADER.unpack_from(data)
        if seed != self.seed or size != -self.num_perm or scheme != SCHEME_CODE:
            raise ValueError(
                f"signature made with seed={seed}, header size={size}, scheme code={scheme}; "
                f"this MinHasher uses seed={self.seed}, num_perm={self.num_perm}, scheme={SCHEME}"
            )
        return np.frombuffer(data, dtype=_VALUES, offset=_HEADER.size)

    def _shingle_hashes(self, text: str) -> np.ndarray:
        return shingle_hashes(word_hashes(tokens(text)), self.shingle_size)

    def _permuted_minimum(self, hashed: np.ndarray) -> np.ndarray:
        """datasketch's affine32 ``update_batch`` in numpy: per permutation k, the minimum over
        the values h of ``a[k] * fmix32(h) + b[k]`` modulo 2^32, in blocks of bounded size."""
        mixed = _fmix32(hashed)
        rows = self._block_rows
        minimum = self._block_minimum(mixed[:rows])
        for start in range(rows, len(mixed), rows):
            np.minimum(minimum, self._block_minimum(mixed[start : start + rows]), out=minimum)
        return minimum

    def _block_minimum(self, mixed: np.ndarray) -> np.ndarray:
        block = np.multiply.outer(mixed, self._a)
        block += self._b
        return block.min(axis=0, initial=_EMPTY)  # no rows (an empty text): every slot empty

    def _from_hashes(self, hashed: np.ndarray) -> LeanMinHash:
        """The LeanMinHash of 32-bit hashed values."""
        return LeanMinHash(seed=self.seed, hashvalues=self._permuted_minimum(hashed), scheme=SCHEME)


def is_empty(minhash: LeanMinHash | np.ndarray) -> bool:
    """True for the signature of an empty text (all slots at the maximum hash)."""
    values = minhash if isinstance(minhash, np.ndarray) else minhash.hashvalues
    return bool(np.all(values == _EMPTY))
