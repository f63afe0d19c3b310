"""The ``Desk`` API reference, generated from the code it describes (docs/reference/desk.md).

For each public ``Desk`` member: its signature and docstring (rendered by mkdocstrings), the
statuses it is allowed from and the role that may call it (``appeal_core.lifecycle``'s
``TRANSITIONS``, through the commands the method issues), the events it records (read from the
decisions' source), the ``appeal`` commands that call it with their options (read from the
click commands), and its HTTP route (``appeal_adapters.routes``).  ``python -m
appeal_adapters.reference docs/reference/desk.md`` writes the page; a test fails when the page
is not what this module makes now.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import sys
import textwrap
import types
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs
import click

from appeal_adapters.routes import DESK_ROUTES, NOT_OVER_HTTP
from appeal_core import commands as c
from appeal_core import decisions, handling
from appeal_core import events as ev
from appeal_core.appeal import Status
from appeal_core.desk import Desk
from appeal_core.journal import JOURNAL_TYPES
from appeal_core.lifecycle import REGISTER_ROLE, TRANSITIONS

EVENT_NAMES = frozenset(
    {t.__name__ for t in ev.Event.__args__} | {t.__name__ for t in JOURNAL_TYPES}
)
#: Commands that call the desk but are no way to call a method (the demo runs them all).
NOT_A_FACE = frozenset({"appeal demo", "appeal serve"})  # serve: the HTTP face, its own column
_CALLS_DESK = re.compile(r"\b(?:desk|reader|self)\.(\w+)\(")


@attrs.frozen(kw_only=True)
class Usage:
    """An ``appeal`` command that calls the method, and its own options."""

    command: str
    options: tuple[str, ...]


@attrs.frozen(kw_only=True)
class Facts:
    """What the reference says of one public ``Desk`` member."""

    name: str
    target: str  # the dotted path mkdocstrings renders
    commands: tuple[str, ...]  # the lifecycle commands it issues
    allowed_from: tuple[str, ...]
    roles: tuple[str, ...]
    events: tuple[str, ...]
    cli: tuple[Usage, ...]
    http: str


def public_members() -> list[str]:
    """Every public member of ``Desk`` (methods and properties), by name."""
    return sorted(
        name
        for name, value in inspect.getmembers(Desk)
        if not name.startswith("_") and (inspect.isfunction(value) or isinstance(value, property))
    )


def _function(name: str) -> Callable[..., Any]:
    value = inspect.getattr_static(Desk, name)
    if isinstance(value, property):
        assert value.fget is not None
        return value.fget
    return value  # type: ignore[no-any-return]


def _tree(func: Callable[..., Any]) -> ast.AST:
    return ast.parse(textwrap.dedent(inspect.getsource(func)))


def _names_in(node: ast.AST) -> Iterator[str]:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            f = sub.func
            if isinstance(f, ast.Name):
                yield f.id
            elif isinstance(f, ast.Attribute):
                yield f.attr


def command_events() -> dict[type, tuple[str, ...]]:
    """The events each command's case in the decisions records (with the helpers and the core
    functions it calls)."""
    out: dict[type, tuple[str, ...]] = {c.Register: ("Registered",)}
    for module in (decisions, handling):
        tree = ast.parse(inspect.getsource(module))
        helpers = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
        scope = vars(module)
        for node in ast.walk(tree):
            if not isinstance(node, ast.match_case):
                continue
            patterns = node.pattern.patterns if isinstance(node.pattern, ast.MatchOr) else [
                node.pattern]  # fmt: skip
            names = _closure(node, helpers)
            for sub in ast.walk(node):  # events built in another core module's function
                _, target = _callee(sub.func, scope) if isinstance(sub, ast.Call) else ("", None)
                if target is not None and _in_core(target):
                    names += [n for n in _reach(target)[1] if n not in names]
            for pattern in patterns:
                owner, attr = _dotted(pattern.cls) if isinstance(pattern, ast.MatchClass) else (
                    "", "")  # fmt: skip
                if owner == "c":
                    out[getattr(c, attr)] = tuple(n for n in names if n in EVENT_NAMES)
    # decided by decide_merge, on two items
    out[c.Merge] = tuple(n for n in _closure(_tree(decisions.decide_merge), {}) if n in EVENT_NAMES)
    return out


def _closure(node: ast.AST, helpers: dict[str, ast.FunctionDef]) -> list[str]:
    seen: list[str] = []
    todo = [node]
    visited: set[str] = set()
    while todo:
        for name in _names_in(todo.pop()):
            if name not in seen:
                seen.append(name)
            if name in helpers and name not in visited:
                visited.add(name)
                todo.append(helpers[name])
    return seen


def _reach(func: Callable[..., Any], depth: int = 3) -> tuple[list[type], list[str], list[str]]:
    """The commands issued, the event classes built and the roles checked by a method or by
    the core functions (and other desk methods) it calls, followed ``depth`` calls deep."""
    commands: list[type] = []
    found: list[str] = []
    roles: list[str] = []
    seen: set[Any] = set()
    todo: list[tuple[Any, int]] = [(func, 0)]
    while todo:
        fn, level = todo.pop()
        if fn in seen:
            continue
        seen.add(fn)
        try:
            tree = _tree(fn)
        except (OSError, TypeError):
            continue
        scope = _scope(fn, tree)
        for sub in ast.walk(tree):
            owner, attr = _dotted(sub)
            if owner == "Role" and attr.lower() not in roles:
                roles.append(attr.lower())  # a role the use case checks itself
            command = getattr(c, attr, None) if owner == "c" else None
            if isinstance(command, type) and command not in commands:
                commands.append(command)
            if not isinstance(sub, ast.Call):
                continue
            name, target = _callee(sub.func, scope)
            if name in EVENT_NAMES and name not in found:
                found.append(name)
            elif level < depth and _in_core(target):
                todo.append((target, level + 1))
            elif level < depth and name and _is_self_call(sub.func):
                method = inspect.getattr_static(Desk, name, None)
                if inspect.isfunction(method) and name != "execute":
                    todo.append((method, level + 1))
    return commands, found, roles


def _dotted(node: ast.AST) -> tuple[str, str]:
    """``("c", "Verify")`` for ``c.Verify``; ``("", "")`` for anything else."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.value.id, node.attr
    return "", ""


