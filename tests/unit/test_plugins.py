"""The plugin loader: built-ins, blocking, checks, and choosing a store by URL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from appeal_adapters import PluginError, UnknownStoreURL, hookimpl, load_plugins, open_store
from appeal_adapters.config import build_calendar, load_notice, load_policy
from appeal_core import MemoryStore, Policy, ValidationError


def test_memory_store_opens_by_url() -> None:
    assert isinstance(open_store("memory://"), MemoryStore)


def test_unknown_scheme_names_the_known_ones() -> None:
    with pytest.raises(UnknownStoreURL, match="memory"):
        load_plugins(entry_points=False).open_store("ftp://x")


def test_loading_is_idempotent_and_managers_are_independent() -> None:
    a, b = load_plugins(entry_points=False), load_plugins(entry_points=False)
    assert a.names() == b.names()
    assert a.manager is not b.manager


def test_blocked_builtin_is_not_loaded() -> None:
    plugins = load_plugins(entry_points=False, blocked=["appeal_adapters.storage.memory"])
    assert "memory" not in plugins.store_schemes()
    with pytest.raises(UnknownStoreURL):
        plugins.open_store("memory://")


def test_a_misspelled_hook_fails_loudly() -> None:
    class Typo:
        @hookimpl
        def appeal_open_stor(self, url: str) -> None:
            return None

    with pytest.raises(PluginError, match="appeal_open_stor"):
        load_plugins(entry_points=False, extra=[Typo()])
    with pytest.raises(PluginError):
        load_plugins(entry_points=False).register(Typo())


def test_policy_file_overrides_numbers_and_rejects_unknown_keys(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(
        '[deadlines]\nreply_workdays = 5\n[numbering]\nnumber_format = "QD{year}{seq:05d}"\n',
        encoding="utf-8",
    )
    policy = load_policy(path)
    assert policy == Policy(reply_workdays=5, number_format="QD{year}{seq:05d}")
    path.write_text("[deadlines]\nreply_days = 5\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"policy.toml: deadlines.reply_days"):
        load_policy(path)
    path.write_text("[deadlines]\nreply_workdays = 0\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="应为正整数"):
        load_policy(path)
    path.write_text("[deadlines\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="不是有效的 TOML"):
        load_policy(path)


def test_notice_file_extends_the_calendar(tmp_path: Path) -> None:
    path = tmp_path / "2027.toml"
    path.write_text(
        'year = 2027\n[[holidays]]\nname = "元旦"\nfirst = 2027-01-01\nlast = 2027-01-03\n',
        encoding="utf-8",
    )
    assert load_notice(path).year == 2027
    calendar = build_calendar(plugins=load_plugins(entry_points=False), notice_files=[path])
    assert calendar.covers(date(2027, 6, 1))
    path.write_text(
        'year = 2027\n[[holidays]]\nname = "元旦"\nfirst = 2027-01-03\nlast = 2027-01-01\n',
        encoding="utf-8",
    )
    with pytest.raises(ValidationError, match=r"2027\.toml"):
        load_notice(path)
