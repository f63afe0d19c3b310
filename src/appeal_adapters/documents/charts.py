"""Bar charts of the departments' rates as PNG bytes (matplotlib, a CJK font found by path).

Full department names, wrapped under their bars; the legend above the plot, outside the bars;
the values printed inside the bars (rotated, so neighbours never collide).
"""

from __future__ import annotations

import functools
import io
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from appeal_adapters.documents.fonts import cjk_font

COLORS = ("#1f4e79", "#c55a11", "#548235")


@functools.cache
def _family(path: str, family: str) -> str:
    """Register the font file with matplotlib (every face of a collection); its family name."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    font_manager.fontManager.addfont(path)
    return family or FT2Font(path).family_name


def wrap(label: str, width: int = 4) -> str:
    """A department name on lines of ``width`` characters (no name is cut)."""
    return "\n".join(textwrap.wrap(label, width)) or label


def bar_chart(
    title: str, labels: Sequence[str], series: Mapping[str, Sequence[float | None]]
) -> tuple[bytes | None, str]:
    """A grouped bar chart of rates (0..1; None = no bar), or None with the reason why not."""
    try:
        import matplotlib  # noqa: F401  (first, so a missing package is noticed here)
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.font_manager import FontProperties
    except ImportError:
        return None, "未安装 matplotlib（pip install 'appeal[charts]'），本期简报不含图表"
    found = cjk_font()
    if found is None:
        return None, "未找到中文字体（pip install 'appeal[charts]' 或安装 fonts-noto-cjk）"
    if not labels:
        return None, "本月无部门数据，未生成图表"
    family = _family(*found)

    def font(size: float) -> Any:
        return FontProperties(family=family, size=size)

    n, count = max(1, len(series)), len(labels)
    # Drawn at the printed size (156 mm, the text width), so 7 pt on screen is 7 pt on paper.
    fig = Figure(figsize=(6.14, 3.9), dpi=200)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    width = 0.84 / n
    for k, (name, values) in enumerate(series.items()):
        xs = [i + (k - (n - 1) / 2) * width for i in range(count)]
        ys = [0.0 if v is None else v * 100 for v in values]
        bars = ax.bar(xs, ys, width=width, label=name, color=COLORS[k % len(COLORS)])
        for bar, v in zip(bars, values, strict=True):
            text = "—" if v is None else f"{v * 100:.0f}"
            inside = v is not None and v * 100 >= 25
            ax.annotate(
                text, (bar.get_x() + bar.get_width() / 2, bar.get_height() - 2 if inside else 1),
                ha="center", va="top" if inside else "bottom", rotation=90,
                color="white" if inside else "black", fontproperties=font(6),
            )  # fmt: skip
    ax.set_xticks(range(count))
    ax.set_xticklabels([wrap(label) for label in labels], fontproperties=font(6.5))
    ax.set_xlim(-0.6, count - 0.4)
    ax.set_ylim(0, 100)
    ax.set_ylabel("%", fontproperties=font(8))
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(title, fontproperties=font(10), pad=22)
    ax.legend(prop=font(8), loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=n, frameon=False)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue(), ""
