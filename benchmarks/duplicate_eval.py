"""Precision and recall of cross-channel duplicate flagging on a labelled synthetic set.

    .venv/bin/python benchmarks/duplicate_eval.py [--threshold 0.2]

Pairs (earlier item, new report), fixed seed, labelled duplicate or not:

- near-duplicates: the same problem of the same enterprise in two wordings: the app's
  written text and the hotline's spoken one (``examples/data/make_samples.py``), a terse
  grassroots summary of it, or the same text with greetings and small edits;
- the same, where the hotline caller names the firm loosely (恒丰机械厂 for 南通恒丰机械有限公司)
  and gives no credit code, but the same phone; and where a visit record names it by its
  brand with the credit code;
- unrelated problems of the same enterprise (same category or another), also under a loose
  name tied by the phone;
- the same problem reported by a different enterprise; by a different enterprise on the same
  phone (an agent or a park office calling for several firms); by a firm of the same name
  with another credit code.

A pair is flagged when ``duplicates.flag`` returns the earlier item at the threshold, with the
policy's rules (the desk's own phone number links nobody).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples" / "data"))

from make_samples import PROBLEMS, credit_code, enterprises  # noqa: E402

from appeal_core import Enterprise, Policy  # noqa: E402
from appeal_core.duplicates import Candidate, flag, phone_key, signature  # noqa: E402

DAY = date(2026, 11, 16)
THRESHOLDS = (0.1, 0.15, 0.18, 0.2, 0.22, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7)
GREETINGS = ("您好，", "你好，我是企业负责人，", "", "")
ENDINGS = ("谢谢！", "麻烦尽快处理。", "", "")
SWAPS = (
    ("希望", "请"),
    ("迟迟", "一直"),
    ("协调", "帮助协调"),
    ("企业", "公司"),
    ("尚未", "还没有"),
)
Pair = tuple[Enterprise, str, Enterprise, str, bool, str]
Quad = tuple[Enterprise, str, Enterprise, str]  # earlier firm and text, new firm and text


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


def brand(firm: Enterprise) -> tuple[str, str]:
    """(brand, trade) of a sample firm: 南通恒丰金海机械有限公司 -> (恒丰金海, 机械)."""
    core = firm.name.removesuffix("有限公司").removesuffix("科技")
    core = core.removeprefix("南通").removeprefix("海门")
    return core[:4], core[4:]


def loosely(rng: random.Random, firm: Enterprise) -> Enterprise:
    """The firm as a hotline caller names it: a short name, no code, the phone as dictated."""
    word, trade = brand(firm)
    name = rng.choice((f"{word}{trade}厂", f"{word}公司", f"{word}{trade}", f"海门{word}"))
    phone = firm.phone
    spoken = rng.choice((f"{phone[:3]} {phone[3:7]} {phone[7:]}", f"{phone[:3]}-{phone[3:7]}-"
                         f"{phone[7:]}", f"+86 {phone}", phone))  # fmt: skip
    return Enterprise(name=name, phone=spoken, contact=firm.contact)


def by_code(rng: random.Random, firm: Enterprise) -> Enterprise:
    """The firm as a visit record names it: its brand, with the credit code."""
    word, trade = brand(firm)
    return Enterprise(
        name=rng.choice((f"{word}公司", f"{word}{trade}")), credit_code=firm.credit_code
    )


def pairs(seed: int = 20261116) -> list[Pair]:
    """(earlier firm, earlier text, new firm, new text, is duplicate, kind), 900 pairs."""
    rng = random.Random(seed)
    firms = enterprises(rng, 60)
    keys = [(c, i) for c in PROBLEMS for i in range(len(PROBLEMS[c]))]
    out: list[Pair] = []

    def add(count: int, kind: str, label: bool, make: Callable[[], Quad]) -> None:
        out.extend((*make(), label, kind) for _ in range(count))

    def reworded(new: Callable[[Enterprise], Enterprise]) -> Quad:
        firm, (c, i) = rng.choice(firms), rng.choice(keys)
        a, b = rng.sample(wordings(rng, c, i, rng.choice((30, 50, 120))), 2)
        return firm, a, new(firm), b

    def other_problem(new: Callable[[Enterprise], Enterprise], same_category: bool) -> Quad:
        firm = rng.choice(firms)
        (c1, i1), (c2, i2) = rng.sample(keys, 2)
        if same_category:
            c2, i1, i2 = c1, 0, 1
        while c1 == c2 and not same_category:
            (c1, i1), (c2, i2) = rng.sample(keys, 2)
        a, b = rng.choice(wordings(rng, c1, i1, 50)), rng.choice(wordings(rng, c2, i2, 50))
        return firm, a, new(firm), b

    def same_problem(new: Callable[[Enterprise, Enterprise], Enterprise]) -> Quad:
        f1, f2 = rng.sample(firms, 2)
        c, i = rng.choice(keys)
        a, b = rng.sample(wordings(rng, c, i, 50), 2)
        return f1, a, new(f1, f2), b

    def as_is(firm: Enterprise) -> Enterprise:
        return firm

    add(240, "same problem, reworded", True, lambda: reworded(as_is))
    add(80, "same problem, loose name, same phone", True,
        lambda: reworded(lambda f: loosely(rng, f)))  # fmt: skip
    add(60, "same problem, brand name, same credit code", True,
        lambda: reworded(lambda f: by_code(rng, f)))  # fmt: skip
    add(120, "same enterprise, other problem (same category)", False,
        lambda: other_problem(as_is, True))  # fmt: skip
    add(120, "same enterprise, other problem", False, lambda: other_problem(as_is, False))
    add(60, "loose name, same phone, other problem", False,
        lambda: other_problem(lambda f: loosely(rng, f), False))  # fmt: skip
    add(120, "same problem, other enterprise", False, lambda: same_problem(lambda a, b: b))
    add(60, "same problem, other enterprise on the same phone (an agent)", False,
        lambda: same_problem(lambda a, b: attrs.evolve(b, phone=a.phone)))  # fmt: skip

    def renamed(a: Enterprise, _: Enterprise) -> Enterprise:
        return attrs.evolve(a, credit_code=credit_code(rng))

    add(40, "same problem, same name, another credit code", False, lambda: same_problem(renamed))
    return out


def scores() -> list[tuple[float | None, bool, str]]:
    """The similarity the flagger sees for each pair (None: not the same enterprise)."""
    ignore = {phone_key(Policy().identity.phone)}
    out = []
    for f1, t1, f2, t2, label, kind in pairs():
        earlier = Candidate(number="HM-2026-0001", year=2026, seq=1, registered_on=DAY,
                            signature=signature(f1, t1))  # fmt: skip
        found = flag(signature(f2, t2), [earlier], on=DAY, threshold=0.0, ignore_phones=ignore)
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
    parser.add_argument("--threshold", type=float, default=Policy().duplicate_threshold,
                        help="threshold of the per-kind table (default: the policy's)")  # fmt: skip
    args = parser.parse_args()
    results = scores()
    kinds: dict[str, list[tuple[float | None, bool]]] = {}
    for s, label, kind in results:
        kinds.setdefault(kind, []).append((s, label))
    print(f"{len(results)} pairs")
    print("| threshold | flagged | precision | recall | F1 |")
    print("|---:|---:|---:|---:|---:|")
    for t, tp, fp, fn in table(results):
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(f"| {t:.2f} | {tp + fp} | {precision:.3f} | {recall:.3f} | {f1:.3f} |")
    at = f"flagged at {args.threshold:.2f}"
    print(f"\n| kind | pairs | duplicate | {at} | similarity min / median / max |")
    print("|---|---:|---|---:|---|")
    for kind, found in kinds.items():
        values = sorted(s for s, _ in found if s is not None)
        flagged = sum(1 for s, _ in found if s is not None and s >= args.threshold)
        spread = (f"{values[0]:.3f} / {values[len(values) // 2]:.3f} / {values[-1]:.3f}"
                  if values else "never compared (not the same enterprise)")  # fmt: skip
        label = "yes" if found[0][1] else "no"
        print(f"| {kind} | {len(found)} | {label} | {flagged} | {spread} |")


if __name__ == "__main__":
    main()
