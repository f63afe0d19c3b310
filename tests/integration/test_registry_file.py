"""Department registry files: the district's order, pinyin or strokes; bad files named by row."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from appeal_adapters.config import load_departments
from appeal_adapters.errors import MissingExtra
from appeal_core import ValidationError

FILE = """order = "{order}"

[[department]]
name = "区税务局"

[[department]]
name = "区商务局"
short = "商务局"

[[department]]
name = "区人力资源和社会保障局"
short = "人社局"
aliases = ["人社"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "departments.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_official_order_is_the_files(tmp_path: Path) -> None:
    entries = load_departments(write(tmp_path, FILE.format(order="official")))
    assert [(e.name, e.order) for e in entries] == [
        ("区税务局", 1), ("区商务局", 2), ("区人力资源和社会保障局", 3)]  # fmt: skip
    assert entries[2].aliases == ("人社",)


def test_pinyin_order_never_code_points(tmp_path: Path) -> None:
    pytest.importorskip("pypinyin")
    entries = load_departments(write(tmp_path, FILE.format(order="official")), order="pinyin")
    ranked = sorted(entries, key=lambda e: e.order)
    assert [e.name for e in ranked] == [
        "区人力资源和社会保障局",
        "区商务局",
        "区税务局",
    ]  # ren shang shui
    more = FILE.format(order="pinyin") + '\n[[department]]\nname = "区长安局"\n'
    names = [e.name for e in sorted(load_departments(write(tmp_path, more)), key=lambda e: e.order)]
    assert names.index("区长安局") < names.index("区人力资源和社会保障局")  # chang before ren...
    assert "区长安局" > "区人力资源和社会保障局"  # ...where code points (长 U+957F) put it after


def test_stroke_order_needs_its_extra_or_sorts_by_strokes(tmp_path: Path) -> None:
    path = write(tmp_path, FILE.format(order="strokes"))
    if importlib.util.find_spec("icu") is None:
        with pytest.raises(MissingExtra, match=r"appeal\[strokes\]"):
            load_departments(path)
        return
    ranked = sorted(load_departments(path), key=lambda e: e.order)
    assert ranked[0].name == "区人力资源和社会保障局"  # 人 (2 strokes) before 商, 税


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "至少一个"),
        ('[[department]]\nshort = "x"\n', "第1行"),
        ('[[department]]\nname = "区商务局"\ncolour = "red"\n', "未知的设置项"),
        ('[[department]]\nname = "区商务局"\naliases = ["税务"]\n'
         '[[department]]\nname = "区税务局"\nshort = "税务"\n', "同时是"),
        ('order = "alphabet"\n[[department]]\nname = "区商务局"\n', "pinyin"),
        ("[[department]\n", "TOML"),
    ],
)  # fmt: skip
def test_bad_files_are_refused_naming_the_row(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        load_departments(write(tmp_path, text))
