"""Docs are tested: every hook is documented with its signature, every code block runs."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from appeal_adapters import hookspecs

ROOT = Path(__file__).resolve().parents[1]
DOCS = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
HOOKS = [
    (name, fn)
    for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
    if name.startswith("appeal_")
]


def _signature(fn: object) -> str:
    sig = inspect.signature(fn)  # type: ignore[arg-type]
    params = ", ".join(
        f"{p.name}: {p.annotation}" if p.annotation is not p.empty else p.name
        for p in sig.parameters.values()
    )
    return f"{fn.__name__}({params}) -> {sig.return_annotation}"  # type: ignore[attr-defined]


@pytest.mark.parametrize(("name", "fn"), HOOKS, ids=[n for n, _ in HOOKS])
def test_every_hook_has_a_section_with_its_exact_signature(name: str, fn: object) -> None:
    text = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
    assert f"\n## {name}\n" in text, f"docs/hooks.md has no section for {name}"
    section = text.split(f"\n## {name}\n", 1)[1].split("\n## ", 1)[0]
    assert _signature(fn) in section, f"signature of {name} differs from docs"
    assert "```python" in section, f"{name} has no example"
    assert fn.__doc__, f"{name} has no docstring"


def test_every_documented_hook_exists() -> None:
    text = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^## (appeal_\w+)$", text, re.M))
    assert documented == {n for n, _ in HOOKS}


@pytest.mark.parametrize("path", DOCS, ids=[p.name for p in DOCS])
def test_code_blocks_run(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_{path.stem}"}
    for i, block in enumerate(BLOCK.findall(path.read_text(encoding="utf-8"))):
        code = compile(block, f"{path.name}[block {i + 1}]", "exec")
        exec(code, namespace)
