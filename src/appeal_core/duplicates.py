"""Possible duplicates across channels: the same enterprise, open, recent, and a similar text.

*Who*: two records are the same enterprise when their credit codes agree (where both have one),
else when their folded names agree, else when they share a phone number and their names are
related (a hotline caller names the firm loosely: 恒丰机械厂 for 南通恒丰机械有限公司).
*What*: the Dice coefficient of the texts' sets of character bigrams (``similarity``).  Stores
keep each item's ``Signature`` (keys and bigram codes) as compact data, so candidates are
compared without loading whole states.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Collection, Iterable
from datetime import date
from typing import Any

import attrs

from appeal_core.appeal import Appeal
from appeal_core.enterprise import Enterprise
from appeal_core.similarity import code_set, grams, sketch, words
from appeal_core.timeutil import local_date

_NAME_NOISE = re.compile(r"[（(][^）)]*[)）]|有限责任公司|股份有限公司|有限公司|公司|[\W_]+")
_EXTENSION = re.compile(r"(?:转|分机|ext|x|#).*$", re.IGNORECASE)
_AREA3 = ("010", "020", "021", "022", "023", "024", "025", "027", "028", "029")
#: Names whose bigrams overlap at least this much (of the shorter name's) are related.
NAME_OVERLAP = 0.5


def _nfkc(text: str) -> str:
    """``text`` in NFKC (full-width to half-width); the quick check passes most texts as is."""
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


@functools.lru_cache(maxsize=4096)
def enterprise_key(enterprise: Enterprise) -> str:
    """The index key of an enterprise's name: ``name:`` and the folded name."""
    return f"name:{_NAME_NOISE.sub('', _nfkc(enterprise.name)).lower()}"


def phone_key(phone: str) -> str:
    """The phone's key: a mobile's 11 digits, a landline's local number (no area code, no
    extension), a 400/800 number's digits; '' for fewer than 7 digits."""
    head = _EXTENSION.sub("", _nfkc(phone))
    digits = "".join(ch for ch in head if ch.isdigit())
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    elif digits.startswith("0086"):
        digits = "0" + digits[4:]
    if digits.startswith("0") and len(digits) >= 10:
        digits = digits[3 if digits[:3] in _AREA3 else 4 :]
    return digits if len(digits) >= 7 else ""


#: From this many candidates on, ``flag`` rules pairs out by their sketches first.
SKETCH_FROM = 64


@attrs.frozen
class Signature:
    """What the duplicate check compares of an item: who (name key, credit code, phone key)
    and what (the text's bigram codes, ``grams``)."""

    name: str  # ``enterprise_key``
    code: str
    phone: str
    grams: bytes

    @property
    def keys(self) -> tuple[str, ...]:
        """The index keys candidates are looked up by: ``name:``, ``code:`` and ``phone:``."""
        keys = [self.name]
        if self.code:
            keys.append(f"code:{self.code}")
        if self.phone:
            keys.append(f"phone:{self.phone}")
        return tuple(keys)

    @property
    def size(self) -> int:
        """How many distinct bigrams the text has."""
        return len(self.grams) // 4


def signature(enterprise: Enterprise, content: str) -> Signature:
    """The signature of a record or item."""
    return Signature(
        name=enterprise_key(enterprise),
        code=enterprise.credit_code,
        phone=phone_key(enterprise.phone),
        grams=grams(content),
    )


@attrs.frozen
class Candidate:
    """An open item the duplicate check may compare with: its number, registration order
    (``year``, ``seq``), registration day and signature."""

    number: str
    year: int
    seq: int
    registered_on: date
    signature: Signature
    #: ``flag``'s view of it (``_view``), made at its first comparison and kept with it: a
    #: candidate a store keeps meets many new rows.  Not part of its value.
    _view: list[Any] | None = attrs.field(default=None, init=False, eq=False, repr=False)


def _view(other: Candidate) -> list[Any]:
    """What ``flag`` reads of a candidate, kept on it: the day's ordinal, the bigram count,
    the credit code, the name key, the bigram codes, and their sketch once made (else None)."""
    sig = other.signature
    view = [other.registered_on.toordinal(), len(sig.grams) >> 2, sig.code, sig.name, sig.grams,
            None, 0]  # fmt: skip
    object.__setattr__(other, "_view", view)  # a memo, invisible to eq, hash and repr
    return view


def candidate(state: Appeal) -> Candidate:
    """The candidate of an item state (stores without a signature index build it so)."""
    return Candidate(
        number=state.number,
        year=state.year,
        seq=state.seq,
        registered_on=local_date(state.registered_at),
        signature=signature(state.enterprise, state.content),
    )


