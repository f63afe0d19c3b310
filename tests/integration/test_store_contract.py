"""The shipped storage contract (plain tests + comparison machine) on memory, SQLite, PostgreSQL."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

import pytest
from hypothesis import settings

from appeal_adapters import open_store
from appeal_core.memory import MemoryStore
from appeal_core.ports import Store
from appeal_core.testing.privacy_contract import PrivacyComparisonMachine, PrivacyContract
from appeal_core.testing.store_contract import StoreContract
from tests.integration.conftest import fresh_schema


class TestMemoryContract(StoreContract, PrivacyContract):
    def make_store(self) -> Store:
        return MemoryStore()


class TestSQLiteContract(StoreContract, PrivacyContract):
    @pytest.fixture(autouse=True)
    def _dir(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path

    def make_store(self) -> Store:
        return open_store(f"sqlite:///{self.tmp_path / uuid.uuid4().hex}.db")


class TestSQLiteMemoryContract(StoreContract, PrivacyContract):
    def make_store(self) -> Store:
        return open_store("sqlite:///:memory:")


@pytest.mark.postgres
class TestPostgresContract(StoreContract, PrivacyContract):
    @pytest.fixture(autouse=True)
    def _server(self, postgres_server: str) -> None:
        self.server = postgres_server

    def make_store(self) -> Store:
        return open_store(fresh_schema(self.server))


# The comparison machine opens a new store per example; on the SQL stores the CI profile's 500
# examples would take minutes, so these run 50 (dev: 25) examples of up to 25 steps each.
SQL_MACHINE = settings(
    settings(), max_examples=min(settings().max_examples, 50), stateful_step_count=25
)


class MemoryComparison(PrivacyComparisonMachine):
    def make_store(self) -> Store:
        return MemoryStore()


MemoryComparison.TestCase.settings = settings(settings(), stateful_step_count=25)
TestMemoryComparison = MemoryComparison.TestCase


class SQLiteComparison(PrivacyComparisonMachine):
    def make_store(self) -> Store:
        path = Path(tempfile.mkdtemp(prefix="appeal-machine-")) / "appeals.db"
        return open_store(f"sqlite:///{path}")


SQLiteComparison.TestCase.settings = SQL_MACHINE
TestSQLiteComparison = SQLiteComparison.TestCase


@pytest.mark.postgres
def test_postgres_comparison_machine(postgres_server: str) -> None:
    class PostgresComparison(PrivacyComparisonMachine):
        def make_store(self) -> Store:
            return open_store(fresh_schema(postgres_server))

    PostgresComparison.TestCase.settings = SQL_MACHINE
    PostgresComparison.TestCase().runTest()