def _scope(fn: Any, tree: ast.AST) -> dict[str, Any]:
    """The names a function sees: its module's, and those it imports in its own body."""
    scope = dict(getattr(fn, "__globals__", {}))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            module = importlib.import_module(node.module)
            for alias in node.names:
                scope[alias.asname or alias.name] = getattr(module, alias.name, None)
    return scope


def _callee(f: ast.expr, scope: dict[str, Any]) -> tuple[str, Any]:
    if isinstance(f, ast.Name):
        return f.id, scope.get(f.id)
    if isinstance(f, ast.Attribute):
        owner = scope.get(f.value.id) if isinstance(f.value, ast.Name) else None
        return f.attr, getattr(owner, f.attr, None) if isinstance(owner, types.ModuleType) else None
    return "", None


def _is_self_call(f: ast.expr) -> bool:
    return isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "self"


def _in_core(target: Any) -> bool:
    return inspect.isfunction(target) and (target.__module__ or "").startswith("appeal_core.")


def _commands(group: click.Group, prefix: str = "appeal") -> Iterator[tuple[str, click.Command]]:
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from _commands(command, path)


def _calls(func: Callable[..., Any], depth: int = 4) -> set[str]:
    """The desk methods a CLI callback calls (``desk.x(``, ``reader.x(``), with its helpers."""
    names: set[str] = set()
    seen: set[Any] = set()
    todo: list[tuple[Any, int]] = [(inspect.unwrap(func), 0)]
    while todo:
        fn, level = todo.pop()
        if fn in seen:
            continue
        seen.add(fn)
        try:
            source = textwrap.dedent(inspect.getsource(fn))
        except (OSError, TypeError):
            continue
        names.update(_CALLS_DESK.findall(source))
        if level >= depth:
            continue
        tree = ast.parse(source)
        scope = _scope(fn, tree)
        for sub in ast.walk(tree):
            if isinstance(sub, ast.Call):
                _, target = _callee(sub.func, scope)
                if inspect.isfunction(target) and (target.__module__ or "").startswith(
                    "appeal_adapters"
                ):
                    todo.append((target, level + 1))
    return names


def cli_usage(root: click.Group) -> dict[str, list[Usage]]:
    """For each desk method, the ``appeal`` commands whose callbacks call it."""
    from appeal_adapters.cli.app import GLOBAL_OPTIONS

    shared = {flag for flag, _, _ in GLOBAL_OPTIONS} | {"--help", "-h"}
    out: dict[str, list[Usage]] = {}
    for path, command in _commands(root):
        if command.callback is None or path in NOT_A_FACE:
            continue
        options = tuple(
            "/".join(p.opts) if isinstance(p, click.Option) else p.human_readable_name
            for p in command.params
            if not (isinstance(p, click.Option) and set(p.opts) & shared)
        )
        for name in _calls(command.callback):
            out.setdefault(name, []).append(Usage(command=path, options=options))
    return out


