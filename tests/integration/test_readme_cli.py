"""The README's command-line sequence runs as printed, in a fresh folder, with the real
``appeal`` program (the notify line with a local SMTP server behind its TOML file)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.test_notify import Mailbox, smtp

__all__ = ["smtp"]
ROOT = Path(__file__).resolve().parents[2]
APPEAL = Path(sys.executable).with_name("appeal")


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## The command line", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    lines = [line.split("  #", 1)[0].strip() for line in block.group(1).splitlines()]
    return [line for line in lines if line.startswith(("appeal ", "export "))]


def test_the_readme_sequence_runs_as_printed(tmp_path: Path, smtp: tuple[Mailbox, int]) -> None:
    if not APPEAL.exists():  # pragma: no cover - the console script comes with the install
        pytest.skip("no appeal program beside the interpreter")
    _, port = smtp
    data = tmp_path / "examples" / "data"
    data.mkdir(parents=True)
    shutil.copy(ROOT / "examples" / "data" / "hotline_12345.csv", data)
    (tmp_path / "notify.toml").write_text(
        f'[[smtp]]\nhost = "127.0.0.1"\nport = {port}\nsender = "desk@example.cn"\n'
        '[smtp.recipients]\n"区市场监督管理局" = ["scjgj@example.cn"]\n', encoding="utf-8"
    )  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("APPEAL_")}
    env["HOME"] = str(tmp_path)  # ``~`` as the shell expands it, in this test's folder
    commands = readme_commands()
    assert any(c.startswith("appeal assign") for c in commands)
    outputs = []
    for command in commands:
        args = [env["HOME"] + a[1:] if a.startswith("~/") else a for a in shlex.split(command)]
        if args[0] == "export":  # as the shell would: later commands see the variable
            name, _, value = args[1].partition("=")
            env[name] = env["HOME"] + value[1:] if value.startswith("~/") else value
            continue
        done = subprocess.run([str(APPEAL), *args[1:]], cwd=tmp_path, env=env, text=True,
                              capture_output=True, timeout=300)  # fmt: skip
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        outputs.append(done.stdout)
    assert (tmp_path / "appeals.db").exists() and (tmp_path / "briefing.docx").stat().st_size
    assert "区市场监督管理局" in "".join(outputs)
