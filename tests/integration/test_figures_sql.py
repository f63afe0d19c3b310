"""The figures' rules on the SQL stores: the hand-computed definitions, explanations that add up
to the SQL figures, sealing and corrections across desks, and the schema-8 upgrade."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from appeal_adapters import open_store
from appeal_adapters.storage import sql
from appeal_adapters.storage.sqlite import SQLiteStore
from appeal_adapters.storage.sqlstore import SqlStore
from appeal_core import Actor, Desk, MemoryStore, Policy
from appeal_core.errors import SealedMonthError
from appeal_core.explain import FIGURES
from appeal_core.metrics import DISTRICT_TOTAL, monthly_report, report_from_counts
from tests.integration.test_sql_metrics import Lockstep, months, walk
from tests.unit.test_definitions import CASES, Scenario, extended, figures, revisited
from tests.unit.test_metrics import DESK, A, at, item


@pytest.mark.parametrize(("scenario", "option", "plan"), CASES,
                         ids=[next(iter(o)) for _, o, _ in CASES])  # fmt: skip
def test_each_definition_by_hand_in_sql(
    sql_url: str, scenario: Scenario, option: dict[str, object], plan: list[Any]
) -> None:
    store = open_store(sql_url)
    desk = scenario(store, Policy(**option))  # type: ignore[arg-type]
    for year, month, _, under in plan:
        assert figures(desk, year, month) == pytest.approx(under), (year, month, option)
    store.close()


@pytest.mark.parametrize("seed", [5, 6])
def test_explanations_add_up_to_the_sql_figures(seed: int) -> None:
    store = open_store("sqlite:///:memory:")
    assert isinstance(store, SqlStore)
    lock = Lockstep(store)
    first, last = walk(lock, seed, 40)
    policy = Policy(valid_visits_only=True, revisit_final=True, extension_keeps_miss=True,
                    basically_satisfied_weight=0.9)  # fmt: skip
    for desk in (Desk(store, district="HM", policy=policy, calendar=lock.desks[(0, "HM")].calendar),
                 Desk(lock.memory, district="HM", policy=policy)):  # fmt: skip
        for year, month in list(months(first, last))[:4]:
            report = desk.report(year, month)
            for d in (*report.departments, report.total):
                name = DISTRICT_TOTAL if d is report.total else d.department
                for figure, (_, top, bottom) in FIGURES.items():
                    x = desk.explain(year, month, name, figure)
                    assert x.numerator == pytest.approx(getattr(d, top)), (name, figure)
                    if bottom:
                        assert x.denominator == getattr(d, bottom), (name, figure)
    store.close()


def test_a_seal_made_by_one_process_binds_every_other(sql_url: str) -> None:
    store = open_store(sql_url)
    desk = Desk(store)
    n = item(desk, "2026-10-23", A)
    other = Desk(open_store(sql_url)) if sql_url.startswith("sqlite") else Desk(store)
    other.reply  # noqa: B018 - a second desk, already reading the stream
    assert other.sealed_months() == ()
    desk.close_month(2026, 10, at=at("2026-11-03"), by=DESK)
    with pytest.raises(SealedMonthError):
        other.reply(n, text="已办", at=at("2026-10-28"), by=Actor.of_department(A))
    with other.correction("漏录", at=at("2026-11-05"), by=DESK):
        other.reply(n, text="已办", at=at("2026-10-28"), by=Actor.of_department(A))
    sealed = desk.report(2026, 10)
    assert sealed.seal is not None and sealed.department(A).replied_on_time == 0
    check = desk.verify_month(2026, 10)
    assert check.ok, check.differences
    (effect,) = desk.corrections(2026, 11)
    assert effect.changes[0].after.response_rate == 1.0
    if other.store is not store:
        other.store.close()
    store.close()


def test_upgrading_a_schema_7_file_fills_the_definitions_columns(tmp_path: Path) -> None:
    memory = MemoryStore()
    revisited(memory, Policy())
    extended(memory, Policy())
    items = [(memory.events(n), memory.state(n)) for n in memory.numbers()]
    path = tmp_path / "seven.db"
    store = SQLiteStore(str(path))
    store.bulk_register(items)
    store.close()
    conn = sqlite3.connect(path, isolation_level=None)  # back to schema 7, as 7 wrote it
    for statement in (
        "DROP INDEX m_visits_month", "DROP INDEX m_completions_due", "DROP INDEX m_cycles_finished",
        "ALTER TABLE m_visits DROP COLUMN reached", "ALTER TABLE m_visits DROP COLUMN superseded",
        "ALTER TABLE m_completions DROP COLUMN kept",
        "CREATE INDEX m_visits_month ON m_visits (visited, district, lead, resolved, satisfaction)",
        "CREATE INDEX m_completions_due ON m_completions (due, district, changed, replaced,"
        " started, ended, final_reply, lead)",
        "DROP INDEX m_co_dues_due", "DROP TABLE m_co_dues",  # schema 9 (the co-handling rows)
        "UPDATE schema_version SET version = 7",
        # and without schema 10 (the review queue and the duplicate signature)
        "DROP INDEX appeals_review", "DROP INDEX appeals_code", "DROP INDEX appeals_phone",
        "ALTER TABLE appeals DROP COLUMN review_pending", "ALTER TABLE appeals DROP COLUMN grams",
        "ALTER TABLE appeals DROP COLUMN credit_code", "ALTER TABLE appeals DROP COLUMN phone_key",
    ):  # fmt: skip
        conn.execute(statement)
    conn.close()
    store = SQLiteStore(str(path))
    version = sqlite3.connect(path).execute("SELECT version FROM schema_version").fetchone()
    assert version == (sql.LATEST,) == (10,)
    histories = [ev for ev, _ in items]
    for policy in (Policy(), Policy(revisit_final=True, extension_keeps_miss=True)):
        for year, month in ((2024, 10), (2024, 11), (2024, 12)):
            want = monthly_report(histories, year=year, month=month, policy=policy)
            counts = store.month_counts(year, month, rules=policy.metrics_rules)
            got = report_from_counts(*counts, year=year, month=month, policy=policy)
            assert got == want, (year, month, policy.metrics_rules)
    assert Policy(revisit_final=True).metrics_rules != Policy().metrics_rules
    store.close()
