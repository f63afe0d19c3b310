"""Recurring problems: open items of different enterprises about the same thing.

Within one category, items whose texts are similar (the Dice coefficient of character
bigrams, as for duplicates, at least ``Policy.recurring_threshold``) are linked, and linked
items form one problem (single linkage).  A problem touching at least
``Policy.recurring_min_enterprises`` enterprises goes on the meeting's agenda, named by the
words most of its texts share: the longest character runs (2 to 4) found in the most texts,
without a function character at either edge (不, 的, 难 ...), which names a topic without a
word segmenter.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import attrs

from appeal_core.appeal import Appeal
from appeal_core.duplicates import _dice, bigrams, enterprise_key, normalize_text

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
EDGE = frozenset("的了和与及等在对是有为把被将从向于很较更都也还就不无未没请要难慢多少大小高低")


@attrs.frozen(kw_only=True)
class Recurring:
    """One problem several enterprises report: its name, category, items and who leads them."""

    name: str
    category: str
    numbers: tuple[str, ...]
    enterprises: tuple[str, ...]
    departments: tuple[str, ...]


def topic(texts: Sequence[str], words: int = 3) -> str:
    """The words most of ``texts`` share, joined by 、 (empty when they share none)."""
    seen: Counter[str] = Counter()
    for t in texts:
        folded = normalize_text(t)
        grams = {folded[i : i + n] for n in (2, 3, 4) for i in range(len(folded) - n + 1)}
        seen.update(g for g in grams if g not in STOP_WORDS and g[0] not in EDGE
                    and g[-1] not in EDGE and not g.isdigit())  # fmt: skip
    needed = max(2, -(-len(texts) // 2)) if len(texts) > 1 else 1
    ranked = sorted(
        (g for g, n in seen.items() if n >= needed), key=lambda g: (-seen[g], -len(g), g)
    )
    picked: list[str] = []
    passed: list[str] = []  # better-ranked runs: a part of one is no word of its own
    for g in ranked:
        if any(g in p for p in passed) or any(p in g for p in picked):
            passed.append(g)
            continue
        picked.append(g)
        passed.append(g)
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

    grams = [bigrams(item.content) for item in items]
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if root(i) != root(j) and _dice(grams[i], grams[j]) >= threshold:
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
