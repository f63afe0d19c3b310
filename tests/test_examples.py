"""The examples a platform developer copies from all run."""

from __future__ import annotations

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
def test_demo_month_is_deterministic(tmp_path: Path) -> None:
    first = run("demo_month.py", cwd=tmp_path)
    assert "共受理企业诉求" in first and "期限说明示例" in first
    assert run("demo_month.py", cwd=tmp_path) == first
