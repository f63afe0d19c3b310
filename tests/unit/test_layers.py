"""The core stays pure: it imports only the standard library, attrs, dateutil and chinese-calendar."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import appeal_core

CORE = Path(appeal_core.__file__).parent
ALLOWED_THIRD_PARTY = {"attrs", "dateutil", "chinese_calendar"}
TESTING_ONLY = {"hypothesis"}
IO_MODULES = {
    "os",
    "io",
    "pathlib",
    "shutil",
    "socket",
    "sqlite3",
    "subprocess",
    "urllib",
    "http",
    "tempfile",
    "glob",
    "open",
    "requests",
    "time",
    "asyncio",
    "zoneinfo",
    "logging",
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def calls_open_or_today(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id == "open":
                found.append("open()")
            if isinstance(f, ast.Attribute) and f.attr in {"today", "now", "utcnow", "time"}:
                found.append(f"{ast.unparse(f)}()")
    return found


def test_core_imports_nothing_it_must_not() -> None:
    stdlib = set(sys.stdlib_module_names)
    for path in sorted(CORE.rglob("*.py")):
        roots = imported_roots(path) - {"appeal_core", "__future__"}
        allowed = ALLOWED_THIRD_PARTY | (TESTING_ONLY if "testing" in path.parts else set())
        foreign = {r for r in roots if r not in stdlib and r not in allowed}
        assert not foreign, f"{path.name} imports {foreign}"
        assert "appeal_adapters" not in roots and "pluggy" not in roots, path.name
        io = roots & IO_MODULES
        assert not io, f"{path.name} imports I/O modules {io}"


def test_core_never_reads_the_clock_or_opens_files() -> None:
    for path in sorted(CORE.rglob("*.py")):
        assert not calls_open_or_today(path), f"{path.name}: {calls_open_or_today(path)}"


def test_the_check_itself_catches_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import sqlite3\nfrom appeal_adapters import x\nd = date.today()\n", encoding="utf-8"
    )
    assert {"sqlite3", "appeal_adapters"} <= imported_roots(bad)
    assert calls_open_or_today(bad) == ["date.today()"]
