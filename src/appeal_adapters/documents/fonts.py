"""Font files for the charts, found by path (never through a font cache that may be stale),
and the fontconfig rules that give LibreOffice the GB/T 9704 fonts' fallbacks.

Order: the Noto Sans CJK collection the ``charts`` extra installs from PyPI (the package
``noto-cjk-sans-otc``: Google's font under the SIL Open Font License 1.1), then the fonts
fontconfig knows now (``fc-list``, asked afresh on every process), then the usual Windows and
macOS font files.  A font installed after the first run is therefore found without deleting
any cache.
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
from pathlib import Path

#: fontconfig rules: 仿宋_GB2312 → 仿宋/FangSong → 宋体 → Noto Serif CJK SC; 黑体 → SimHei →
#: Noto Sans CJK SC; 方正小标宋简体 → 华文中宋 → Noto Serif CJK SC *Bold*.  Install by copying
#: into ``~/.config/fontconfig/conf.d/`` (or ``/etc/fonts/conf.d/``), see docs/documents.md.
FONTCONFIG = Path(__file__).with_name("61-appeal-cjk.conf")

#: Families a chart may use, best first (Simplified Chinese forms).
PREFERRED = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC",
    "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "AR PL UMing CN",
)  # fmt: skip
KNOWN_FILES = (
    "C:/Windows/Fonts/msyh.ttc", "C:/Windows/Fonts/simhei.ttf", "C:/Windows/Fonts/simsun.ttc",
    "/System/Library/Fonts/PingFang.ttc", "/System/Library/Fonts/STHeiti Medium.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
)  # fmt: skip


def _packaged() -> list[tuple[str, str]]:
    try:
        package = importlib.import_module("noto_cjk_sans_otc")
    except ImportError:
        return []
    path = Path(str(package.FONT_PATH))
    return [(str(path), "Noto Sans CJK SC")] if path.is_file() else []


def _fontconfig() -> list[tuple[str, str]]:
    if shutil.which("fc-list") is None:
        return []
    try:
        done = subprocess.run(
            ["fc-list", ":lang=zh-cn", "file", "family"],
            capture_output=True, text=True, timeout=30, check=False,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return []
    found = []
    for line in done.stdout.splitlines():
        path, _, families = line.partition(": ")
        for family in families.split(","):
            found.append((path.strip(), family.strip()))
    return found


def _rank(family: str) -> int:
    return PREFERRED.index(family) if family in PREFERRED else len(PREFERRED)


_memo: list[tuple[str, str]] = []


def cjk_font() -> tuple[str, str] | None:
    """``(file, family)`` of a font with Simplified Chinese glyphs, or None.  A font found is
    remembered for the process; a miss is not, so a font installed meanwhile is found."""
    if not _memo:
        found = _search()
        if found is None:
            return None
        _memo.append(found)
    return _memo[0]


def _search() -> tuple[str, str] | None:
    for candidates in (_packaged(), _fontconfig()):
        if candidates:
            return min(candidates, key=lambda c: _rank(c[1]))
    return next(((name, "") for name in KNOWN_FILES if Path(name).is_file()), None)
