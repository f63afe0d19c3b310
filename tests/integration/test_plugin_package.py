"""A third-party plugin package, installed with pip, adds a channel and a renderer via entry points."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from appeal_adapters import load_plugins
from appeal_adapters.channels.intake import import_file
from appeal_adapters.documents import render
from appeal_core import SHANGHAI, Actor, Desk, MemoryStore

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(ROOT / "examples" / "plugin_package")],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    sys.path.insert(0, str(target))
    yield target
    sys.path.remove(str(target))


def test_entry_point_plugin_adds_a_channel_and_a_renderer(installed: Path, tmp_path: Path) -> None:
    plugins = load_plugins()
    assert "appeal_example_plugin" in {
        type(p).__name__ if not hasattr(p, "__name__") else p.__name__
        for p in plugins.manager.get_plugins()
    }
    export = tmp_path / "wechat.txt"
    export.write_text("1|海门东方机械有限公司|13812345678|厂区道路破损\n2|坏行\n", encoding="utf-8")
    desk = Desk(MemoryStore())
    at = datetime(2026, 11, 16, 9, tzinfo=SHANGHAI)
    report = import_file(desk, export, channel="wechat", plugins=plugins, at=at, by=Actor.desk())
    assert len(report.registered) == 1 and len(report.quarantined) == 1
    markdown = render(plugins, "summary.md", list(desk.store.states())).decode()
    assert "海门东方机械有限公司" in markdown and markdown.startswith("# 企业诉求清单")
