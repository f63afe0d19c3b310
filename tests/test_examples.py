"""The examples a platform developer copies from all run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(script: str, *args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd or ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_quickstart_runs() -> None:
    assert "HM-2024-0001 2024-10-10" in run("quickstart.py")


@pytest.mark.slow
def test_demo_reuses_its_store_and_gives_the_same_result(tmp_path: Path) -> None:
    """On a fresh machine (no master key) the demo makes a development key and says so."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("APPEAL_MASTER_KEY")}
    said: list[str] = []

    def demo() -> tuple[str, str, str]:
        done = subprocess.run(
            [str(Path(sys.executable).with_name("appeal")), "--db", "sqlite:///demo.db", "demo"],
            capture_output=True, text=True, timeout=600, cwd=tmp_path, check=False, env=env,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        out = tmp_path / "demo-output"
        figures = (out / "月度数据-2026-11.json").read_text(encoding="utf-8")
        lines = done.stdout.splitlines()
        said.extend(line for line in lines if line.startswith("演示："))
        shown = "\n".join([line for line in lines if not line.startswith("演示：")][1:])
        return shown, figures, (out / "审计校验.txt").read_text("utf-8")

    first = demo()
    assert "各部门办理情况" in first[0] and "通过" in first[2]
    key = tmp_path / ".appeal" / "demo-master.key"
    assert "已生成开发用主密钥" in said[0] and "APPEAL_MASTER_KEY_FILE" in said[0] and key.exists()
    for name in (
        "交办单.docx",
        "汇总清单.xlsx",
        "汇总清单.csv",
        "简报-2026-11.docx",
        "简报-2026-11.html",
    ):
        assert (tmp_path / "demo-output" / name).stat().st_size > 0
    again = demo()
    assert again[1] == first[1] and again[0] == first[0]
    assert "使用开发用主密钥" in said[-1]
