"""The contacts table at work: finding people by their blind index, and the district's own
keys made once when several processes ask at the same moment."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Collection
from pathlib import Path

import pytest

from appeal_adapters import open_store
from appeal_adapters.privacy.vault import Ring
from appeal_adapters.storage.contacts import FIND_PEOPLE
from appeal_core.ports import ContactBook
from appeal_core.privacy import person_key
from appeal_core.testing.privacy_contract import registered
from appeal_core.testing.store_contract import ACME, START, make_desk
from tests.integration.conftest import raw


def test_finding_people_uses_the_person_index(tmp_path: Path) -> None:
    """An intake looks every row's person up: a table scan per lookup made it quadratic."""
    url = f"sqlite:///{tmp_path / 'people.db'}"
    store = open_store(url)
    registered(make_desk(store), ACME, START)
    store.close()
    with raw(url) as (conn, _):
        plan = conn.execute("EXPLAIN QUERY PLAN " + FIND_PEOPLE.format(marks="?, ?"), ("a", "b"))
        steps = " ".join(str(row[-1]) for row in plan.fetchall())
    assert "USING INDEX contacts_person" in steps and "SCAN contacts" not in steps, steps


@pytest.mark.postgres
def test_two_writers_making_the_district_secret_at_once_share_one(postgres_url: str) -> None:
    """The first registration of two processes at once: each makes the district's blind-index
    secret; the second waits for the first's row and uses it (it used to fail on the key)."""
    first, second = open_store(postgres_url), open_store(postgres_url)
    people = ["13912345678|张三"]
    failed: list[BaseException] = []

    def look_up() -> None:
        try:
            with second.unit_of_work() as uow:
                assert isinstance(uow, ContactBook)
                uow.find_contacts("HM", people)
        except BaseException as exc:  # reported by the test below
            failed.append(exc)

    waiting = threading.Thread(target=look_up)
    with first.unit_of_work() as uow:
        assert isinstance(uow, ContactBook)
        uow.find_contacts("HM", people)  # the secret made, not yet committed
        waiting.start()
        time.sleep(0.5)  # the other writer now waits on the row
    waiting.join(timeout=30)
    assert not waiting.is_alive() and not failed, failed
    number = registered(make_desk(first), ACME, START)
    with second.unit_of_work() as uow:  # one secret: the person is found from either
        assert isinstance(uow, ContactBook)
        assert uow.find_contacts("HM", [person_key(ACME)]) == [f"{number}-C"]
    first.close()
    second.close()


class _Keys:
    """A key store in memory (``appeal_core.ports.KeyStore``)."""

    def __init__(self) -> None:
        self.keys: dict[str, bytes | None] = {}

    def get_keys(self, key_ids: Collection[str]) -> dict[str, bytes | None]:
        return {k: self.keys[k] for k in key_ids if k in self.keys}

    def create_keys(self, key_ids: Collection[str]) -> dict[str, bytes]:
        made = {k: os.urandom(64) for k in key_ids}
        self.keys.update(made)
        return made

    def destroy_key(self, key_id: str) -> bool:
        self.keys[key_id] = None
        return True


def test_a_contact_met_again_reuses_the_envelopes_it_would_make() -> None:
    """A person's next items in one batch reuse their envelopes: the same bytes a fresh
    sealing gives (the audit compares them), each a dict of its own, opening to the value."""
    keys, contact, phone = _Keys(), "HM-2026-0001-C", "13912345678"
    ring = Ring(keys)
    ring.add(keys.create_keys([contact]))
    ring.recurring([contact])
    first, again = ring.seal(contact, "phone", phone), ring.seal(contact, "phone", phone)
    assert again == first and again is not first
    assert Ring(keys).seal(contact, "phone", phone) == first  # no memory: the same bytes
    assert ring.seal(contact, "contact", phone) != first  # another field: another envelope
    assert Ring(keys).open_("phone", again) == phone
