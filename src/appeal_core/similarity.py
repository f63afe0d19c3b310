"""How similar two problem texts are: the Dice coefficient of their sets of character bigrams.

Texts are folded first (full-width to half-width, lower case, no punctuation), which works for
Chinese without a word segmenter.  A text's bigrams are kept as 32-bit codes packed in bytes
(``grams``): compact enough to store beside each item, cheap to compare.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from array import array
from collections.abc import Collection

_NOISE = re.compile(r"[\W_]+", re.UNICODE)
_LITTLE = sys.byteorder == "little"


def normalize_text(text: str) -> str:
    """Text folded for comparison: NFKC (full-width to half-width), lower case, no punctuation."""
    folded = _NOISE.sub("", text)
    if not unicodedata.is_normalized("NFKC", folded):
        folded = _NOISE.sub("", unicodedata.normalize("NFKC", folded))
    return folded.lower()


def words(raw: bytes) -> Collection[int]:
    """``raw`` read as little-endian 32-bit words."""
    if _LITTLE:
        return memoryview(raw).cast("I")
    words = array("I")
    words.frombytes(raw)
    words.byteswap()
    return words


def grams(text: str) -> bytes:
    """The folded text's distinct character bigrams, each a 32-bit code (two UTF-16 units), as
    little-endian words; a one-character text gives its character's code."""
    folded = normalize_text(text)
    raw = folded.encode("utf-16-le")
    units = len(raw) // 2
    if units < 2:
        codes: set[int] = {int.from_bytes(raw, "little")} if raw else set()
    else:
        codes = set(words(raw[: 4 * (units // 2)]))  # units 0-1, 2-3, ...
        codes.update(words(raw[2 : 2 + 4 * ((units - 1) // 2)]))  # units 1-2, 3-4, ...
    packed = array("I", codes)
    if not _LITTLE:
        packed.byteswap()
    return packed.tobytes()


def gram_codes(packed: bytes) -> Collection[int]:
    """The codes of ``grams(...)``, without copying on little-endian machines."""
    return words(packed)


@functools.lru_cache(maxsize=2048)
def code_set(packed: bytes) -> frozenset[int]:
    """The codes of ``grams(...)`` as a set.  The same open items meet many new rows (an
    enterprise's earlier items, a batch's own), so the last 2,048 are kept (about 15 MB)."""
    return frozenset(words(packed))


@functools.lru_cache(maxsize=2048)
def sketch(packed: bytes) -> tuple[int, int]:
    """A 1,024-bit sketch of the codes (bit ``k`` set when a code folds to ``k``) and how many
    codes fell on a bit already set.  Shared codes fall on bits both sketches set, at most one
    per bit plus those collisions, so two texts share at most ``popcount(a & b)`` plus the
    smaller collision count: that rules most pairs out without counting.  Worth making only
    against many candidates (``duplicates.SKETCH_FROM``)."""
    codes = code_set(packed)
    bits = bytearray(128)
    for code in codes:
        k = (code ^ (code >> 16)) & 1023
        bits[k >> 3] |= 1 << (k & 7)
    sketch = int.from_bytes(bits, "little")
    return sketch, len(codes) - sketch.bit_count()


def dice(a: bytes, b: bytes) -> float:
    """Dice coefficient of two ``grams`` sets, from 0 (nothing shared) to 1."""
    total = (len(a) + len(b)) >> 2
    return 2 * len(code_set(a) & code_set(b)) / total if total else 0.0


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the texts' bigram sets, from 0 (nothing shared) to 1."""
    return dice(grams(a), grams(b))