def _name_grams(key: str) -> set[str]:
    name = key.removeprefix("name:")
    return {name[i : i + 2] for i in range(len(name) - 1)} or {name}


def names_related(a: str, b: str) -> bool:
    """Folded names (``enterprise_key``) of which one contains the other, or whose bigrams
    overlap by ``NAME_OVERLAP`` of the shorter name's (恒丰机械厂 ~ 南通恒丰机械)."""
    x, y = a.removeprefix("name:"), b.removeprefix("name:")
    if not x or not y:
        return False
    if x in y or y in x:
        return True
    gx, gy = _name_grams(x), _name_grams(y)
    return len(gx & gy) >= NAME_OVERLAP * min(len(gx), len(gy))


def link(a: Signature, b: Signature, ignore_phones: Collection[str] = ()) -> str | None:
    """Why ``a`` and ``b`` are the same enterprise (``code``, ``name``, ``phone``), or None.

    Two credit codes decide alone; otherwise the same folded name, or the same phone (not one
    of ``ignore_phones``, e.g. the desk's own number) with related names.
    """
    if a.code and b.code:
        return "code" if a.code == b.code else None
    if a.name == b.name:
        return "name"
    if a.phone and a.phone == b.phone and a.phone not in ignore_phones:
        return "phone" if names_related(a.name, b.name) else None
    return None


def same_enterprise(a: Enterprise, b: Enterprise) -> bool:
    """True when the two records name the same enterprise (``link``)."""
    return link(signature(a, ""), signature(b, "")) is not None


@attrs.frozen(kw_only=True)
class DuplicateCandidate:
    """An earlier open item that the new one may repeat, and how similar their texts are."""

    number: str
    score: float


def flag(
    mine: Signature,
    candidates: Iterable[Candidate],
    *,
    on: date,
    window_days: int = 30,
    threshold: float = 0.2,
    ignore_phones: Collection[str] = (),
) -> tuple[DuplicateCandidate, ...]:
    """Candidates of the same enterprise (``link``), registered within ``window_days`` before
    ``on``, whose text is at least ``threshold`` similar; most similar first, then oldest."""
    candidates = list(candidates)
    many = len(candidates) >= SKETCH_FROM
    codes: frozenset[int] | None = None  # built when a candidate passes the cheap checks
    bits, extra = 0, 0
    size = len(mine.grams) >> 2
    latest = on.toordinal()
    earliest = latest - window_days
    my_code, my_name = mine.code, mine.name
    found: list[tuple[float, int, int, str]] = []
    for other in candidates:  # the cheap checks first: against 1,000 candidates it tells
        view = other._view or _view(other)
        day, count, code, name, packed, their_bits, their_extra = view
        if day < earliest or day > latest:
            continue
        total = size + count
        if not total or 2 * (size if size < count else count) < threshold * total:
            continue  # too different in length to reach the threshold
        if code and my_code:  # ``link``: two credit codes decide alone
            if code != my_code:
                continue
        elif name != my_name and link(mine, other.signature, ignore_phones) is None:
            continue
        if codes is None:
            codes = code_set(mine.grams) if many else frozenset(words(mine.grams))
            bits, extra = sketch(mine.grams) if many else (0, 0)
        if many:  # the same candidates meet many rows: their sets and sketches are kept
            if their_bits is None:
                their_bits, their_extra = view[5], view[6] = sketch(packed)
            most = (bits & their_bits).bit_count() + (extra if extra < their_extra else their_extra)
            if 2 * most < threshold * total:
                continue  # they cannot share enough codes to reach the threshold
            shared = len(codes.intersection(code_set(packed)))
        else:
            shared = len(codes.intersection(words(packed)))
        score = 2 * shared / total
        if score >= threshold:
            found.append((-score, other.year, other.seq, other.number))
    found.sort()
    return tuple(DuplicateCandidate(number=n, score=round(-s, 4)) for s, _, _, n in found)


def possible_duplicates(
    enterprise: Enterprise,
    content: str,
    earlier: Iterable[Appeal],
    *,
    on: date,
    window_days: int = 30,
    threshold: float = 0.2,
    ignore_phones: Collection[str] = (),
) -> tuple[DuplicateCandidate, ...]:
    """``flag`` over item states: the open ones among ``earlier`` that the record may repeat."""
    open_items = (candidate(s) for s in earlier if s.status.is_open)
    return flag(
        signature(enterprise, content),
        open_items,
        on=on,
        window_days=window_days,
        threshold=threshold,
        ignore_phones=ignore_phones,
    )
