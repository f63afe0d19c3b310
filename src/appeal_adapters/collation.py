"""Department order for ties: the district's official order, or pinyin or stroke order.

The registry stores the order as numbers (``DepartmentEntry.order``); this module computes them
when a registry file asks for ``pinyin`` (pypinyin: syllable, then tone, per character; extra
``pinyin``) or ``strokes`` (ICU's ``zh@collation=stroke``: stroke count, then first stroke, as
official lists sorted 按姓氏笔画 are; extra ``strokes``, which compiles PyICU against the
system's ICU).  Code points never decide.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from appeal_adapters.documents.common import load
from appeal_core.errors import ValidationError

ORDERS = ("official", "pinyin", "strokes")


def pinyin_key(name: str) -> tuple[tuple[str, int, str], ...]:
    """Sort key of ``name`` in pinyin order (``区商务局`` before ``区税务局``)."""
    pypinyin = load("pypinyin", "按拼音排列部门", "pinyin")
    syllables = pypinyin.lazy_pinyin(name, style=pypinyin.Style.TONE3, neutral_tone_with_five=True)
    key = []
    for char, syllable in zip(name, syllables, strict=False):
        tone = syllable[-1] if syllable[-1:].isdigit() else "0"
        key.append((syllable.rstrip("012345"), int(tone), char))
    return tuple(key)


def strokes_key() -> Callable[[str], bytes]:
    """Sort key in stroke order (ICU's Chinese stroke collation)."""
    icu = load("icu", "按笔画排列部门", "strokes", "PyICU")
    collator = icu.Collator.createInstance(icu.Locale("zh@collation=stroke"))
    return collator.getSortKey  # type: ignore[no-any-return]


def ordered(names: Sequence[str], order: str) -> list[str]:
    """``names`` in the ``order`` asked for (``official``: as listed)."""
    if order == "official":
        return list(names)
    if order == "pinyin":
        return sorted(names, key=pinyin_key)
    if order == "strokes":
        return sorted(names, key=strokes_key())
    raise ValidationError(
        "order", order, "应为 official（按名录顺序）、pinyin（拼音）或 strokes（笔画）"
    )
