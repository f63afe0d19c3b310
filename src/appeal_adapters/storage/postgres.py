"""``postgresql://...``: the store for many desks and users on one PostgreSQL server (psycopg 3).

Same schema and behaviour as SQLite.  Concurrent writers serialize on the chain-head row
(``SELECT ... FOR UPDATE``) and on the numbering counter row, both held until commit; bulk
ingest goes through binary ``COPY``, each row built as it is sent.  psycopg is imported only
when a store is opened.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from appeal_adapters.errors import MissingExtra
from appeal_adapters.hookspecs import hookimpl
from appeal_adapters.storage import sql
from appeal_adapters.storage.sqlstore import SqlStore
from appeal_core.ports import Store

if TYPE_CHECKING:
    import psycopg

SCHEMES = ("postgresql", "postgres")
#: Advisory lock key held while migrating, so two processes never migrate at once.
MIGRATION_LOCK = 0x617070_65616C  # "appeal"


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:
        raise MissingExtra("PostgreSQL 存储", "postgres", "psycopg") from exc
    return psycopg


def redact(url: str) -> str:
    """``url`` without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


class PostgresStore(SqlStore):
    """Items, event log and counters in one PostgreSQL database (its search path's schema).

    ``schema_version`` is for tests that build an old database; leave it at the latest.
    """

    dialect = sql.POSTGRES

    def __init__(self, url: str, *, schema_version: int = sql.LATEST) -> None:
        super().__init__()
        self._types: dict[str, dict[str, str]] = {}
        pg = _psycopg()
        self.where = redact(url)
        try:
            self._conn: psycopg.Connection[Any] = pg.connect(url, autocommit=True)
        except pg.Error as exc:
            raise sql.StorageError(f"无法连接 PostgreSQL 数据库 {self.where}：{exc}") from exc
        try:
            with self._transaction() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
                sql.migrate(cur, self.dialect, self.where, schema_version)
        except BaseException:
            self._conn.close()
            raise

    @classmethod
    def from_url(cls, url: str) -> PostgresStore:
        """Open ``postgresql://user:password@host:port/dbname`` (``postgres://`` also works)."""
        return cls(url)

    @contextmanager
    def _transaction(self) -> Iterator[psycopg.Cursor[Any]]:
        with self._conn.transaction(), self._conn.cursor() as cur:
            yield cur

    def _cursor(self) -> psycopg.Cursor[Any]:
        return self._conn.cursor()

    def _insert(
        self, cur: Any, table: str, columns: Sequence[str], rows: Iterable[Any], bulk: bool
    ) -> None:
        if not bulk:
            super()._insert(cur, table, columns, rows, bulk)
            return
        types = self._column_types(cur, table, columns)
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
        with cur.copy(statement) as copy:
            copy.set_types(types)
            write_row = copy.write_row
            for row in rows:
                write_row(row)

    def _column_types(self, cur: Any, table: str, columns: Sequence[str]) -> list[str]:
        """The PostgreSQL type names of ``columns`` (binary ``COPY`` sends each in its type)."""
        known = self._types.get(table)
        if known is None:
            cur.execute(
                "SELECT column_name, udt_name FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = %s",
                (table,),
            )
            known = self._types[table] = dict(cur.fetchall())
        return [known[column.strip('"')] for column in columns]

    def close(self) -> None:
        """Close the connection (idempotent)."""
        self._conn.close()


@hookimpl
def appeal_open_store(url: str) -> Store | None:
    """A ``PostgresStore`` for ``postgresql://`` and ``postgres://`` URLs."""
    return PostgresStore.from_url(url) if url.split(":", 1)[0] in SCHEMES else None


@hookimpl
def appeal_store_schemes() -> Iterable[str]:
    """This plugin opens ``postgresql://`` (alias ``postgres://``)."""
    return list(SCHEMES)
