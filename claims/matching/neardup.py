"""Recognise the same article sent twice with small changes: MinHash over word shingles, LSH bands.

Pure Python and numpy, no Django: text in, numbers out. Every step is linear in the length of
the text (no sorting, no pairwise comparison), and every hash is stable across processes and
machines, because signatures and band keys are stored in the database and compared later.

Not `datasketch`: it requires scipy, which the runtime image has no room for (the install is
near its 500 MB limit), and the little of it needed here is a few lines of numpy.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np
import numpy.typing as npt

# A signature: NUM_PERM minimum hash values, one per hash function.
Signature = npt.NDArray[np.uint32]

SHINGLE_WORDS = 5
# 32 bands of 8 rows. Two texts whose shingles have Jaccard similarity J share at least one band
# with probability 1 - (1 - J**8)**32: 0.9972 at J = 0.8, 0.99995 at 0.85 and 0.9999999 at 0.9,
# but 0.12 at 0.5, 0.02 at 0.4 and 0.002 at 0.3. 128 functions in 32 bands of 4 (the textbook
# choice) would make half of all pairs at J = 0.5 candidates (87 %); 256 functions also halve
# the variance of the estimate near the threshold (±0.02 instead of ±0.03 at J = 0.85).
BANDS = 32
ROWS = 8
NUM_PERM = BANDS * ROWS

_MASK64 = (1 << 64) - 1
# Hash functions h_i(x) = high 32 bits of (a_i * x + b_i) mod 2**64, over shingle hashes that are
# already uniformly mixed. Fixed seeds: stored signatures must stay comparable forever, so
# changing any of these numbers means recomputing every article's signature and bands.
_rng = np.random.Generator(np.random.PCG64(20261201))
_A = _rng.integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_B = _rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)
# One odd multiplier per position in a shingle, so "a b" and "b a" hash differently.
_POSITION = _rng.integers(1, 2**63, size=SHINGLE_WORDS, dtype=np.uint64) * np.uint64(2) + 1
# Shingles hashed per numpy step: bounds memory (CHUNK x NUM_PERM x 8 bytes, 1 MB) on 5 MB texts,
# and small blocks stay in the CPU cache (512 takes 0.4 s on 900,000 words, 8,192 takes 0.9 s).
_CHUNK = 512

_PLAIN = {
    **dict.fromkeys("‘’‚‛′`´", "'"),
    **dict.fromkeys("“”„‟″«»", '"'),
    **dict.fromkeys("‐‑‒–—―−", "-"),
    # Invisible characters that editors and CMSes insert: soft hyphens, zero-width spaces.
    **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", ""),
}
# A regular expression, not str.translate: translate looks up every character in a dict and
# takes 0.8 s on a 5 MB text, where these characters are a few hundred of its millions.
_FANCY = re.compile("[" + "".join(_PLAIN) + "]")
_WORD = re.compile(r"\w+")


def _folded(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return _FANCY.sub(lambda match: _PLAIN[match.group()], text)


def normalise(text: str) -> str:
    """Return the text as compared: NFKC, casefolded, plain quotes and dashes, single spaces."""
    return " ".join(_folded(text).split())


def words(text: str) -> list[str]:
    """Return the normalised words of the text; punctuation is not part of any word."""
    folded = _folded(text)
    # A text of only symbols or emoji still needs a shingle: use its space-separated pieces.
    return _WORD.findall(folded) or folded.split() or [folded]


def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")


def shingle_hashes(text: str, *, size: int = SHINGLE_WORDS) -> npt.NDArray[np.uint64]:
    """Return one 64-bit hash per run of `size` consecutive words (fewer for a shorter text).

    Duplicates are kept: a minimum does not change when a value repeats, and removing them
    would need a sort.
    """
    tokens = words(text)
    size = max(1, min(size, len(tokens), SHINGLE_WORDS))
    # Each distinct word is hashed once; news text repeats its words a lot.
    vocabulary: dict[str, int] = {}
    ids = [vocabulary.setdefault(token, len(vocabulary)) for token in tokens]
    hashed = np.array([_word_hash(word) for word in vocabulary], dtype=np.uint64)
    sequence = hashed[np.array(ids, dtype=np.int64)]
    count = len(tokens) - size + 1
    shingles = np.zeros(count, dtype=np.uint64)
    for position in range(size):
        # uint64 arithmetic wraps modulo 2**64, which is what a multiplicative hash wants.
        shingles += sequence[position : position + count] * _POSITION[position]
    # Mix the sum (the murmur3 finaliser) so that every bit depends on every word.
    shingles ^= shingles >> np.uint64(33)
    shingles *= np.uint64(0xFF51AFD7ED558CCD)
    shingles ^= shingles >> np.uint64(33)
    shingles *= np.uint64(0xC4CEB9FE1A85EC53)
    shingles ^= shingles >> np.uint64(33)
    return shingles


def signature(text: str) -> Signature:
    """Return the text's MinHash signature: NUM_PERM values, one per hash function."""
    shingles = shingle_hashes(text)
    lowest = np.full(NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    for start in range(0, len(shingles), _CHUNK):
        values = shingles[start : start + _CHUNK, np.newaxis] * _A
        values += _B
        np.minimum(lowest, values.min(axis=0), out=lowest)
    # The high half of the smallest value is the smallest high half: shift once, at the end.
    return (lowest >> np.uint64(32)).astype(np.uint32)


def similarity(sig_a: Signature, sig_b: Signature) -> float:
    """Return the estimated Jaccard similarity of the two texts' shingles, from 0 to 1."""
    if sig_a.shape != sig_b.shape:
        raise ValueError(f"Signatures of different sizes: {sig_a.shape} and {sig_b.shape}")
    return float(np.count_nonzero(sig_a == sig_b)) / len(sig_a)


def band_keys(sig: Signature) -> list[int]:
    """Return the signature's LSH band keys as signed 64-bit integers (a BigIntegerField).

    The band's number is part of its key, so equal rows in different bands do not collide.
    Sorted and distinct: the order in which locks on them are taken.
    """
    rows = sig.astype("<u4").reshape(BANDS, ROWS)
    keys = {
        int.from_bytes(
            hashlib.blake2b(
                band.tobytes(), digest_size=8, person=b"lsh-band", salt=index.to_bytes(8, "little")
            ).digest(),
            "little",
            signed=True,
        )
        for index, band in enumerate(rows)
    }
    return sorted(keys)


def to_bytes(sig: Signature) -> bytes:
    """Return the signature as stored: NUM_PERM little-endian unsigned 32-bit integers."""
    return sig.astype("<u4").tobytes()


def from_bytes(data: bytes) -> Signature | None:
    """Return a stored signature, or None if it is missing or of another size."""
    if len(data) != NUM_PERM * 4:
        return None
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)
