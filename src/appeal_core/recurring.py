"""Recurring problems: open items of different enterprises about the same thing.

Within one category, items whose texts are similar (the Dice coefficient of character
bigrams, as for duplicates, at least ``Policy.recurring_threshold``) are linked, and linked
items form one problem (single linkage).  A problem touching at least
``Policy.recurring_min_enterprises`` enterprises goes on the meeting's agenda, named by the
words most of its texts share: character pairs found in the most texts, grown while they stay
in as many texts and do not reach a function character (不, 的, 难 ...), which names a topic
without a word segmenter.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import attrs

from appeal_core.appeal import Appeal
from appeal_core.duplicates import enterprise_key
from appeal_core.similarity import dice, grams, normalize_text

#: Words that say nothing about the topic (they are in every appeal).
STOP_WORDS = frozenset(
    [
        "企业",
        "公司",
        "问题",
        "反映",
        "希望",
        "要求",
        "协调",
        "解决",
        "帮助",
        "情况",
        "相关",
        "部门",
        "目前",
        "我们",
        "有关",
        "进行",
        "需要",
        "能否",
        "是否",
        "存在",
        "影响",
        "导致",
        "申请",
        "办理",
        "政府",
        "尽快",
        "一直",
        "已经",
        "没有",
        "无法",
        "不能",
        "较多",
        "多次",
        "今年",
        "去年",
    ]
)
#: Characters a topic word does not start or end with.
EDGE = frozenset(
    "的了和与及等在对是有为把被将从向于很较更都也还就不无未没要难慢快加多少大小高低个帮忙"
    "一二三四五六七八九十百千万两几"
)


@attrs.frozen(kw_only=True)
class Recurring:
    """One problem several enterprises report: its name, category, items and who leads them."""

    name: str
    category: str
    numbers: tuple[str, ...]
    enterprises: tuple[str, ...]
    departments: tuple[str, ...]


def _cjk(text: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in text)


def _word(g: str) -> bool:
    return _cjk(g) and g[0] not in EDGE and g[-1] not in EDGE


def topic(texts: Sequence[str], words: int = 3) -> str:
    """The words most of ``texts`` share, joined by 、 (empty when they share none).

    A word starts as a character pair found in the most texts and grows, one character at a
    time, while it stays in as many texts and does not reach a function character; a run
    always followed (or preceded) by the same character is the middle of a word, not a word.
    """
    folded = list(dict.fromkeys(normalize_text(t) for t in texts))

    def support(g: str) -> int:
        return sum(g in f for f in folded)

    def bounded(g: str) -> bool:
        """A word's neighbours vary, or are function characters, or it starts or ends a text:
        it is not the middle of a longer word."""
        left, right = set(), set()
        for f in folded:
            i = f.find(g)
            while i >= 0:
                left.add(f[i - 1] if i else "")
                right.add(f[i + len(g) : i + len(g) + 1])
                i = f.find(g, i + 1)
        return all(len(side) > 1 or "" in side or side <= EDGE for side in (left, right))

    seen: Counter[str] = Counter()
    for f in folded:
        seen.update({f[i : i + 2] for i in range(len(f) - 1)})
    needed = max(2, -(-len(folded) // 2)) if len(folded) > 1 else 1
    pairs = sorted((g for g, n in seen.items() if n >= needed and _word(g)),
                   key=lambda g: (-seen[g], g))  # fmt: skip
    picked: list[str] = []
    for g in pairs:
        if any(g in p for p in picked):
            continue
        n, grown = seen[g], True
        while grown and len(g) < 8:
            grown = False
            for f in folded:
                i = f.find(g)
                while i >= 0 and not grown:
                    for longer in (f[i - 1 : i + len(g)] if i else "", f[i : i + len(g) + 1]):
                        if len(longer) > len(g) and _word(longer) and support(longer) == n:
                            g, grown = longer, True
                            break
                    i = f.find(g, i + 1) if not grown else -1
                if grown:
                    break
        if g in STOP_WORDS or not bounded(g) or any(g in p or p in g for p in picked):
            continue
        picked.append(g)
        if len(picked) == words:
            break
    return "、".join(picked)


def _clusters(items: Sequence[Appeal], threshold: float) -> list[list[Appeal]]:
    parent = list(range(len(items)))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    codes = [grams(item.content) for item in items]
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if root(i) != root(j) and dice(codes[i], codes[j]) >= threshold:
                parent[root(j)] = root(i)
    groups: dict[int, list[Appeal]] = {}
    for k, item in enumerate(items):
        groups.setdefault(root(k), []).append(item)
    return list(groups.values())


def recurring_problems(
    states: Iterable[Appeal], *, threshold: float, min_enterprises: int
) -> tuple[Recurring, ...]:
    """Open items' recurring problems, most enterprises first (then most items, then name)."""
    by_category: dict[str, list[Appeal]] = {}
    for item in states:
        if item.status.is_open:
            by_category.setdefault(item.category, []).append(item)
    found = []
    for category, items in sorted(by_category.items()):
        for group in _clusters(items, threshold):
            firms = {enterprise_key(i.enterprise): i.enterprise.name for i in group}
            if len(firms) < min_enterprises:
                continue
            name = topic([i.content for i in group]) or category or "未分类"
            found.append(
                Recurring(
                    name=name, category=category, numbers=tuple(i.number for i in group),
                    enterprises=tuple(sorted(firms.values())),
                    departments=tuple(sorted({i.lead for i in group if i.lead})),
                )
            )  # fmt: skip
    return tuple(sorted(found, key=lambda r: (-len(r.enterprises), -len(r.numbers), r.name)))
