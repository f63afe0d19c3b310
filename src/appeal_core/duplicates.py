"""Possible duplicates across channels: same enterprise, open, recent, and a similar text.

Similarity is the Dice coefficient of character bigrams after normalising the text, which
works for Chinese without a word segmenter.  Pure functions; stores supply the candidates.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from datetime import date

import attrs

from appeal_core.appeal import Appeal
from appeal_core.enterprise import Enterprise
from appeal_core.timeutil import local_date

_NOISE = re.compile(r"[\W_]+", re.UNICODE)
_NAME_NOISE = re.compile(r"[（(][^）)]*[)）]|有限责任公司|股份有限公司|有限公司|公司|[\W_]+")


def normalize_text(text: str) -> str:
    """Text folded for comparison: NFKC (full-width to half-width), lower case, no punctuation."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text).lower())


@functools.lru_cache(maxsize=65536)
def enterprise_key(enterprise: Enterprise) -> str:
    """The index key of an enterprise across channels: its folded name.

    Names are on every record while credit codes often are not (towns' summary lists,
    hotline callers), so stores index by name; ``same_enterprise`` then checks the codes.
    """
    name = unicodedata.normalize("NFKC", enterprise.name)
    return f"name:{_NAME_NOISE.sub('', name).lower()}"


def same_enterprise(a: Enterprise, b: Enterprise) -> bool:
    """Same folded name, and the same credit code where both records have one."""
    if a.credit_code and b.credit_code and a.credit_code != b.credit_code:
        return False
    return enterprise_key(a) == enterprise_key(b)


@functools.lru_cache(maxsize=131072)
def bigrams(text: str) -> Counter[str]:
    """Character bigrams of the folded text (the single character for one-character texts)."""
    folded = normalize_text(text)
    if len(folded) < 2:
        return Counter([folded]) if folded else Counter()
    return Counter(folded[i : i + 2] for i in range(len(folded) - 1))


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the texts' bigram multisets, from 0 (nothing shared) to 1."""
    return _dice(bigrams(a), bigrams(b))


def _dice(x: Counter[str], y: Counter[str]) -> float:
    total = x.total() + y.total()
    if not total:
        return 0.0
    small, large = (x, y) if len(x) <= len(y) else (y, x)
    shared = sum(min(n, large[g]) for g, n in small.items() if g in large)
    return 2 * shared / total


@attrs.frozen(kw_only=True)
class DuplicateCandidate:
    """An earlier open item that the new one may repeat, and how similar their texts are."""

    number: str
    score: float


def possible_duplicates(
    enterprise: Enterprise,
    content: str,
    earlier: Iterable[Appeal],
    *,
    on: date,
    window_days: int = 30,
    threshold: float = 0.3,
) -> tuple[DuplicateCandidate, ...]:
    """Earlier open items of the same enterprise, registered within ``window_days`` before
    ``on``, whose text is at least ``threshold`` similar; most similar first."""
    found = []
    mine = bigrams(content)
    for item in earlier:
        if not item.status.is_open or not same_enterprise(enterprise, item.enterprise):
            continue
        if not 0 <= (on - local_date(item.registered_at)).days <= window_days:
            continue
        score = _dice(mine, bigrams(item.content))
        if score >= threshold:
            found.append(DuplicateCandidate(number=item.number, score=round(score, 4)))
    return tuple(sorted(found, key=lambda c: (-c.score, c.number)))