def facts(root: click.Group | None = None) -> list[Facts]:
    """The reference's facts for every public ``Desk`` member."""
    if root is None:
        from appeal_adapters.cli import cli

        root = cli
    usage = cli_usage(root)
    made = command_events()
    out = []
    for name in public_members():
        func = _function(name)
        reached, built, checked = _reach(func) if name != "execute" else ([], [], [])
        issued = [k for k in reached if k in TRANSITIONS or k is c.Register]
        rules = [TRANSITIONS[k] for k in issued if k in TRANSITIONS]
        statuses = sorted({s for r in rules for s in r.allowed_from}, key=list(Status).index)
        roles = [r.role.value for r in rules]
        if c.Register in issued:
            roles.append(REGISTER_ROLE.value)
        if not rules and built:  # a journal use case: the roles its own checks name
            roles += checked
        events = [e for k in issued for e in made.get(k, ())] + built
        route = DESK_ROUTES.get(name)
        out.append(
            Facts(
                name=name,
                target=f"{func.__module__}.{func.__qualname__}",
                commands=tuple(k.__name__ for k in issued),
                allowed_from=tuple(s.value for s in statuses),
                roles=tuple(dict.fromkeys(roles)),
                events=tuple(dict.fromkeys(events)),
                cli=tuple(usage.get(name, ())),
                http=str(route) if route else f"— ({NOT_OVER_HTTP.get(name, '')})",
            )
        )
    return out


def _cell(values: Iterable[str], empty: str = "—") -> str:
    text = ", ".join(f"`{v}`" for v in values)
    return text or empty


def markdown(found: list[Facts] | None = None) -> str:
    """The reference page: a summary table, then one section per member."""
    found = found if found is not None else facts()
    labels = {s.value: s.label for s in Status}
    lines = [
        "# Desk API reference",
        "",
        "<!-- Generated by `python -m appeal_adapters.reference docs/reference/desk.md`"
        " (make docs); do not edit by hand. -->",
        "",
        "Every public member of `appeal_core.Desk`: what it takes, from which statuses and by "
        "whom it may be called (from `appeal_core.lifecycle.TRANSITIONS`), the events it records, "
        "the `appeal` commands that call it and the HTTP route (`appeal_adapters.routes`). "
        "Every command method takes `at` (an aware datetime: the caller passes the time) and "
        "`by` (an `Actor`: `Actor.desk()`, `Actor.department(name)`, `Actor.leader(name)`).",
        "",
        "| Method | Allowed from | Role | Events | CLI | HTTP |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for f in found:
        cli = ", ".join(f"`{u.command}`" for u in f.cli) or "—"
        lines.append(
            f"| [`{f.name}`](#{f.target}) | {_cell(f.allowed_from)} | "
            f"{_cell(f.roles)} | {_cell(f.events)} | {cli} | {f.http} |"
        )
    for f in found:
        lines += ["", f"::: {f.target}", "    options:", "      show_root_heading: true",
                  "      show_root_full_path: false", "      heading_level: 2", ""]  # fmt: skip
        if f.commands:
            froms = "、".join(f"{labels[s]} (`{s}`)" for s in f.allowed_from) or "a new item"
            lines.append(f"- **Lifecycle command:** {_cell(f.commands)}")
            lines.append(f"- **Allowed from:** {froms}")
            lines.append(f"- **Who may call it:** {_cell(f.roles)}")
        lines.append(f"- **Events recorded:** {_cell(f.events, 'none (a query)')}")
        for u in f.cli:
            lines.append(f"- **CLI:** `{u.command}` {_cell(u.options, '')}".rstrip())
        if not f.cli:
            lines.append("- **CLI:** —")
        lines.append(f"- **HTTP:** `{f.http}`" if not f.http.startswith("—") else
                     f"- **HTTP:** {f.http}")  # fmt: skip
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``PATH``: write the page there; ``--check PATH``: exit 1 when it is not current."""
    args = sys.argv[1:] if argv is None else argv
    text = markdown()
    if args[:1] == ["--check"] and len(args) == 2:
        if Path(args[1]).read_text(encoding="utf-8") != text:
            sys.stderr.write(f"{args[1]} 已过期：请运行 make reference 重新生成\n")
            return 1
        return 0
    if args:
        Path(args[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
