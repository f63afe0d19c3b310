"""Precision and recall of cross-channel duplicate flagging on a labelled synthetic set.

    .venv/bin/python benchmarks/duplicate_eval.py [--markdown]

Pairs (earlier item, new report), fixed seed, labelled duplicate or not:

- near-duplicates: the same problem of the same enterprise in two wordings: the app's
  written text and the hotline's spoken one (``examples/data/make_samples.py``), a terse
  grassroots summary of it, or the same text with greetings and small edits;
- unrelated problems of the same enterprise (same category or another);
- the same problem reported by a different enterprise.

A pair is flagged when ``possible_duplicates`` returns the earlier item at the threshold.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples" / "data"))

from make_samples import PROBLEMS, enterprises  # noqa: E402

from appeal_core import SHANGHAI, Actor, Desk, Enterprise, MemoryStore  # noqa: E402
from appeal_core.appeal import Appeal  # noqa: E402
from appeal_core.duplicates import possible_duplicates  # noqa: E402

AT = datetime(2026, 11, 16, 9, tzinfo=SHANGHAI)
THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)
GREETINGS = ("您好，", "你好，我是企业负责人，", "", "")
ENDINGS = ("谢谢！", "麻烦尽快处理。", "", "")
SWAPS = (
    ("希望", "请"),
    ("迟迟", "一直"),
    ("协调", "帮助协调"),
    ("企业", "公司"),
    ("尚未", "还没有"),
)


def terse(text: str) -> str:
    """A clerk's summary: the first two clauses."""
    return "，".join(text.rstrip("。").split("，")[:2]) + "。"


def edited(rng: random.Random, text: str) -> str:
    """The same text with a greeting, an ending and a few words swapped."""
    for a, b in SWAPS:
        if rng.random() < 0.5:
            text = text.replace(a, b)
    return rng.choice(GREETINGS) + text + rng.choice(ENDINGS)


def wordings(rng: random.Random, category: str, index: int, n: int) -> list[str]:
    app, hotline = (w.format(n=n) for w in PROBLEMS[category][index])
    return [app, hotline, terse(app), edited(rng, app), edited(rng, hotline)]


def pairs(seed: int = 20261116) -> list[tuple[Enterprise, str, Enterprise, str, bool, str]]:
    """(earlier firm, earlier text, new firm, new text, is duplicate, kind), about 600 pairs."""
    rng = random.Random(seed)
    firms = enterprises(rng, 60)
    keys = [(c, i) for c in PROBLEMS for i in range(len(PROBLEMS[c]))]
    out = []
    for _ in range(240):  # near-duplicates
        firm, (c, i) = rng.choice(firms), rng.choice(keys)
        a, b = rng.sample(wordings(rng, c, i, rng.choice((30, 50, 120))), 2)
        out.append((firm, a, firm, b, True, "same problem, reworded"))
    for _ in range(120):  # unrelated problems of the same enterprise, same category
        firm, c = rng.choice(firms), rng.choice(list(PROBLEMS))
        a, b = (rng.choice(wordings(rng, c, i, 50)) for i in (0, 1))
        out.append((firm, a, firm, b, False, "same enterprise, other problem (same category)"))
    for _ in range(120):  # unrelated problems of the same enterprise, other category
        firm = rng.choice(firms)
        (c1, i1), (c2, i2) = rng.sample(keys, 2)
        while c1 == c2:
            (c1, i1), (c2, i2) = rng.sample(keys, 2)
        a, b = rng.choice(wordings(rng, c1, i1, 50)), rng.choice(wordings(rng, c2, i2, 50))
        out.append((firm, a, firm, b, False, "same enterprise, other problem"))
    for _ in range(120):  # the same problem of another enterprise
        f1, f2 = rng.sample(firms, 2)
        c, i = rng.choice(keys)
        a, b = rng.sample(wordings(rng, c, i, 50), 2)
        out.append((f1, a, f2, b, False, "same problem, other enterprise"))
    return out


def earlier_item(firm: Enterprise, text: str) -> Appeal:
    desk = Desk(MemoryStore(), district="HM")
    return desk.register(enterprise=firm, content=text, channel="app", at=AT, by=Actor.desk("评估"))


def scores() -> list[tuple[float | None, bool, str]]:
    """The similarity the flagger sees for each pair (None: never compared)."""
    out = []
    for f1, t1, f2, t2, label, kind in pairs():
        found = possible_duplicates(f2, t2, [earlier_item(f1, t1)], on=AT.date(), threshold=0.0)
        out.append((found[0].score if found else None, label, kind))
    return out


def table(results: list[tuple[float | None, bool, str]]) -> list[tuple[float, int, int, int]]:
    """(threshold, true positives, false positives, false negatives) per threshold."""
    rows = []
    for t in THRESHOLDS:
        tp = sum(1 for s, lab, _ in results if lab and s is not None and s >= t)
        fp = sum(1 for s, lab, _ in results if not lab and s is not None and s >= t)
        fn = sum(1 for s, lab, _ in results if lab and (s is None or s < t))
        rows.append((t, tp, fp, fn))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    results = scores()
    kinds: dict[str, int] = {}
    for _, _, kind in results:
        kinds[kind] = kinds.get(kind, 0) + 1
    print(f"{len(results)} pairs: " + ", ".join(f"{k}: {v}" for k, v in kinds.items()))
    print("| threshold | flagged | precision | recall | F1 |")
    print("|---:|---:|---:|---:|---:|")
    for t, tp, fp, fn in table(results):
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(f"| {t:.2f} | {tp + fp} | {precision:.3f} | {recall:.3f} | {f1:.3f} |")
    for kind in kinds:
        values = sorted(s for s, _, k in results if k == kind and s is not None)
        if values:
            mid = values[len(values) // 2]
            print(f"{kind}: similarity min {values[0]:.3f}, median {mid:.3f}, max {values[-1]:.3f}")
        else:
            print(f"{kind}: never compared (different enterprise key)")


if __name__ == "__main__":
    main()
