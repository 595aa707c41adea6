"""MinHash signatures of article texts: the stored near-duplicate fingerprint.

This module is the one boundary where datasketch's quirks are pinned: the permutation scheme
(``affine32``), the number of permutations, the seed and the byte format. Shingles are hashed
with numpy (each distinct word once, word hashes combined into shingle hashes by vector
arithmetic) and fed to datasketch in one ``MinHash.update_batch`` call per text, which is what
makes signing ~10x cheaper than the per-shingle ``MinHash.update`` loop.

Stored format (``Article.signature``): a datasketch ``LeanMinHash`` serialised little-endian,
i.e. ``struct`` layout ``<qiB{n}I`` = int64 seed, int32 ``-num_perm`` (negative: a scheme byte
follows), uint8 scheme code (1 = affine32), then ``num_perm`` uint32 hash values;
``4 * num_perm + 13`` bytes (525 bytes for 128 permutations).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import numpy as np
from datasketch import LeanMinHash, MinHash

from dedupe.text import tokens

SCHEME = "affine32"
BYTEORDER = "<"
_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit constant: position-dependent word mixing


def _identity(value: int) -> int:
    """datasketch's hashfunc: our values are already 32-bit hashes."""
    return value


def word_hashes(words: Sequence[str], cache: dict[str, int] | None = None) -> np.ndarray:
    """64-bit hashes of words (blake2b, stable across processes, unlike ``hash()``)."""
    cache = {} if cache is None else cache
    out = np.empty(len(words), dtype=np.uint64)
    for i, word in enumerate(words):
        value = cache.get(word)
        if value is None:
            value = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
            cache[word] = value
        out[i] = value
    return out


def shingle_hashes(hashed_words: np.ndarray, size: int) -> np.ndarray:
    """Distinct 32-bit hashes of the word `size`-grams, combined with numpy (no Python loop)."""
    count = len(hashed_words)
    if count == 0:
        return np.empty(0, dtype=np.uint32)
    width = min(size, count)
    combined = hashed_words[: count - width + 1].copy()
    for offset in range(1, width):
        combined = combined * _MIX + hashed_words[offset : count - width + 1 + offset]
    folded = (combined ^ (combined >> np.uint64(32))) & np.uint64(0xFFFFFFFF)
    return np.unique(folded.astype(np.uint32))


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
        self._template = MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME, hashfunc=_identity)

    # -- texts -------------------------------------------------------------------------------
    def minhash(self, text: str, cache: dict[str, int] | None = None) -> LeanMinHash:
        """The MinHash of a text's normalised word shingles."""
        hashed = shingle_hashes(word_hashes(tokens(text), cache), self.shingle_size)
        return self._from_hashes(hashed)

    def signature_bytes(self, text: str) -> bytes:
        """The stored signature of a text (see the module docstring for the format)."""
        return self.to_bytes(self.minhash(text))

    def signatures_bytes(self, texts: Iterable[str]) -> list[bytes]:
        """Batch form of `signature_bytes`: word hashes are shared across the texts."""
        cache: dict[str, int] = {}
        return [self.to_bytes(self.minhash(text, cache)) for text in texts]

    # -- sets of strings (event features) ----------------------------------------------------
    def minhash_of_set(
        self, items: Iterable[str], cache: dict[str, int] | None = None
    ) -> LeanMinHash:
        """The MinHash of a set of strings (each string one element, not shingled)."""
        hashed = word_hashes(sorted(set(items)), cache)
        folded = ((hashed ^ (hashed >> np.uint64(32))) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        return self._from_hashes(folded)

    # -- bytes -------------------------------------------------------------------------------
    def to_bytes(self, minhash: LeanMinHash) -> bytes:
        buffer = bytearray(minhash.bytesize(byteorder=BYTEORDER))
        minhash.serialize(buffer, byteorder=BYTEORDER)
        return bytes(buffer)

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

    def _from_hashes(self, hashed: np.ndarray) -> LeanMinHash:
        minhash = self._template.copy()
        if len(hashed):
            minhash.update_batch(hashed.tolist())
        return LeanMinHash(minhash)


def is_empty(minhash: LeanMinHash) -> bool:
    """True for the signature of an empty text (all slots at the maximum hash)."""
    return bool(np.all(minhash.hashvalues == np.iinfo(np.uint32).max))
