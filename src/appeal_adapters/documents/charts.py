"""Bar charts of the departments' rates as PNG bytes (matplotlib, a CJK font found locally)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

PREFERRED = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Noto Serif CJK SC", "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei", "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "AR PL UMing CN",
)  # fmt: skip


def cjk_font() -> str | None:
    """The path of an installed font with Chinese glyphs, or None."""
    from matplotlib import font_manager

    fonts = {f.name: f.fname for f in font_manager.fontManager.ttflist}
    for name in PREFERRED:
        if name in fonts:
            return fonts[name]
    return next((path for name, path in sorted(fonts.items()) if "CJK" in name), None)


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
    path = cjk_font()
    if path is None:
        return None, "未找到中文字体（如 fonts-noto-cjk），本期简报不含图表"
    if not labels:
        return None, "本月无部门数据，未生成图表"
    font = FontProperties(fname=path, size=9)
    fig = Figure(figsize=(8, 3.6), dpi=120)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    n = max(1, len(series))
    width = 0.8 / n
    for k, (name, values) in enumerate(series.items()):
        xs = [i + (k - (n - 1) / 2) * width for i in range(len(labels))]
        ys = [0.0 if v is None else v * 100 for v in values]
        bars = ax.bar(xs, ys, width=width, label=name)
        for bar, v in zip(bars, values, strict=True):
            text = "—" if v is None else f"{v * 100:.0f}"
            ax.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                        ha="center", va="bottom", fontsize=7, fontproperties=font)  # fmt: skip
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels([label[:10] for label in labels], fontproperties=font, rotation=20)
    ax.set_ylim(0, 110)
    ax.set_ylabel("%", fontproperties=font)
    ax.set_title(title, fontproperties=FontProperties(fname=path, size=12))
    ax.legend(prop=font, loc="upper right", ncols=n)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue(), ""
