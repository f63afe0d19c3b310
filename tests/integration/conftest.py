"""Fixtures for the storage integration tests: a SQLite file URL and a fresh PostgreSQL schema.

PostgreSQL comes from ``APPEAL_TEST_POSTGRES_URL``; without it the fixture starts a throwaway
cluster with ``.ci/postgres.sh`` (stopped at the end).  When neither works the PostgreSQL tests
are skipped, except under ``APPEAL_CI_STRICT=1``, where they fail.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.conftest import STRICT

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / ".ci" / "postgres.sh"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A URL for a new SQLite file in the test's temporary directory."""
    return f"sqlite:///{tmp_path / 'appeals.db'}"


def _unavailable(reason: str) -> None:
    if STRICT:
        pytest.fail(f"PostgreSQL is required under APPEAL_CI_STRICT=1: {reason}")
    pytest.skip(f"no PostgreSQL for the tests: {reason}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The base URL of a PostgreSQL database the tests may create schemas in."""
    url = os.environ.get("APPEAL_TEST_POSTGRES_URL")
    started = False
    if not url:
        env = {**os.environ, "APPEAL_PG_HOME": f"/tmp/appeal-postgres-pytest-{os.getpid()}"}
        try:
            done = subprocess.run(
                ["bash", str(SCRIPT), "start"], capture_output=True, text=True, env=env, timeout=600
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            _unavailable(f"could not run {SCRIPT.name}: {exc}")
        if done.returncode != 0:
            _unavailable(
                f"set APPEAL_TEST_POSTGRES_URL, or let .ci/postgres.sh start a cluster "
                f"(it failed: {done.stderr.strip()[-500:]})"
            )
        url, started = done.stdout.strip().splitlines()[-1], True
    try:
        import psycopg
    except ImportError:
        _unavailable("psycopg is not installed (pip install 'appeal[postgres]')")
    try:
        psycopg.connect(url, connect_timeout=10).close()
    except psycopg.Error as exc:
        _unavailable(f"cannot connect to {url}: {exc}")
    yield url
    if started:
        subprocess.run(["bash", str(SCRIPT), "stop"], env=env, capture_output=True, check=False)


def fresh_schema(server: str) -> str:
    """A URL whose search path is a new, empty schema of ``server``'s database."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    sep = "&" if "?" in server else "?"
    return f"{server}{sep}options={quote(f'-c search_path={name}')}"


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A URL for an empty schema of the test PostgreSQL database."""
    return fresh_schema(postgres_server)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def sql_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new SQLite file, then a new PostgreSQL schema: the tests that take it run on both."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'appeals.db'}"
    return fresh_schema(request.getfixturevalue("postgres_server"))


@contextmanager
def raw(url: str) -> Iterator[tuple[Any, str]]:
    """A plain DB-API connection to the store at ``url`` (autocommit) and its parameter marker."""
    if url.startswith("sqlite:///"):
        conn: Any = sqlite3.connect(url[len("sqlite:///") :], isolation_level=None)
        marker = "?"
    else:
        import psycopg

        conn = psycopg.connect(url, autocommit=True)
        marker = "%s"
    try:
        yield conn, marker
    finally:
        conn.close()
