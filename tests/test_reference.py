"""The Desk API reference (docs/reference/desk.md) is generated from the code and kept current:
every public Desk member has a docstring, a row, a section, and a route or a reason for none."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from appeal_adapters import reference
from appeal_adapters.routes import DESK_ROUTES, DOCUMENT_ROUTES, NOT_OVER_HTTP
from appeal_core import Desk
from appeal_core.lifecycle import TRANSITIONS

PAGE = Path(__file__).resolve().parents[1] / "docs" / "reference" / "desk.md"


@pytest.fixture(scope="module")
def facts() -> list[reference.Facts]:
    return reference.facts()


def test_the_committed_page_is_what_the_code_makes_now(facts: list[reference.Facts]) -> None:
    assert PAGE.read_text(encoding="utf-8") == reference.markdown(facts), (
        "docs/reference/desk.md is stale: run `make docs` (python -m appeal_adapters.reference"
        " docs/reference/desk.md)"
    )


@pytest.mark.parametrize("name", reference.public_members())
def test_every_public_member_has_a_docstring_a_row_and_a_section(name: str) -> None:
    member = inspect.getattr_static(Desk, name)
    func = member.fget if isinstance(member, property) else member
    doc = inspect.getdoc(func)
    assert doc and doc.strip(), f"Desk.{name} has no docstring"
    text = PAGE.read_text(encoding="utf-8")
    assert f"| [`{name}`](#" in text, f"Desk.{name} has no row in the reference"
    assert re.search(rf"^::: appeal_core\.[\w.]+\.{name}$", text, re.M), f"no section: {name}"


def test_routes_cover_every_public_member_once() -> None:
    public = set(reference.public_members())
    assert set(DESK_ROUTES) | set(NOT_OVER_HTTP) == public
    assert not set(DESK_ROUTES) & set(NOT_OVER_HTTP)
    routes = [str(r) for r in (*DESK_ROUTES.values(), *DOCUMENT_ROUTES.values())]
    assert len(routes) == len(set(routes)), "two methods share a route"


def test_every_lifecycle_command_is_reached_from_a_desk_method(
    facts: list[reference.Facts],
) -> None:
    issued = {name for f in facts for name in f.commands}
    assert {k.__name__ for k in TRANSITIONS} <= issued


def test_the_rows_say_what_the_table_says(facts: list[reference.Facts]) -> None:
    by = {f.name: f for f in facts}
    assert by["verify"].allowed_from == ("registered",) and by["verify"].roles == ("desk",)
    assert by["reply"].roles == ("department",)
    # a reply to a paused item lets its clock run again first (resume_first)
    assert set(by["reply"].events) == {"PreliminaryReplied", "Replied", "Resumed"}
    assert by["resolve"].roles == ("leader",)
    assert by["register"].roles == ("desk",) and by["register"].events == ("Registered",)
    assert "Noticed" in by["sweep"].events and by["close_month"].events == ("MonthSealed",)
    assert [u.command for u in by["assign"].cli] == ["appeal assign"]
    assert "--lead" in by["assign"].cli[0].options and "--json" not in by["assign"].cli[0].options
    assert by["assign"].http == "POST /items/{number}/assign"
