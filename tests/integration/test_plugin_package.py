"""A third-party plugin package, installed with pip, adds a channel and a renderer via entry points."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from appeal_adapters import load_plugins
from appeal_adapters.channels.intake import import_file
from appeal_adapters.config import open_desk
from appeal_adapters.documents import render
from appeal_core import SHANGHAI, Actor, Channel, Desk, MemoryStore, ValidationError

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
    desk = open_desk("memory://", plugins=plugins)
    at = datetime(2026, 11, 16, 9, tzinfo=SHANGHAI)
    report = import_file(desk, export, channel="wechat", plugins=plugins, at=at, by=Actor.desk())
    assert len(report.registered) == 1 and len(report.quarantined) == 1
    markdown = render(plugins, "summary.md", list(desk.store.states())).decode()
    assert "海门东方机械有限公司" in markdown and markdown.startswith("# 企业诉求清单")


def test_a_plugin_channel_is_counted_as_itself(installed: Path, tmp_path: Path) -> None:
    """The plugin's ``wechat`` items are its own: in the item, the figures, the forms."""
    plugins = load_plugins()
    desk = open_desk("memory://", plugins=plugins)
    assert desk.policy.channels.label("wechat") == "企业微信小程序"
    export = tmp_path / "wechat.txt"
    export.write_text("1|海门东方机械有限公司|13812345678|厂区道路破损\n", encoding="utf-8")
    at = datetime(2026, 11, 16, 9, tzinfo=SHANGHAI)
    import_file(desk, export, channel="wechat", plugins=plugins, at=at, by=Actor.desk())
    (item,) = desk.store.states()
    assert item.channel == "wechat" and item.channel == Channel("wechat")
    figures = {c.channel: c.received for c in desk.report(2026, 11).channels}
    assert figures["wechat"] == 1 and figures[Channel.APP] == 0
    assert list(figures)[:5] == list(Channel)  # the seed's five first, as the forms list them
    xlsx = render(plugins, "summary_list.csv", [item], policy=desk.policy).decode("utf-8-sig")
    assert "企业微信小程序" in xlsx
    # A bare core desk does not know the plugin's channel: refused before anything is read.
    with pytest.raises(ValidationError, match="企业微信小程序"):
        import_file(Desk(MemoryStore()), export, channel="wechat", plugins=plugins, at=at,
                    by=Actor.desk())  # fmt: skip


def _appeal(args: list[str], cwd: Path, site: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), *sys.path])}
    return subprocess.run(
        [sys.executable, "-c", "from appeal_adapters.cli import main; main()", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_cli_registers_counts_and_renders_with_the_plugin(
    installed: Path, tmp_path: Path
) -> None:
    def appeal(*args: str) -> str:
        done = _appeal(list(args), tmp_path, installed)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    assert "wechat" in appeal("channels") and "summary.md" in appeal("formats")
    appeal("init")
    appeal("register", "--enterprise", "海门东方机械有限公司", "--content", "厂区道路破损",
           "--channel", "wechat", "--on", "2026-11-16")  # fmt: skip
    figures = json.loads(appeal("report", "--month", "2026-11", "--json"))
    assert {"channel": "wechat", "received": 1, "assigned_or_answered": 0, "answered": 0} in (
        figures["channels"]
    )
    appeal("export", "--format", "summary.md", "--out", "list.md")
    assert "海门东方机械有限公司" in (tmp_path / "list.md").read_text(encoding="utf-8")
    refused = _appeal(["register", "--enterprise", "某公司", "--content", "问题",
                       "--channel", "fax"], tmp_path, installed)  # fmt: skip
    assert refused.returncode == 3
    assert "未知的问题来源" in refused.stderr and "wechat（企业微信小程序）" in refused.stderr
